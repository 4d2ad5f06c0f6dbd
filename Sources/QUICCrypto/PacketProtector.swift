/// Protects and unprotects QUIC packets in caller-owned buffers.
///
/// The connection talks to this protocol only, so that a faster AEAD backend can replace the swift-crypto
/// one without touching it. A packet in the buffer is laid out as
/// `[packetStart, header end)` header (AAD) — with the Packet Number field at its end —
/// then payload, then (when protected) the 16-byte tag.
///
/// Order of operations (RFC 9001 §5.4.1): the sender seals, then applies header protection; the receiver
/// removes header protection, decodes the full packet number, then opens.
public protocol PacketProtector: Sendable {
    /// The cipher suite in use.
    var cipherSuite: CipherSuite { get }

    /// Encrypts `payloadLength` bytes that follow `buffer[headerRange]` in place and writes the tag after
    /// them. Returns the end offset of the protected packet.
    func seal(
        in buffer: inout [UInt8],
        headerRange: Range<Int>,
        payloadLength: Int,
        packetNumber: UInt64,
        pathID: UInt32
    ) throws(CryptoError) -> Int

    /// Decrypts the `ciphertextLength` bytes (tag included) that follow `buffer[headerRange]` in place.
    /// Returns the plaintext length.
    func open(
        in buffer: inout [UInt8],
        headerRange: Range<Int>,
        ciphertextLength: Int,
        packetNumber: UInt64,
        pathID: UInt32
    ) throws(CryptoError) -> Int

    /// Applies header protection to the sealed packet `buffer[packetStart..<packetEnd]`.
    func applyHeaderProtection(
        to buffer: inout [UInt8],
        packetStart: Int,
        packetNumberOffset: Int,
        packetEnd: Int
    ) throws(CryptoError)

    /// Removes header protection from `buffer[packetStart..<packetEnd]`; returns the packet number length and
    /// the truncated packet number.
    func removeHeaderProtection(
        from buffer: inout [UInt8],
        packetStart: Int,
        packetNumberOffset: Int,
        packetEnd: Int
    ) throws(CryptoError) -> (packetNumberLength: Int, truncatedPacketNumber: UInt64)
}

/// The swift-crypto `PacketProtector`: AEAD keys for one key phase plus the header protection key.
public struct PacketProtection: PacketProtector {
    /// Payload protection keys.
    public let packetKeys: PacketKeys
    /// Header protection key.
    public let headerProtectionKey: HeaderProtectionKey

    public var cipherSuite: CipherSuite { self.packetKeys.cipherSuite }

    /// Combines payload and header protection keys of the same suite.
    public init(packetKeys: PacketKeys, headerProtectionKey: HeaderProtectionKey) throws(CryptoError) {
        guard packetKeys.cipherSuite == headerProtectionKey.cipherSuite else { throw .invalidKeyLength }
        self.packetKeys = packetKeys
        self.headerProtectionKey = headerProtectionKey
    }

    /// Derives key, IV and header protection key from a traffic secret (RFC 9001 §5.1).
    public init(cipherSuite: CipherSuite, secret: [UInt8], parameters: VersionParameters) throws(CryptoError) {
        self.packetKeys = try PacketKeys(cipherSuite: cipherSuite, secret: secret, parameters: parameters)
        self.headerProtectionKey = try HeaderProtectionKey(
            cipherSuite: cipherSuite, secret: secret, parameters: parameters)
    }

    public func seal(
        in buffer: inout [UInt8],
        headerRange: Range<Int>,
        payloadLength: Int,
        packetNumber: UInt64,
        pathID: UInt32 = 0
    ) throws(CryptoError) -> Int {
        try self.packetKeys.seal(
            in: &buffer, headerRange: headerRange, payloadLength: payloadLength,
            packetNumber: packetNumber, pathID: pathID)
    }

    public func open(
        in buffer: inout [UInt8],
        headerRange: Range<Int>,
        ciphertextLength: Int,
        packetNumber: UInt64,
        pathID: UInt32 = 0
    ) throws(CryptoError) -> Int {
        try self.packetKeys.open(
            in: &buffer, headerRange: headerRange, ciphertextLength: ciphertextLength,
            packetNumber: packetNumber, pathID: pathID)
    }

    public func applyHeaderProtection(
        to buffer: inout [UInt8],
        packetStart: Int,
        packetNumberOffset: Int,
        packetEnd: Int
    ) throws(CryptoError) {
        try self.headerProtectionKey.apply(
            to: &buffer, packetStart: packetStart, packetNumberOffset: packetNumberOffset, packetEnd: packetEnd)
    }

    public func removeHeaderProtection(
        from buffer: inout [UInt8],
        packetStart: Int,
        packetNumberOffset: Int,
        packetEnd: Int
    ) throws(CryptoError) -> (packetNumberLength: Int, truncatedPacketNumber: UInt64) {
        try self.headerProtectionKey.remove(
            from: &buffer, packetStart: packetStart, packetNumberOffset: packetNumberOffset, packetEnd: packetEnd)
    }
}
