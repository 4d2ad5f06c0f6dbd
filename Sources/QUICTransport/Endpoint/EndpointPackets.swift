import QUICCrypto
import QUICWire

/// The packets an endpoint sends without any connection state: Version Negotiation (RFC 9000 §17.2.1),
/// Retry (RFC 9000 §17.2.5, RFC 9001 §5.8, RFC 9369 §3.3.3) and Stateless Reset (RFC 9000 §10.3), and the
/// client's check for an incoming Stateless Reset (RFC 9000 §10.3.1).
///
/// Each packet has a `write…(to:)` form that appends to a caller's ``ByteWriter`` (so a send buffer can be
/// reused) and returns the number of bytes written, and a convenience form that returns a fresh array.
public enum EndpointPackets {
    /// RFC 9000 §10.3: "the Unpredictable Bits field needs to include at least 38 bits of data (or 5 bytes,
    /// less the two fixed bits)", so with the 16-byte token a Stateless Reset is at least 21 bytes long.
    public static let minimumStatelessResetLength = 5 + StatelessResetToken.length

    /// RFC 9000 §10.3: "An endpoint that sends a Stateless Reset in response to a packet that is 43 bytes or
    /// shorter SHOULD send a Stateless Reset that is one byte shorter than the packet it responds to."
    public static let shortTriggerLimit = 43

    // MARK: Version Negotiation

    /// A Version Negotiation packet answering a client long header of a version this server does not speak.
    public static func versionNegotiation(for header: UnsupportedVersionHeader, supported: [QUICVersion],
                                          random: inout some RandomNumberGenerator) -> [UInt8] {
        var writer = ByteWriter(capacity: 7 + header.destinationConnectionID.count
                                    + header.sourceConnectionID.count + 4 * (supported.count + 1))
        Self.writeVersionNegotiation(clientDestination: header.destinationConnectionID,
                                     clientSource: header.sourceConnectionID, supported: supported,
                                     random: &random, to: &writer)
        return writer.bytes
    }

    /// A Version Negotiation packet answering a long header whose version the parser knows but this
    /// endpoint's policy does not accept.
    public static func versionNegotiation(for header: LongHeader, supported: [QUICVersion],
                                          random: inout some RandomNumberGenerator) -> [UInt8] {
        var writer = ByteWriter(capacity: 7 + header.destinationConnectionID.length
                                    + header.sourceConnectionID.length + 4 * (supported.count + 1))
        Self.writeVersionNegotiation(clientDestination: header.destinationConnectionID.bytes,
                                     clientSource: header.sourceConnectionID.bytes, supported: supported,
                                     random: &random, to: &writer)
        return writer.bytes
    }

    /// Appends a Version Negotiation packet and returns its length.
    ///
    /// RFC 9000 §17.2.1: "The server MUST include the value from the Source Connection ID field of the packet
    /// it receives in the Destination Connection ID field. The value for Source Connection ID MUST be copied
    /// from the Destination Connection ID of the received packet". The seven unused bits of the first byte
    /// are random, except that "servers SHOULD set the most significant bit of this field (0x40) to 1 so that
    /// Version Negotiation packets appear to have the Fixed Bit field". A reserved version (RFC 9000 §15,
    /// `0x?a?a?a?a`) is listed at a random position so that clients keep ignoring unknown versions.
    @discardableResult
    public static func writeVersionNegotiation(clientDestination: some Collection<UInt8>,
                                               clientSource: some Collection<UInt8>, supported: [QUICVersion],
                                               random: inout some RandomNumberGenerator,
                                               to writer: inout ByteWriter) -> Int {
        let start = writer.count
        let bits = UInt8.random(in: 0...0x7f, using: &random) | 0x40
        let grease = QUICVersion(rawValue: UInt32.random(in: 0...UInt32.max, using: &random) & 0xf0f0_f0f0
                                     | 0x0a0a_0a0a)
        var versions = supported.filter { !$0.isReserved && $0 != .negotiation }
        versions.insert(grease, at: Int.random(in: 0...versions.count, using: &random))
        PacketHeaderWriter.writeVersionNegotiation(destination: clientSource, source: clientDestination,
                                                   versions: versions, unusedBits: bits, to: &writer)
        return writer.count - start
    }

    // MARK: Retry

    /// A complete Retry packet with its integrity tag.
    ///
    /// - Parameters:
    ///   - destinationCID: the Source Connection ID of the client's Initial.
    ///   - sourceCID: the server's new connection ID, which the client uses as its Destination Connection ID
    ///     from then on. RFC 9000 §17.2.5.1: a client discards a Retry whose Source Connection ID equals the
    ///     Destination Connection ID of its Initial, so this must differ from `originalDestinationCID`.
    ///   - originalDestinationCID: the Destination Connection ID of the client's Initial, authenticated by
    ///     the tag (RFC 9001 §5.8) and echoed later in `original_destination_connection_id`.
    ///   - unusedBits: the four unused bits of the first byte (RFC 9000 §17.2.5: "Unused (4)").
    /// - Throws: ``CryptoError`` for a version without Retry integrity keys.
    public static func retry(version: QUICVersion, destinationCID: ConnectionID, sourceCID: ConnectionID,
                             originalDestinationCID: ConnectionID, token: some Collection<UInt8>,
                             unusedBits: UInt8 = 0) throws(CryptoError) -> [UInt8] {
        var writer = ByteWriter(capacity: 7 + destinationCID.length + sourceCID.length + token.count
                                    + RetryIntegrity.tagLength)
        try Self.writeRetry(version: version, destinationCID: destinationCID, sourceCID: sourceCID,
                            originalDestinationCID: originalDestinationCID, token: token, unusedBits: unusedBits,
                            to: &writer)
        return writer.bytes
    }

    /// Appends a Retry packet with its integrity tag and returns its length. On a thrown error nothing is
    /// appended.
    @discardableResult
    public static func writeRetry(version: QUICVersion, destinationCID: ConnectionID, sourceCID: ConnectionID,
                                  originalDestinationCID: ConnectionID, token: some Collection<UInt8>,
                                  unusedBits: UInt8 = 0, to writer: inout ByteWriter) throws(CryptoError) -> Int {
        let start = writer.count
        PacketHeaderWriter.writeRetryWithoutTag(version: version, destination: destinationCID, source: sourceCID,
                                                token: token, to: &writer)
        writer.bytes[start] |= unusedBits & 0x0f
        let tag: [UInt8]
        do {
            tag = try RetryIntegrity.tag(version: version, originalDestinationConnectionID: originalDestinationCID,
                                         retryPacketWithoutTag: writer.bytes[start...])
        } catch {
            writer.bytes.removeSubrange(start...)
            throw error
        }
        writer.writeBytes(tag)
        return writer.count - start
    }

    // MARK: Stateless Reset

    /// The length of a Stateless Reset answering a packet of `triggeringPacketLength` bytes, or nil when no
    /// reset may be sent.
    ///
    /// RFC 9000 §10.3.3: "An endpoint MUST ensure that every Stateless Reset that it sends is smaller than the
    /// packet that triggered it [...] In the event of a loop, this results in packets eventually being too
    /// small to trigger a response." A trigger of 21 bytes or less cannot be answered: the reset would have
    /// to be shorter than its 21-byte minimum. Triggers of up to 43 bytes get a reset one byte shorter
    /// (RFC 9000 §10.3); longer ones a random length from 43 bytes up to one byte less than the trigger,
    /// capped at `maximumLength`, so resets do not all look alike.
    public static func statelessResetLength(triggeringPacketLength: Int, maximumLength: Int = 1200,
                                            random: inout some RandomNumberGenerator) -> Int? {
        guard triggeringPacketLength > Self.minimumStatelessResetLength else { return nil }
        if triggeringPacketLength <= Self.shortTriggerLimit {
            return triggeringPacketLength - 1
        }
        let upper = min(triggeringPacketLength - 1, max(maximumLength, Self.shortTriggerLimit))
        return Int.random(in: Self.shortTriggerLimit...upper, using: &random)
    }

    /// A Stateless Reset answering a packet of `triggeringPacketLength` bytes, or nil when none may be sent
    /// (see ``statelessResetLength(triggeringPacketLength:maximumLength:random:)``).
    public static func statelessReset(token: StatelessResetToken, triggeringPacketLength: Int,
                                      maximumLength: Int = 1200,
                                      random: inout some RandomNumberGenerator) -> [UInt8]? {
        guard let length = Self.statelessResetLength(triggeringPacketLength: triggeringPacketLength,
                                                     maximumLength: maximumLength, random: &random) else {
            return nil
        }
        var writer = ByteWriter(capacity: length)
        Self.writeStatelessReset(token: token, length: length, random: &random, to: &writer)
        return writer.bytes
    }

    /// Appends a Stateless Reset of exactly `length` bytes (at least ``minimumStatelessResetLength``).
    ///
    /// RFC 9000 §10.3: "Stateless Reset { Fixed Bits (2) = 1, Unpredictable Bits (38..), Stateless Reset Token
    /// (128) }": the first byte is `0b01xxxxxx` so that the packet looks like a short header, then random
    /// bytes, then the token.
    public static func writeStatelessReset(token: StatelessResetToken, length: Int,
                                           random: inout some RandomNumberGenerator, to writer: inout ByteWriter) {
        precondition(length >= Self.minimumStatelessResetLength, "a Stateless Reset is at least 21 bytes")
        writer.writeUInt8(0x40 | UInt8.random(in: 0...0x3f, using: &random))
        var remaining = length - 1 - StatelessResetToken.length
        while remaining >= 8 {
            writer.writeUInt64(random.next())
            remaining -= 8
        }
        if remaining > 0 {
            writer.writeBigEndian(random.next(), byteCount: remaining)
        }
        token.write(to: &writer)
    }

    /// Whether a datagram that could not be processed is a Stateless Reset for one of `knownTokens`.
    ///
    /// RFC 9000 §10.3.1: the endpoint compares the last 16 bytes of the datagram with the tokens of the
    /// connection IDs it uses; "When comparing a datagram to stateless reset token values, endpoints MUST
    /// perform the comparison without leaking information about the value of the token", so every token is
    /// compared in full, without an early exit. Datagrams shorter than 21 bytes are never resets.
    public static func isStatelessReset(datagram: ArraySlice<UInt8>,
                                        knownTokens: some Sequence<StatelessResetToken>) -> Bool {
        guard let trailing = PacketParser.trailingResetToken(of: datagram) else { return false }
        var matched: UInt64 = 0
        for token in knownTokens {
            let difference = (token.high ^ trailing.high) | (token.low ^ trailing.low)
            // 1 when difference is zero, 0 otherwise, without a branch on the secret.
            matched |= ((difference | (0 &- difference)) >> 63) ^ 1
        }
        return matched != 0
    }
}
