/// What happened to the streams, for the application; drained with ``StreamManager/pollEvent()``.
public enum StreamEvent: Hashable, Sendable {
    /// The peer opened this stream (explicitly or by opening a higher-numbered one, RFC 9000 §3.2).
    case opened(StreamID)
    /// New data (or the end of the stream) can be read.
    case readable(StreamID)
    /// Send-buffer space freed up after a write accepted fewer bytes than offered.
    case writable(StreamID)
    /// Every byte up to the FIN has been read.
    case finished(StreamID)
    /// The peer abandoned sending on this stream (RESET_STREAM); unread data is gone.
    case resetByPeer(StreamID, errorCode: UInt64)
    /// The peer asked this endpoint to stop sending (STOP_SENDING); the stream was reset with the same code.
    case stopSendingRequested(StreamID, errorCode: UInt64)
    /// The peer raised its stream limit (MAX_STREAMS) after this endpoint had used it up.
    case streamsAvailable(StreamID.Direction)
}
