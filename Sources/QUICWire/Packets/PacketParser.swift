/// Reads packet headers from a UDP datagram and splits coalesced packets (RFC 9000 §12.2, §17).
///
/// A datagram may hold several long-header packets, each delimited by its Length field, followed by at
/// most one short-header packet that runs to the end. Errors here mean "drop the packet" (RFC 9000
/// §12.2: "Senders MUST NOT coalesce QUIC packets with different connection IDs [...] receivers MAY
/// route based on the first packet"), not "close the connection".
public struct PacketParser: Sendable {
    /// The length of this endpoint's connection IDs, which short headers do not state.
    public var shortHeaderConnectionIDLength: Int
    /// Whether the fixed bit must be 1 (RFC 9000 §17.2; RFC 9287 lets peers grease it once negotiated).
    public var requireFixedBit: Bool

    public init(shortHeaderConnectionIDLength: Int, requireFixedBit: Bool = true) {
        self.shortHeaderConnectionIDLength = shortHeaderConnectionIDLength
        self.requireFixedBit = requireFixedBit
    }

    /// Parses the header of the packet at the start of `packet` (a slice of a datagram, possibly with
    /// more coalesced packets after it). Offsets in the result are relative to `packet.startIndex`.
    public func parse(_ packet: ArraySlice<UInt8>) throws(WireError) -> PacketHeader {
        var reader = ByteReader(packet)
        let first = try reader.readUInt8()
        guard first & 0x80 != 0 else {
            return .short(try self.parseShort(first: first, reader: &reader, total: packet.count))
        }
        let version = QUICVersion(rawValue: try reader.readUInt32())
        if version == .negotiation {
            return .versionNegotiation(try self.parseVersionNegotiation(reader: &reader))
        }
        guard version.isSupported else {
            let destination = try reader.readBytes(Int(try reader.readUInt8()))
            let source = try reader.readBytes(Int(try reader.readUInt8()))
            return .unsupportedVersion(UnsupportedVersionHeader(version: version, destinationConnectionID: destination,
                                                                sourceConnectionID: source))
        }
        try self.checkFixedBit(first)
        // RFC 9000 §17.2: "Endpoints that receive a version 1 long header with a value larger than 20 MUST
        // drop the packet."
        let destination = try ConnectionID.read(from: &reader, length: Int(try reader.readUInt8()))
        let source = try ConnectionID.read(from: &reader, length: Int(try reader.readUInt8()))
        let type = LongPacketType(bits: (first >> 4) & 0x03, version: version)
        if type == .retry {
            guard reader.remaining >= 16 else { throw WireError.truncated }
            let token = try reader.readBytes(reader.remaining - 16)
            let tag = try reader.readBytes(16)
            return .retry(RetryPacket(version: version, destinationConnectionID: destination,
                                      sourceConnectionID: source, token: token, integrityTag: tag,
                                      bytesWithoutTag: packet.prefix(packet.count - 16)))
        }
        var token: ArraySlice<UInt8> = []
        if type == .initial {
            token = try reader.readVarIntPrefixedBytes()
        }
        let length = try reader.readVarInt()
        let packetNumberOffset = reader.offset
        guard length <= UInt64(reader.remaining) else {
            throw WireError(.overlong, code: .protocolViolation, reason: "packet Length \(length) exceeds the datagram")
        }
        return .long(LongHeader(version: version, type: type, destinationConnectionID: destination,
                                sourceConnectionID: source, token: token, packetNumberOffset: packetNumberOffset,
                                packetEnd: packetNumberOffset + Int(length)))
    }

    private func checkFixedBit(_ first: UInt8) throws(WireError) {
        guard !self.requireFixedBit || first & 0x40 != 0 else {
            throw WireError(.malformed, code: .protocolViolation, reason: "fixed bit is zero")
        }
    }

    private func parseShort(first: UInt8, reader: inout ByteReader, total: Int) throws(WireError) -> ShortHeader {
        try self.checkFixedBit(first)
        let destination = try ConnectionID.read(from: &reader, length: self.shortHeaderConnectionIDLength)
        return ShortHeader(destinationConnectionID: destination, packetNumberOffset: reader.offset, packetEnd: total)
    }

    private func parseVersionNegotiation(reader: inout ByteReader) throws(WireError) -> VersionNegotiationPacket {
        let destination = try reader.readBytes(Int(try reader.readUInt8()))
        let source = try reader.readBytes(Int(try reader.readUInt8()))
        guard reader.remaining % 4 == 0, reader.remaining > 0 else {
            throw WireError(.malformed, reason: "Version Negotiation packet with a partial version list")
        }
        var versions: [QUICVersion] = []
        versions.reserveCapacity(reader.remaining / 4)
        while !reader.isAtEnd {
            versions.append(QUICVersion(rawValue: try reader.readUInt32()))
        }
        return VersionNegotiationPacket(destinationConnectionID: destination, sourceConnectionID: source,
                                        supportedVersions: versions)
    }

    /// The packets coalesced in a datagram, as ranges of the datagram's indices, with their headers.
    /// Parsing stops at the first packet that cannot be parsed; the packets before it are returned
    /// with the error (RFC 9000 §12.2: the receiver processes each packet separately).
    public func split(_ datagram: ArraySlice<UInt8>) -> (packets: [(range: Range<Int>, header: PacketHeader)],
                                                         error: WireError?) {
        var packets: [(range: Range<Int>, header: PacketHeader)] = []
        var start = datagram.startIndex
        while start < datagram.endIndex {
            let rest = datagram[start...]
            let header: PacketHeader
            do {
                header = try self.parse(rest)
            } catch {
                return (packets, error)
            }
            let length: Int
            switch header {
            case .long(let long): length = long.packetEnd
            default: length = rest.count
            }
            packets.append((start..<(start + length), header))
            start += length
        }
        return (packets, nil)
    }

    /// The trailing 16 bytes of a datagram, which a stateless reset ends with (RFC 9000 §10.3.1: "an
    /// endpoint [...] checks [...] the last 16 bytes of the datagram"), when the datagram is long enough to
    /// be one (at least 21 bytes: RFC 9000 §10.3).
    public static func trailingResetToken(of datagram: ArraySlice<UInt8>) -> StatelessResetToken? {
        guard datagram.count >= 21 else { return nil }
        return try? StatelessResetToken(datagram.suffix(16))
    }
}
