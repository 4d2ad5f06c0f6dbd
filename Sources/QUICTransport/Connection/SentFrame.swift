import QUICWire

/// What a sent packet carried that matters once it is acknowledged or lost (RFC 9000 §13.3:
/// "retransmission of frames, not packets").
enum SentFrame: Sendable {
    /// Stream data and stream control frames, handed back to the stream manager.
    case stream(StreamFrameRecord)
    /// CRYPTO data at the packet's encryption level.
    case crypto(offset: UInt64, length: Int)
    /// An ACK frame: once acknowledged, older ranges need not be repeated.
    case ack(largest: UInt64)
    case handshakeDone
    case newConnectionID(sequenceNumber: UInt64)
    case retireConnectionID(sequenceNumber: UInt64)
    case newToken([UInt8])
    /// A PMTU probe of this datagram size.
    case pmtuProbe(size: Int)
    /// A frame that is never retransmitted (PING, PADDING, DATAGRAM, PATH_CHALLENGE, PATH_RESPONSE).
    case other
}

/// The payload the loss recovery keeps per sent packet.
struct SentPacketContents: Sendable {
    var frames: [SentFrame]
    /// The encryption level it was protected at.
    var level: EncryptionLevel
}
