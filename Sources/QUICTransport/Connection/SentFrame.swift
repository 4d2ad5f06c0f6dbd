import QUICWire

/// What a sent packet carried that matters once it is acknowledged or lost (RFC 9000 §13.3:
/// "retransmission of frames, not packets").
enum SentFrame: Sendable {
    /// Stream data and stream control frames, handed back to the stream manager.
    case stream(StreamFrameRecord)
    /// CRYPTO data at the packet's encryption level.
    case crypto(offset: UInt64, length: Int)
    /// An ACK or PATH_ACK frame for a path's packets: once acknowledged, older ranges need not be repeated.
    case ack(pathID: PathID, largest: UInt64)
    case handshakeDone
    /// NEW_CONNECTION_ID (path 0) or PATH_NEW_CONNECTION_ID.
    case newConnectionID(pathID: PathID, sequenceNumber: UInt64)
    /// RETIRE_CONNECTION_ID (path 0) or PATH_RETIRE_CONNECTION_ID.
    case retireConnectionID(pathID: PathID, sequenceNumber: UInt64)
    /// PATH_ABANDON, repeated when lost (draft-ietf-quic-multipath-21 §4.2).
    case pathAbandon(PathID)
    /// PATH_STATUS_AVAILABLE / PATH_STATUS_BACKUP with its sequence number (only the latest is repeated).
    case pathStatus(PathID, sequenceNumber: UInt64)
    /// MAX_PATH_ID, repeated when lost unless a larger one was sent since (§4.7).
    case maxPathID(PathID)
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
