import QUICWire
import Testing
import QUICRecovery

@Suite("ECN validation (RFC 9000 §13.4.2) and CE reaction")
struct ECNValidatorTests {
    let pto = QUICDuration.milliseconds(300)

    /// An ACK outcome that newly acknowledges `ect0` packets sent with ECT(0).
    func outcome(ect0: Int, increasedLargest: Bool = true) -> AckOutcome {
        var outcome = AckOutcome()
        outcome.newlyAckedCount = ect0
        outcome.newlyAckedECT0 = ect0
        outcome.increasedLargestAcked = increasedLargest
        return outcome
    }

    func sending(_ count: Int, from validator: ECNValidator = ECNValidator()) -> ECNValidator {
        var validator = validator
        for index in 0..<count {
            validator.onPacketSent(space: .applicationData, ecn: validator.codepointForNextPacket,
                                   now: ms(Int64(index)), probeTimeout: self.pto)
        }
        return validator
    }

    @Test func testingMarksTheFirstTenPackets() {
        var validator = ECNValidator()
        #expect(validator.state == .testing)
        var marks: [ECNCodepoint] = []
        for index in 0..<12 {
            let codepoint = validator.codepointForNextPacket
            marks.append(codepoint)
            validator.onPacketSent(space: .applicationData, ecn: codepoint, now: ms(Int64(index)),
                                   probeTimeout: self.pto)
        }
        #expect(marks == Array(repeating: .ect0, count: 10) + [.notECT, .notECT])
        #expect(validator.state == .unknown)
        #expect(validator.sentECT0.applicationData == 10)
        #expect(ECNValidator(enabled: false).codepointForNextPacket == .notECT)
    }

    @Test func testingEndsAfterThreeProbeTimeouts() {
        var validator = self.sending(2)
        validator.onTimePassed(now: ms(899), probeTimeout: self.pto)
        #expect(validator.state == .testing)
        validator.onTimePassed(now: ms(900), probeTimeout: self.pto)
        #expect(validator.state == .unknown)
    }

    @Test func consistentCountsMakeThePathCapable() {
        var validator = self.sending(3)
        let result = validator.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 3),
                                             outcome: self.outcome(ect0: 3))
        #expect(result.validationSucceeded)
        #expect(!result.congestionExperienced)
        #expect(validator.state == .capable)
        #expect(validator.codepointForNextPacket == .ect0)
        // Validation also succeeds from the unknown state.
        var unknown = self.sending(10)
        #expect(unknown.state == .unknown)
        _ = unknown.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 2, ce: 1),
                                  outcome: self.outcome(ect0: 3))
        #expect(unknown.state == .capable)
    }

    @Test func missingCountsFail() {
        var validator = self.sending(3)
        let result = validator.onAckReceived(space: .applicationData, counts: nil, outcome: self.outcome(ect0: 1))
        #expect(result.validationFailed)
        #expect(validator.state == .failed)
        #expect(validator.codepointForNextPacket == .notECT)
        // Without newly acknowledged marked packets, an ACK without counts is fine.
        var other = self.sending(3)
        _ = other.onAckReceived(space: .applicationData, counts: nil, outcome: self.outcome(ect0: 0))
        #expect(other.state == .testing)
    }

    @Test func countsThatFallShortFail() {
        var validator = self.sending(4)
        // 3 ECT(0) packets newly acknowledged, but ECT(0) + CE grew by only 2 (bleaching).
        _ = validator.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 1, ce: 1),
                                    outcome: self.outcome(ect0: 3))
        #expect(validator.state == .failed)
    }

    @Test func countsAboveWhatWasSentFail() {
        var validator = self.sending(2)
        _ = validator.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 3),
                                    outcome: self.outcome(ect0: 2))
        #expect(validator.state == .failed)
        var remarked = self.sending(2)
        _ = remarked.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 1, ect1: 1),
                                   outcome: self.outcome(ect0: 1))
        #expect(remarked.state == .failed)
        // Counts are per space: application counts don't cover handshake packets.
        var spaces = self.sending(2)
        _ = spaces.onAckReceived(space: .handshake, counts: ECNCounts(ect0: 1), outcome: self.outcome(ect0: 0))
        #expect(spaces.state == .failed)
    }

    @Test func decreasingCountsFail() {
        var validator = self.sending(10)
        _ = validator.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 5),
                                    outcome: self.outcome(ect0: 5))
        #expect(validator.state == .capable)
        _ = validator.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 4),
                                    outcome: self.outcome(ect0: 0))
        #expect(validator.state == .failed)
    }

    @Test func reorderedAcksNeverFailValidation() {
        var validator = self.sending(4)
        let result = validator.onAckReceived(space: .applicationData, counts: nil,
                                             outcome: self.outcome(ect0: 2, increasedLargest: false))
        #expect(result == ECNAckResult())
        #expect(validator.state == .testing)
    }

    @Test func ceIncreaseIsACongestionSignal() {
        var validator = self.sending(10)
        let first = validator.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 4, ce: 1),
                                            outcome: self.outcome(ect0: 5))
        #expect(first.congestionExperienced)
        let same = validator.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 6, ce: 1),
                                           outcome: self.outcome(ect0: 2))
        #expect(!same.congestionExperienced)
        let more = validator.onAckReceived(space: .applicationData, counts: ECNCounts(ect0: 6, ce: 3),
                                           outcome: self.outcome(ect0: 2))
        #expect(more.congestionExperienced)
        #expect(validator.lastCounts.applicationData == ECNCounts(ect0: 6, ce: 3))
        // A failed path reports nothing.
        var failed = ECNValidator(enabled: false)
        #expect(!failed.onAckReceived(space: .applicationData, counts: ECNCounts(ce: 1),
                                      outcome: self.outcome(ect0: 0)).congestionExperienced)
    }

    @Test func allTestingPacketsLostFails() {
        var validator = self.sending(10)
        validator.onPacketsLost(markedCount: 9)
        #expect(validator.state == .unknown)
        validator.onPacketsLost(markedCount: 1)
        #expect(validator.state == .failed)
        // Losing all of them while still testing fails only once the testing period is over.
        var testing = self.sending(3)
        testing.onPacketsLost(markedCount: 3)
        #expect(testing.state == .testing)
        testing.onTimePassed(now: ms(2_000), probeTimeout: self.pto)
        #expect(testing.state == .failed)
    }

    /// The CE reaction reduces the window once per recovery period (RFC 9002 §7.1, B.7).
    @Test func ceReactionOncePerRecoveryPeriod() {
        var reno = NewReno(maxDatagramSize: 1_200)
        reno.onECNCongestionExperienced(largestAckedSentTime: ms(100), now: ms(200))
        #expect(reno.congestionWindow == 6_000)
        // Another CE report for a packet sent before the reduction: no further reduction.
        reno.onECNCongestionExperienced(largestAckedSentTime: ms(150), now: ms(250))
        #expect(reno.congestionWindow == 6_000)
        reno.onECNCongestionExperienced(largestAckedSentTime: ms(260), now: ms(400))
        #expect(reno.congestionWindow == 3_000)
    }
}
