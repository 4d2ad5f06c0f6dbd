import QUICWire

/// The state of ECN validation on a path (RFC 9000 §13.4.2; Appendix A.4 names the states).
public enum ECNValidationState: Hashable, Sendable {
    /// Packets are sent with ECT(0) while the path is tested.
    case testing
    /// The testing period ended without confirmation: packets go out without an ECT codepoint until an
    /// acknowledgment shows whether the marked ones arrived.
    case unknown
    /// The path and the peer pass ECN markings: packets keep ECT(0), and CE counts are a congestion signal.
    case capable
    /// Validation failed: no more ECT marking on this path.
    case failed
}

/// What an ACK frame's ECN counts mean for the sender.
public struct ECNAckResult: Hashable, Sendable {
    /// The peer reported more CE-marked packets than before: a congestion event (RFC 9002 §7.1), dated
    /// by the send time of the largest newly acknowledged packet.
    public var congestionExperienced: Bool
    /// This ACK made validation fail.
    public var validationFailed: Bool
    /// This ACK completed validation.
    public var validationSucceeded: Bool

    @inlinable
    public init(congestionExperienced: Bool = false, validationFailed: Bool = false,
                validationSucceeded: Bool = false) {
        self.congestionExperienced = congestionExperienced
        self.validationFailed = validationFailed
        self.validationSucceeded = validationSucceeded
    }
}

/// ECN validation for one path (RFC 9000 §13.4.2), across its packet number spaces.
///
/// The validator only marks ECT(0). It tells the sender which codepoint to put on the next packet,
/// checks the counts of every ACK frame against what was sent and acknowledged, and reports increases of
/// the CE count, which the congestion controller treats as congestion events.
public struct ECNValidator: Hashable, Sendable {
    /// RFC 9000 §13.4.2: "To reduce the chances of misinterpreting congestive loss as packets dropped by
    /// a faulty network element, an endpoint could set the ECT(0) codepoint for only the first ten
    /// outgoing packets on a path, or for a period of three PTOs (see Section 6.2 of [QUIC-RECOVERY])."
    public static let testingPacketCount = 10
    /// The length of the testing period in PTOs.
    public static let testingProbeTimeouts: Int64 = 3

    public private(set) var state: ECNValidationState
    /// Packets sent with ECT(0), per space.
    public private(set) var sentECT0: PerSpace<UInt64>
    /// The last ECN counts accepted, per space.
    public private(set) var lastCounts: PerSpace<ECNCounts>
    /// Marked packets sent during testing, and how many of those were acknowledged or lost.
    private var testingMarkedSent: Int
    private var testingMarkedAcked: Int
    private var testingMarkedLost: Int
    private var testingStart: QUICInstant?

    /// Starts in `.testing`, or `.failed` when the platform cannot set or read ECN at all.
    public init(enabled: Bool = true) {
        self.state = enabled ? .testing : .failed
        self.sentECT0 = PerSpace(repeating: 0)
        self.lastCounts = PerSpace(repeating: .zero)
        self.testingMarkedSent = 0
        self.testingMarkedAcked = 0
        self.testingMarkedLost = 0
        self.testingStart = nil
    }

    /// The codepoint for the next packet on this path.
    @inlinable
    public var codepointForNextPacket: ECNCodepoint {
        switch self.state {
        case .testing, .capable: return .ect0
        case .unknown, .failed: return .notECT
        }
    }

    /// Records a sent packet and ends the testing period after ten marked packets or three PTOs.
    ///
    /// - Parameters:
    ///   - probeTimeout: the path's current PTO period, for the time limit of the testing period.
    public mutating func onPacketSent(space: PacketNumberSpace, ecn: ECNCodepoint, now: QUICInstant,
                                      probeTimeout: QUICDuration) {
        self.onTimePassed(now: now, probeTimeout: probeTimeout)
        guard ecn == .ect0 else { return }
        self.sentECT0[space] &+= 1
        guard self.state == .testing else { return }
        if self.testingStart == nil {
            self.testingStart = now
        }
        self.testingMarkedSent += 1
        if self.testingMarkedSent >= Self.testingPacketCount {
            self.state = .unknown
        }
    }

    /// Ends the testing period when three PTOs have passed since the first marked packet.
    public mutating func onTimePassed(now: QUICInstant, probeTimeout: QUICDuration) {
        guard self.state == .testing, let start = self.testingStart else { return }
        if now - start >= probeTimeout * Self.testingProbeTimeouts {
            self.state = .unknown
        }
        self.failIfAllTestingPacketsLost()
    }

    /// Records that marked packets were declared lost.
    ///
    /// RFC 9000 §13.4.2.1: "If all packets marked with an ECT codepoint during the testing period are
    /// lost, ECN validation fails" (judged once the testing period is over).
    public mutating func onPacketsLost(markedCount: Int) {
        guard self.state == .testing || self.state == .unknown else { return }
        self.testingMarkedLost += markedCount
        self.failIfAllTestingPacketsLost()
    }

    /// Checks the ECN section of an ACK frame.
    ///
    /// - Parameters:
    ///   - counts: the ECN counts of the ACK frame, or nil for an ACK frame without them (type 0x02).
    ///   - outcome: what the tracker found when processing the same frame.
    public mutating func onAckReceived(space: PacketNumberSpace, counts: ECNCounts?,
                                       outcome: AckOutcome) -> ECNAckResult {
        var result = ECNAckResult()
        guard self.state != .failed else { return result }
        // RFC 9000 §13.4.2.1: "An endpoint MUST NOT fail ECN validation as a result of processing an ACK
        // frame that does not increase the largest acknowledged packet number." Such a reordered ACK
        // carries older counts, so it is ignored entirely.
        guard outcome.increasedLargestAcked else { return result }

        let newlyAckedMarked = outcome.newlyAckedECT0 + outcome.newlyAckedECT1 + outcome.newlyAckedCE
        if self.state == .testing || self.state == .unknown {
            self.testingMarkedAcked += newlyAckedMarked
        }
        guard let counts else {
            // RFC 9000 §13.4.2.1: "If an ACK frame newly acknowledges a packet that the endpoint sent with
            // either the ECT(0) or ECT(1) codepoint set, ECN validation fails if the corresponding ECN
            // counts are not present in the ACK frame."
            if newlyAckedMarked > 0 {
                self.fail(&result)
            }
            return result
        }

        let last = self.lastCounts[space]
        // Counts are totals; a later ACK can't report fewer packets than an earlier one.
        guard counts.ect0 >= last.ect0, counts.ect1 >= last.ect1, counts.ce >= last.ce else {
            self.fail(&result)
            return result
        }
        let increaseECT0 = counts.ect0 - last.ect0
        let increaseECT1 = counts.ect1 - last.ect1
        let increaseCE = counts.ce - last.ce

        // RFC 9000 §13.4.2.1: "ECN validation also fails if the sum of the increase in ECT(0) and ECN-CE
        // counts is less than the number of newly acknowledged packets that were originally sent with an
        // ECT(0) marking. Similarly, ECN validation fails if the sum of the increases to ECT(1) and ECN-CE
        // counts is less than the number of newly acknowledged packets sent with an ECT(1) marking."
        let (sum0, overflow0) = increaseECT0.addingReportingOverflow(increaseCE)
        let (sum1, overflow1) = increaseECT1.addingReportingOverflow(increaseCE)
        let short0 = !overflow0 && sum0 < UInt64(outcome.newlyAckedECT0)
        let short1 = !overflow1 && sum1 < UInt64(outcome.newlyAckedECT1)
        // RFC 9000 §13.4.2.1: "ECN validation can fail if the received total count for either ECT(0) or
        // ECT(1) exceeds the total number of packets sent with each corresponding ECN codepoint." We never
        // send ECT(1), so any ECT(1) count means the path rewrites codepoints.
        let excess = counts.ect0 > self.sentECT0[space] || counts.ect1 > 0
        if short0 || short1 || excess {
            self.fail(&result)
            return result
        }

        self.lastCounts[space] = counts
        // RFC 9002 §7.1: "If a path has been validated to support Explicit Congestion Notification (ECN)
        // [RFC3168] [RFC8311], QUIC treats a Congestion Experienced (CE) codepoint in the IP header as a
        // signal of congestion." Reported during testing as well: it is the same evidence.
        if increaseCE > 0 {
            result.congestionExperienced = true
        }
        if newlyAckedMarked > 0 && self.state != .capable {
            self.state = .capable
            result.validationSucceeded = true
        }
        return result
    }

    private mutating func fail(_ result: inout ECNAckResult) {
        self.state = .failed
        result.validationFailed = true
    }

    private mutating func failIfAllTestingPacketsLost() {
        guard self.state == .unknown, self.testingMarkedSent > 0, self.testingMarkedAcked == 0,
              self.testingMarkedLost >= self.testingMarkedSent else { return }
        self.state = .failed
    }
}
