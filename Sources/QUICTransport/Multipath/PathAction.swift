import QUICWire

/// What the `PathManager` asks the connection to do. The engine carries the actions out in the order given.
public enum PathAction: Sendable, Hashable {
    /// Open a new path from this local endpoint (client side: allocate a path ID with a peer connection ID and
    /// start path validation, RFC 9000 §8.2). The engine reports the outcome with `pathOpened` (then
    /// `pathValidated` or `pathValidationFailed`) or `pathOpenFailed`.
    case open(local: LocalPathEndpoint)
    /// Send PATH_ABANDON for the path (draft-ietf-quic-multipath-21 §4.2) with this error code, typically
    /// `TransportErrorCode.pathUnstableOrPoor.rawValue`.
    case abandon(PathID, errorCode: UInt64)
    /// Send an ack-eliciting packet (a PING) on the path, to keep a standby warm and its RTT fresh.
    case probe(PathID)
    /// Announce the path's status with PATH_STATUS_AVAILABLE or PATH_STATUS_BACKUP
    /// (draft-ietf-quic-multipath-21 §3.3); only `.available` and `.backup` are used.
    case setStatus(PathID, PathStatus)
}
