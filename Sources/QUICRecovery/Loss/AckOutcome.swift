/// What processing one ACK frame in one packet number space found out, besides the packets themselves.
public struct AckOutcome: Hashable, Sendable {
    /// The number of packets newly acknowledged by this ACK.
    public var newlyAckedCount: Int
    /// The bytes of newly acknowledged packets that counted toward bytes in flight.
    public var newlyAckedBytesInFlight: Int
    /// Whether any newly acknowledged packet was ack-eliciting.
    public var includesAckEliciting: Bool
    /// The largest newly acknowledged packet number, if any packet was newly acknowledged.
    public var largestNewlyAcked: UInt64?
    /// When the largest newly acknowledged packet was sent (the congestion event time for ECN-CE,
    /// RFC 9002 §7.1).
    public var largestNewlyAckedTimeSent: QUICInstant?
    /// Whether the ACK raised the largest acknowledged packet number of the space. ECN validation
    /// ignores ACKs that don't (RFC 9000 §13.4.2.1).
    public var increasedLargestAcked: Bool
    /// The RTT sample (latest_rtt), when RFC 9002 §5.1 allows one: "the largest acknowledged packet
    /// number is newly acknowledged, and at least one of the newly acknowledged packets was
    /// ack-eliciting."
    public var rttSample: QUICDuration?
    /// Newly acknowledged packets per ECN codepoint they were sent with: ECT(0), ECT(1), CE.
    public var newlyAckedECT0: Int
    public var newlyAckedECT1: Int
    public var newlyAckedCE: Int

    @inlinable
    public init() {
        self.newlyAckedCount = 0
        self.newlyAckedBytesInFlight = 0
        self.includesAckEliciting = false
        self.largestNewlyAcked = nil
        self.largestNewlyAckedTimeSent = nil
        self.increasedLargestAcked = false
        self.rttSample = nil
        self.newlyAckedECT0 = 0
        self.newlyAckedECT1 = 0
        self.newlyAckedCE = 0
    }
}
