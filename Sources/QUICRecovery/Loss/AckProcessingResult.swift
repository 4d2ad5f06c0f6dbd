/// What `RecoveryState.onAckReceived` did with one ACK frame, besides the acknowledged and lost packets.
public struct AckProcessingResult: Hashable, Sendable {
    /// What the sent-packet tracker found (newly acknowledged counts, RTT sample, ECN marks).
    public var outcome: AckOutcome
    /// Whether the ACK signalled congestion: an in-flight packet was declared lost or the ECN-CE count
    /// rose (RFC 9002 §7.1, B.6). The controller reduces its window at most once per recovery period, so
    /// this can be true without a further reduction.
    public var congestionEvent: Bool
    /// Whether the losses established persistent congestion (RFC 9002 §7.6) and the window collapsed to
    /// the minimum.
    public var persistentCongestion: Bool
    /// What ECN validation made of the frame's counts.
    public var ecn: ECNAckResult

    @inlinable
    public init(outcome: AckOutcome = AckOutcome(), congestionEvent: Bool = false, persistentCongestion: Bool = false,
                ecn: ECNAckResult = ECNAckResult()) {
        self.outcome = outcome
        self.congestionEvent = congestionEvent
        self.persistentCongestion = persistentCongestion
        self.ecn = ecn
    }
}
