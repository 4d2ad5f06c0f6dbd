import QUICWire

/// Something that happened to a path, as the `PathManager` saw it; queued and drained with
/// `PathManager.pollEvent()` (like quiche's path event queue) for the application, logs and qlog.
public enum PathEvent: Sendable, Hashable {
    /// The engine opened the path from the local endpoint with this label.
    case opened(PathID, label: String)
    /// Path validation succeeded (RFC 9000 §8.2); the path may now carry traffic.
    case validated(PathID)
    /// Path validation failed (RFC 9000 §8.2.4); the manager abandons the path.
    case validationFailed(PathID)
    /// The manager found the path no longer delivering. It abandons it, or, while no other validated path is
    /// healthy, keeps it until one is (or until it recovers).
    case failed(PathID, reason: PathFailureReason)
    /// The manager announced a new status for the path (`.available` or `.backup`).
    case statusChanged(PathID, PathStatus)
    /// The path is gone (PATH_ABANDON sent or received and processed by the engine).
    case abandoned(PathID)
    /// A new path from this local endpoint will be opened at this time (nanoseconds).
    case reopenScheduled(local: LocalPathEndpoint, at: UInt64)
    /// Traffic moved to this path because of a failover: a standby took over when no available path was left,
    /// or an available path came back and the standby returned to backup.
    case becamePrimary(PathID)
}
