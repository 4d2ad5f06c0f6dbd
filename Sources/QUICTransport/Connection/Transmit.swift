import QUICRecovery

/// One datagram to send, written by ``Connection/pollTransmit(now:into:)`` into the caller's buffer.
public struct Transmit: Hashable, Sendable {
    /// Where the datagram goes from and to.
    public var fourTuple: FourTuple
    /// How many bytes of the buffer, from its start, make the datagram.
    public var length: Int
    /// The ECN codepoint to mark it with (0 not-ECT, 2 ECT(0)).
    public var ecn: UInt8
    /// The path it belongs to (0 for single-path QUIC).
    public var pathID: UInt32

    public init(fourTuple: FourTuple, length: Int, ecn: UInt8 = 0, pathID: UInt32 = 0) {
        self.fourTuple = fourTuple
        self.length = length
        self.ecn = ecn
        self.pathID = pathID
    }
}
