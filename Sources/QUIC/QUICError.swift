import QUICTransport

/// Why a QUIC operation failed.
public enum QUICError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The connection ended (or never started); the reason says who closed it and why.
    case connectionClosed(ConnectionCloseReason)
    /// The peer reset the stream (RESET_STREAM) or asked us to stop sending (STOP_SENDING) with this code.
    case streamReset(errorCode: UInt64)
    /// The stream operation is not allowed (wrong direction, already finished, ...).
    case stream(StreamError)
    /// A host name or address could not be used.
    case invalidAddress(String)
    /// A DATAGRAM payload is larger than the peer accepts (or the peer does not accept DATAGRAM frames: 0).
    case datagramTooLarge(maximum: Int)
    /// The endpoint was closed.
    case endpointClosed
    /// A socket could not be opened or used.
    case socket(String)
    /// Another task is already waiting to read this stream.
    case concurrentRead
    /// A multipath request could not be carried out (multipath not negotiated, unknown path, last path, ...).
    case multipath(MultipathError)
    /// The endpoint's settings cannot work together (the text says which and why).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .connectionClosed(let reason): return "connection closed: \(reason)"
        case .streamReset(let code): return "stream reset by the peer with code \(code)"
        case .stream(let error): return "stream error: \(error)"
        case .invalidAddress(let text): return "invalid address: \(text)"
        case .datagramTooLarge(let maximum):
            return maximum == 0 ? "the peer does not accept DATAGRAM frames"
                : "datagram larger than the \(maximum) bytes the peer accepts"
        case .endpointClosed: return "the endpoint is closed"
        case .socket(let reason): return "socket error: \(reason)"
        case .concurrentRead: return "another task is already reading this stream"
        case .multipath(let error): return "multipath: \(error)"
        case .invalidConfiguration(let reason): return "invalid configuration: \(reason)"
        }
    }
}
