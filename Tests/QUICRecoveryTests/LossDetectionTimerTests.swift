import Testing
import QUICRecovery

@Suite("Loss detection timer and PTO (RFC 9002 §6.2)")
struct LossDetectionTimerTests {
    let maxAckDelay = QUICDuration.milliseconds(25)
    /// srtt 100 ms, rttvar 50 ms: PTO without max_ack_delay = 100 + 4 * 50 = 300 ms.
    let rtt = estimator(sample: .milliseconds(100))

    func timeout(_ timer: LossDetectionTimer, _ spaces: PerSpace<SpaceTimerState>, confirmed: Bool = true,
                 handshakeKeys: Bool = true, validated: Bool = true, amplificationLimited: Bool = false,
                 now: QUICInstant = ms(1_000)) -> LossDetectionTimeout? {
        timer.nextTimeout(spaces: spaces, rtt: self.rtt, maxAckDelay: self.maxAckDelay, isHandshakeConfirmed: confirmed,
                          hasHandshakeKeys: handshakeKeys, peerCompletedAddressValidation: validated,
                          isAtAntiAmplificationLimit: amplificationLimited, now: now)
    }

    func inFlight(since time: QUICInstant) -> SpaceTimerState {
        SpaceTimerState(timeOfLastAckElicitingPacket: time, hasAckElicitingInFlight: true)
    }

    @Test func applicationSpaceIncludesMaxAckDelay() {
        var spaces = PerSpace(repeating: SpaceTimerState.idle)
        spaces.applicationData = self.inFlight(since: ms(1_000))
        #expect(self.timeout(LossDetectionTimer(), spaces) == .probeTimeout(ms(1_325), .applicationData))
    }

    @Test func handshakeSpacesExcludeMaxAckDelay() {
        var spaces = PerSpace(repeating: SpaceTimerState.idle)
        spaces.initial = self.inFlight(since: ms(1_000))
        spaces.handshake = self.inFlight(since: ms(1_010))
        #expect(self.timeout(LossDetectionTimer(), spaces, confirmed: false) == .probeTimeout(ms(1_300), .initial))
        // The earliest PTO across spaces wins, with the application term only for its space.
        spaces.initial = .idle
        spaces.applicationData = self.inFlight(since: ms(990))
        #expect(self.timeout(LossDetectionTimer(), spaces) == .probeTimeout(ms(1_310), .handshake))
    }

    @Test func applicationSpaceIsNotArmedBeforeHandshakeConfirmed() {
        var spaces = PerSpace(repeating: SpaceTimerState.idle)
        spaces.applicationData = self.inFlight(since: ms(1_000))
        #expect(self.timeout(LossDetectionTimer(), spaces, confirmed: false) == nil)
        spaces.handshake = self.inFlight(since: ms(1_100))
        #expect(self.timeout(LossDetectionTimer(), spaces, confirmed: false) == .probeTimeout(ms(1_400), .handshake))
    }

    @Test func backoffDoublesAndResets() {
        var spaces = PerSpace(repeating: SpaceTimerState.idle)
        spaces.applicationData = self.inFlight(since: ms(1_000))
        var timer = LossDetectionTimer()
        // (300 + 25) * 2^n after the last ack-eliciting packet.
        for (count, expected) in [(0, 1_325), (1, 1_650), (2, 2_300), (3, 3_600)] as [(Int, Int64)] {
            #expect(timer.ptoCount == count)
            #expect(self.timeout(timer, spaces) == .probeTimeout(ms(expected), .applicationData))
            timer.onProbeTimeout()
        }
        // A client not yet sure of address validation keeps the backoff.
        timer.onAckReceived(peerCompletedAddressValidation: false)
        #expect(timer.ptoCount == 4)
        timer.onAckReceived(peerCompletedAddressValidation: true)
        #expect(timer.ptoCount == 0)
        timer.onProbeTimeout()
        timer.onPacketNumberSpaceDiscarded()
        #expect(timer.ptoCount == 0)
        #expect(timer.backoffFactor == 1)
    }

    @Test func backoffSaturates() {
        var timer = LossDetectionTimer()
        for _ in 0..<100 {
            timer.onProbeTimeout()
        }
        #expect(timer.ptoCount == 62)
        var spaces = PerSpace(repeating: SpaceTimerState.idle)
        spaces.applicationData = self.inFlight(since: ms(1_000))
        #expect(self.timeout(timer, spaces) == .probeTimeout(ms(1_000) + .infinite, .applicationData))
    }

    @Test func lossTimeTakesPrecedence() {
        var spaces = PerSpace(repeating: SpaceTimerState.idle)
        spaces.applicationData = SpaceTimerState(lossTime: ms(1_200), timeOfLastAckElicitingPacket: ms(900),
                                                 hasAckElicitingInFlight: true)
        spaces.handshake = SpaceTimerState(lossTime: ms(1_150))
        let timeout = self.timeout(LossDetectionTimer(), spaces, amplificationLimited: true)
        #expect(timeout == .lossTime(ms(1_150), .handshake))
        #expect(timeout?.deadline == ms(1_150))
        #expect(timeout?.space == .handshake)
    }

    @Test func cancelledWhenNothingToDo() {
        let idle = PerSpace(repeating: SpaceTimerState.idle)
        #expect(self.timeout(LossDetectionTimer(), idle) == nil)
        var spaces = idle
        spaces.initial = self.inFlight(since: ms(1_000))
        // A server blocked by the anti-amplification limit arms no PTO.
        #expect(self.timeout(LossDetectionTimer(), spaces, confirmed: false, amplificationLimited: true) == nil)
    }

    @Test func antiDeadlockProbeStartsNow() {
        let idle = PerSpace(repeating: SpaceTimerState.idle)
        var timer = LossDetectionTimer()
        timer.onProbeTimeout()
        // A client whose address is not yet validated probes from now, with backoff: 1000 + 300 * 2.
        #expect(self.timeout(timer, idle, confirmed: false, handshakeKeys: true, validated: false)
                == .probeTimeout(ms(1_600), .handshake))
        #expect(self.timeout(timer, idle, confirmed: false, handshakeKeys: false, validated: false)
                == .probeTimeout(ms(1_600), .initial))
    }

    @Test func initialPTOIsOneSecond() {
        var spaces = PerSpace(repeating: SpaceTimerState.idle)
        spaces.initial = self.inFlight(since: ms(0))
        let timeout = LossDetectionTimer().nextTimeout(
            spaces: spaces, rtt: RTTEstimator(), maxAckDelay: self.maxAckDelay, isHandshakeConfirmed: false,
            hasHandshakeKeys: false, peerCompletedAddressValidation: false, isAtAntiAmplificationLimit: false,
            now: ms(0))
        #expect(timeout == .probeTimeout(ms(999), .initial))
    }
}
