import QUICWire

/// Path validation (RFC 9000 §8.2): PATH_CHALLENGE frames with fresh 8-byte data, retransmitted until a
/// matching PATH_RESPONSE arrives or the validation times out.
///
/// Times are nanoseconds of the connection's clock.
public struct PathValidation: Sendable {
    public enum State: Sendable, Hashable {
        case notStarted
        case validating
        case validated
        case failed
    }

    public private(set) var state: State = .notStarted
    /// Challenges sent and still awaiting a response (RFC 9000 §8.2.2: "An endpoint SHOULD NOT ... a
    /// response to any of the challenges it sent" may be accepted, so several are remembered).
    public private(set) var outstanding: [UInt64] = []
    /// When the next challenge should be sent.
    public private(set) var nextChallengeTime: UInt64?
    /// When validation gives up.
    public private(set) var deadline: UInt64?
    /// Challenges sent in this validation.
    public private(set) var challengesSent = 0

    /// RFC 9000 §8.2.1: "An endpoint SHOULD NOT probe a new path with packets containing a PATH_CHALLENGE
    /// frame more frequently than it would send an Initial packet." Challenges are spaced by one PTO.
    public static let maximumChallenges = 6

    public init() {}

    /// Starts (or restarts) validation. RFC 9000 §8.2.4: "Endpoints SHOULD abandon path validation based on
    /// a timer. When setting this timer, implementations are cautioned that the new path could have a
    /// longer round-trip time than the original. A value of three times the larger of the current PTO or
    /// the PTO for the new path (using kInitialRtt, as defined in [QUIC-RECOVERY]) is RECOMMENDED."
    public mutating func start(now: UInt64, timeout: UInt64) {
        self.state = .validating
        self.outstanding.removeAll()
        self.challengesSent = 0
        self.nextChallengeTime = now
        self.deadline = now + timeout
    }

    /// The data for a PATH_CHALLENGE to send now, if one is due; `pto` spaces the retransmissions.
    public mutating func challengeToSend(now: UInt64, pto: UInt64,
                                         random: inout some RandomNumberGenerator) -> UInt64? {
        guard self.isChallengeDue(now: now) else { return nil }
        let data = random.next()
        self.outstanding.append(data)
        self.challengesSent += 1
        self.nextChallengeTime = now + max(pto, 1)
        return data
    }

    /// Whether a PATH_CHALLENGE should go out at `now`.
    public func isChallengeDue(now: UInt64) -> Bool {
        guard self.state == .validating, let due = self.nextChallengeTime else { return false }
        return now >= due && self.challengesSent < PathValidation.maximumChallenges
    }

    /// A PATH_RESPONSE arrived. RFC 9000 §8.2.3: "Path validation succeeds when a PATH_RESPONSE frame is
    /// received that contains the data that was sent in a previous PATH_CHALLENGE frame." Returns true
    /// when this response completed validation.
    @discardableResult
    public mutating func onResponse(_ data: UInt64) -> Bool {
        guard self.state == .validating, self.outstanding.contains(data) else { return false }
        self.state = .validated
        self.outstanding.removeAll()
        self.nextChallengeTime = nil
        self.deadline = nil
        return true
    }

    /// Marks the path validated without a challenge (for example the handshake path, validated by the
    /// handshake itself: RFC 9000 §8.1).
    public mutating func markValidated() {
        self.state = .validated
        self.outstanding.removeAll()
        self.nextChallengeTime = nil
        self.deadline = nil
    }

    /// Checks the timer; returns true when validation has just failed.
    public mutating func onTimeout(now: UInt64) -> Bool {
        guard self.state == .validating, let deadline = self.deadline, now >= deadline else { return false }
        self.state = .failed
        self.outstanding.removeAll()
        self.nextChallengeTime = nil
        self.deadline = nil
        return true
    }

    /// The earliest time this validation needs attention.
    public var nextTimeout: UInt64? {
        guard self.state == .validating else { return nil }
        switch (self.nextChallengeTime, self.deadline) {
        case let (next?, deadline?): return min(next, deadline)
        case let (next?, nil): return next
        case let (nil, deadline?): return deadline
        default: return nil
        }
    }
}

/// The anti-amplification limit (RFC 9000 §8.1): "Prior to validating the client address, servers MUST
/// NOT send more than three times as many bytes as the number of bytes they have received."
public struct AmplificationLimit: Sendable {
    public static let factor: UInt64 = 3

    public private(set) var received: UInt64 = 0
    public private(set) var sent: UInt64 = 0
    /// True once the peer's address is validated; the limit no longer applies.
    public private(set) var isValidated: Bool

    public init(validated: Bool) {
        self.isValidated = validated
    }

    public mutating func onReceived(_ bytes: Int) {
        self.received += UInt64(bytes)
    }

    public mutating func onSent(_ bytes: Int) {
        self.sent += UInt64(bytes)
    }

    public mutating func markValidated() {
        self.isValidated = true
    }

    /// How many bytes may be sent now (Int.max once validated).
    public var allowance: Int {
        guard !self.isValidated else { return .max }
        let budget = self.received * AmplificationLimit.factor
        return budget > self.sent ? Int(min(budget - self.sent, UInt64(Int.max))) : 0
    }
}
