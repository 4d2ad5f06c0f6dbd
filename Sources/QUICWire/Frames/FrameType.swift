/// Frame type codepoints: RFC 9000 §19 and Table 3, RFC 9221 §4, draft-ietf-quic-ack-frequency and
/// draft-ietf-quic-multipath-21 (the values of ARCHITECTURE.md §2).
public enum FrameType {
    public static let padding: UInt64 = 0x00
    public static let ping: UInt64 = 0x01
    public static let ack: UInt64 = 0x02
    public static let ackECN: UInt64 = 0x03
    public static let resetStream: UInt64 = 0x04
    public static let stopSending: UInt64 = 0x05
    public static let crypto: UInt64 = 0x06
    public static let newToken: UInt64 = 0x07
    /// STREAM frames are 0x08-0x0f; the low three bits are OFF (0x04), LEN (0x02) and FIN (0x01).
    public static let stream: UInt64 = 0x08
    public static let maxData: UInt64 = 0x10
    public static let maxStreamData: UInt64 = 0x11
    public static let maxStreamsBidirectional: UInt64 = 0x12
    public static let maxStreamsUnidirectional: UInt64 = 0x13
    public static let dataBlocked: UInt64 = 0x14
    public static let streamDataBlocked: UInt64 = 0x15
    public static let streamsBlockedBidirectional: UInt64 = 0x16
    public static let streamsBlockedUnidirectional: UInt64 = 0x17
    public static let newConnectionID: UInt64 = 0x18
    public static let retireConnectionID: UInt64 = 0x19
    public static let pathChallenge: UInt64 = 0x1a
    public static let pathResponse: UInt64 = 0x1b
    public static let connectionCloseTransport: UInt64 = 0x1c
    public static let connectionCloseApplication: UInt64 = 0x1d
    public static let handshakeDone: UInt64 = 0x1e
    /// draft-ietf-quic-ack-frequency.
    public static let immediateAck: UInt64 = 0x1f
    /// RFC 9221: 0x30 has no Length field (the data runs to the end of the packet), 0x31 has one.
    public static let datagram: UInt64 = 0x30
    public static let datagramWithLength: UInt64 = 0x31
    /// draft-ietf-quic-ack-frequency.
    public static let ackFrequency: UInt64 = 0xaf
    /// draft-ietf-quic-multipath-21.
    public static let pathAck: UInt64 = 0x3e
    public static let pathAckECN: UInt64 = 0x3f
    public static let pathAbandon: UInt64 = 0x3e75
    public static let pathStatusBackup: UInt64 = 0x3e76
    public static let pathStatusAvailable: UInt64 = 0x3e77
    public static let pathNewConnectionID: UInt64 = 0x3e78
    public static let pathRetireConnectionID: UInt64 = 0x3e79
    public static let maxPathID: UInt64 = 0x3e7a
    public static let pathsBlocked: UInt64 = 0x3e7b
    public static let pathCIDsBlocked: UInt64 = 0x3e7c
}

/// A multipath path identifier (draft-ietf-quic-multipath-21 §2: path IDs are at most 2^32 - 1, because
/// the nonce carries 32 bits of it).
public typealias PathID = UInt32

extension ByteReader {
    /// Reads a path identifier. A value above 2^32 - 1 exceeds any maximum path ID, which the draft makes a
    /// PROTOCOL_VIOLATION ("Receipt of multipath-specific frames that use a path ID that is greater than
    /// the announced Maximum Paths value [...] MUST be treated as a connection error of type
    /// PROTOCOL_VIOLATION").
    @inlinable
    public mutating func readPathID() throws(WireError) -> PathID {
        let value = try self.readVarInt()
        guard value <= UInt64(UInt32.max) else {
            throw WireError(.outOfRange, code: .protocolViolation, reason: "path ID \(value) exceeds 2^32-1")
        }
        return PathID(value)
    }
}
