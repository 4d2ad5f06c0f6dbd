/// Why the `PathManager` declared a path failed.
public enum PathFailureReason: Sendable, Hashable {
    /// This many probe timeouts in a row without an acknowledgment (RFC 9002 §6.2 `pto_count`).
    case probeTimeouts(count: Int)
    /// Ack-eliciting data was in flight and no acknowledgment arrived for this long (nanoseconds).
    case silence(duration: UInt64)
}
