/// Why an application call on a stream failed. These are local errors for the caller, not protocol
/// errors: the connection goes on.
public enum StreamError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No such stream: never opened, or closed and forgotten.
    case unknownStream(StreamID)
    /// The stream has no such direction here: writing on the peer's unidirectional stream, or reading from
    /// one this endpoint opened.
    case wrongDirection(StreamID)
    /// The peer's stream limit (MAX_STREAMS) allows no new stream of this kind yet; wait for
    /// ``StreamEvent/streamsAvailable(_:)``.
    case streamLimitReached(StreamID.Direction)
    /// The stream was finished; nothing more can be written.
    case finished(StreamID)
    /// The peer reset the stream (RESET_STREAM) or asked this endpoint to stop sending (STOP_SENDING),
    /// with this application error code.
    case reset(errorCode: UInt64)
    /// This endpoint reset the stream's sending part with this application error code.
    case resetLocally(errorCode: UInt64)
    /// The connection is closing or closed: no stream can move data any more.
    case connectionClosed

    public var description: String {
        switch self {
        case .unknownStream(let id):
            return "stream \(id) does not exist (never opened, or already closed)"
        case .wrongDirection(let id):
            return "stream \(id) is unidirectional the other way: this endpoint cannot do that on it"
        case .streamLimitReached(let direction):
            return "the peer's limit on \(direction) streams is reached; wait for streamsAvailable"
        case .finished(let id):
            return "stream \(id) was finished; open a new stream to send more"
        case .reset(let code):
            return "the peer reset or stopped the stream with error code \(code)"
        case .resetLocally(let code):
            return "the stream was reset by this endpoint with error code \(code)"
        case .connectionClosed:
            return "the connection is closed"
        }
    }
}
