/// The idle timeout of a connection (RFC 9000 §10.1) and the keep-alive that prevents it.
///
/// Times are nanoseconds.
public struct IdleTimeout: Sendable {
    /// The negotiated timeout, or nil when neither side set one (no idle timeout).
    public private(set) var timeout: UInt64?
    /// When the connection times out, if a timeout applies.
    public private(set) var deadline: UInt64?
    /// Send a PING after this much quiet time (nil: no keep-alive).
    public var keepAliveInterval: UInt64?
    private var lastActivity: UInt64 = 0
    /// When the last keep-alive PING was asked for (0: never).
    private var lastKeepAlive: UInt64 = 0
    private var ackElicitingSentSinceReceive = false

    public init() {}

    /// RFC 9000 §10.1: "Each endpoint advertises a max_idle_timeout, but the effective value at an
    /// endpoint is computed as the minimum of the two advertised values (or the sole advertised value, if
    /// only one endpoint advertises a non-zero value)." "To avoid excessively small idle timeout periods,
    /// endpoints MUST increase the idle timeout period to be at least three times the current Probe
    /// Timeout (PTO)."
    public mutating func negotiate(local: UInt64, peer: UInt64, now: UInt64, pto: UInt64) {
        let values = [local, peer].filter { $0 > 0 }
        self.timeout = values.min()
        self.restart(now: now, pto: pto)
    }

    private mutating func restart(now: UInt64, pto: UInt64) {
        self.lastActivity = now
        if let timeout = self.timeout {
            self.deadline = now + max(timeout, 3 * pto)
        } else {
            self.deadline = nil
        }
    }

    /// RFC 9000 §10.1: "An endpoint restarts its idle timer when a packet from its peer is received and
    /// processed successfully."
    public mutating func onPacketReceived(now: UInt64, pto: UInt64) {
        self.ackElicitingSentSinceReceive = false
        self.restart(now: now, pto: pto)
    }

    /// RFC 9000 §10.1: "An endpoint also restarts its idle timer when sending an ack-eliciting packet if no
    /// other ack-eliciting packets have been sent since last receiving and processing a packet."
    public mutating func onAckElicitingSent(now: UInt64, pto: UInt64) {
        guard !self.ackElicitingSentSinceReceive else { return }
        self.ackElicitingSentSinceReceive = true
        self.restart(now: now, pto: pto)
    }

    public func hasExpired(now: UInt64) -> Bool {
        guard let deadline = self.deadline else { return false }
        return now >= deadline
    }

    /// When a keep-alive PING is due: the keep-alive interval after the last activity, but always before
    /// the idle deadline.
    public var keepAliveTime: UInt64? {
        guard let interval = self.keepAliveInterval else { return nil }
        var time = self.lastActivity + interval
        if let deadline = self.deadline, let timeout = self.timeout {
            time = min(time, deadline - min(deadline, timeout / 2))
        }
        // At most one PING per interval: a peer that stopped answering leaves the last activity in the past, and
        // a keep-alive time in the past would ask for a PING at every wake-up.
        if self.lastKeepAlive > 0 { time = max(time, self.lastKeepAlive + interval) }
        return time
    }

    /// A keep-alive PING was asked for at `now`.
    public mutating func onKeepAliveSent(now: UInt64) {
        self.lastKeepAlive = now
    }
}

/// The closing and draining states (RFC 9000 §10.2).
public enum CloseState: Sendable, Hashable {
    case open
    /// This endpoint sent CONNECTION_CLOSE; it answers further packets with the close, rate-limited.
    case closing(until: UInt64)
    /// The peer closed (or a stateless reset arrived); nothing more is sent.
    case draining(until: UInt64)
    case closed

    /// RFC 9000 §10.2: "The closing and draining connection states exist to ensure that connections close
    /// cleanly [...] these states SHOULD persist for at least three times the current PTO interval".
    public static func period(pto: UInt64) -> UInt64 { 3 * pto }

    public var isOpen: Bool { self == .open }

    /// The time the state ends, when it is closing or draining.
    public var deadline: UInt64? {
        switch self {
        case .closing(let until), .draining(let until): return until
        case .open, .closed: return nil
        }
    }

    /// Advances to `closed` once the period has passed.
    public mutating func onTimeout(now: UInt64) {
        if let deadline = self.deadline, now >= deadline {
            self = .closed
        }
    }
}
