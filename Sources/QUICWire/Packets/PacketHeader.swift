/// The header of a packet as it can be read before header protection is removed (RFC 9000 §17,
/// RFC 9001 §5.4): everything up to the packet number, whose length is still hidden in the protected
/// first byte.
///
/// Offsets are relative to the start of the packet, which is also where the packet's bytes begin in
/// the datagram slice handed to ``PacketParser``.
public enum PacketHeader: Hashable, Sendable {
    case long(LongHeader)
    case short(ShortHeader)
    case retry(RetryPacket)
    case versionNegotiation(VersionNegotiationPacket)
    /// A long header of a version this library does not speak: only the invariant fields (RFC 8999
    /// §5.1) were read, enough to answer with Version Negotiation.
    case unsupportedVersion(UnsupportedVersionHeader)
}

/// An Initial, 0-RTT or Handshake packet header (RFC 9000 §17.2).
public struct LongHeader: Hashable, Sendable {
    public var version: QUICVersion
    public var type: LongPacketType
    public var destinationConnectionID: ConnectionID
    public var sourceConnectionID: ConnectionID
    /// The Token of an Initial packet (empty otherwise).
    public var token: ArraySlice<UInt8>
    /// The offset of the Packet Number field: header protection samples 4 bytes after it.
    public var packetNumberOffset: Int
    /// The offset just past this packet (the Length field counts from the packet number on); the next
    /// coalesced packet starts here.
    public var packetEnd: Int
}

/// A 1-RTT packet header (RFC 9000 §17.3).
public struct ShortHeader: Hashable, Sendable {
    public var destinationConnectionID: ConnectionID
    public var packetNumberOffset: Int
    /// A short-header packet runs to the end of the datagram.
    public var packetEnd: Int
}

/// A Retry packet (RFC 9000 §17.2.5): not protected, so it is complete after parsing.
public struct RetryPacket: Hashable, Sendable {
    public var version: QUICVersion
    public var destinationConnectionID: ConnectionID
    public var sourceConnectionID: ConnectionID
    public var token: ArraySlice<UInt8>
    /// The 16-byte Retry Integrity Tag (RFC 9001 §5.8).
    public var integrityTag: ArraySlice<UInt8>
    /// The packet's bytes without the tag: what the tag authenticates, after the pseudo-packet prefix.
    public var bytesWithoutTag: ArraySlice<UInt8>

    /// RFC 9001 §5.8: the Retry Pseudo-Packet is the ODCID length (1 byte), the ODCID, and the Retry packet
    /// without its integrity tag; the tag is the AEAD tag over an empty plaintext with this as associated
    /// data.
    public func pseudoPacket(originalDestinationConnectionID: ConnectionID) -> [UInt8] {
        var writer = ByteWriter(capacity: 1 + originalDestinationConnectionID.length + self.bytesWithoutTag.count)
        writer.writeUInt8(UInt8(originalDestinationConnectionID.length))
        originalDestinationConnectionID.write(to: &writer)
        writer.writeBytes(self.bytesWithoutTag)
        return writer.bytes
    }
}

/// A Version Negotiation packet (RFC 9000 §17.2.1). Its connection IDs may be longer than 20 bytes when
/// they echo a client of another version, so they stay as bytes.
public struct VersionNegotiationPacket: Hashable, Sendable {
    public var destinationConnectionID: ArraySlice<UInt8>
    public var sourceConnectionID: ArraySlice<UInt8>
    public var supportedVersions: [QUICVersion]
}

/// The version-independent fields of a long header (RFC 8999 §5.1).
public struct UnsupportedVersionHeader: Hashable, Sendable {
    public var version: QUICVersion
    public var destinationConnectionID: ArraySlice<UInt8>
    public var sourceConnectionID: ArraySlice<UInt8>
}

/// Header-level bits that become readable once header protection is removed (RFC 9000 §17.2, §17.3.1).
public enum ProtectedBits {
    /// The packet number length from the unprotected first byte (the low two bits plus one).
    @inlinable
    public static func packetNumberLength(firstByte: UInt8) -> Int {
        Int(firstByte & 0x03) + 1
    }

    /// The key phase bit of a short header.
    @inlinable
    public static func keyPhase(firstByte: UInt8) -> Bool {
        firstByte & 0x04 != 0
    }

    /// The spin bit of a short header.
    @inlinable
    public static func spinBit(firstByte: UInt8) -> Bool {
        firstByte & 0x20 != 0
    }

    /// RFC 9000 §17.2: "The value included prior to protection MUST be set to 0. An endpoint MUST treat
    /// receipt of a packet that has a non-zero value for these bits after removing both packet and header
    /// protection as a connection error of type PROTOCOL_VIOLATION." Long headers reserve 0x0c, short
    /// headers 0x18 (§17.3.1).
    @inlinable
    public static func checkReservedBits(firstByte: UInt8) throws(WireError) {
        let isLong = firstByte & 0x80 != 0
        let reserved = firstByte & (isLong ? 0x0c : 0x18)
        guard reserved == 0 else {
            throw WireError(.malformed, code: .protocolViolation, reason: "reserved header bits are not zero")
        }
    }
}
