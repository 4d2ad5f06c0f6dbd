import Testing
import QUICRecovery

@Suite("RTT estimator (RFC 9002 §5)")
struct RTTEstimatorTests {
    let maxAckDelay = QUICDuration.milliseconds(25)

    @Test func initialValues() {
        let rtt = RTTEstimator()
        #expect(rtt.smoothedRTT == .milliseconds(333))
        #expect(rtt.rttVariation == .microseconds(166_500))
        #expect(rtt.minRTT == .zero)
        #expect(!rtt.hasSample)
        // PTO = 333 + 4 * 166.5 = 999 ms, "a PTO of 1 second".
        #expect(rtt.probeTimeoutWithoutAckDelay == .milliseconds(999))
    }

    @Test func firstSampleResetsTheEstimatorAndIgnoresAckDelay() {
        var rtt = RTTEstimator()
        rtt.update(latestRTT: .milliseconds(100), ackDelay: .milliseconds(40), maxAckDelay: self.maxAckDelay,
                   isHandshakeConfirmed: true, now: ms(100))
        #expect(rtt.minRTT == .milliseconds(100))
        #expect(rtt.smoothedRTT == .milliseconds(100))
        #expect(rtt.rttVariation == .milliseconds(50))
        #expect(rtt.latestRTT == .milliseconds(100))
        #expect(rtt.firstSampleTime == ms(100))
    }

    /// A sequence of samples, each value computed by hand from the RFC 9002 §5.3 formulas.
    @Test func handComputedSequence() {
        var rtt = RTTEstimator()
        rtt.update(latestRTT: .milliseconds(100), ackDelay: .zero, maxAckDelay: self.maxAckDelay,
                   isHandshakeConfirmed: true, now: ms(100))

        // latest 120, delay 10 (< max_ack_delay): adjusted = 110.
        // rttvar = (3 * 50 + |100 - 110|) / 4 = 40; srtt = (7 * 100 + 110) / 8 = 101.25.
        rtt.update(latestRTT: .milliseconds(120), ackDelay: .milliseconds(10), maxAckDelay: self.maxAckDelay,
                   isHandshakeConfirmed: true, now: ms(200))
        #expect(rtt.rttVariation == .milliseconds(40))
        #expect(rtt.smoothedRTT == .microseconds(101_250))
        #expect(rtt.minRTT == .milliseconds(100))

        // latest 105, delay 30 capped to 25 after confirmation; 105 < 100 + 25, so not subtracted.
        // rttvar = (3 * 40 + 3.75) / 4 = 30.9375; srtt = (7 * 101.25 + 105) / 8 = 101.71875.
        rtt.update(latestRTT: .milliseconds(105), ackDelay: .milliseconds(30), maxAckDelay: self.maxAckDelay,
                   isHandshakeConfirmed: true, now: ms(300))
        #expect(rtt.rttVariation == .nanoseconds(30_937_500))
        #expect(rtt.smoothedRTT == .nanoseconds(101_718_750))

        // Before confirmation the delay is not capped: latest 200, delay 60 -> adjusted 140.
        // rttvar = (3 * 30.9375 + 38.28125) / 4 = 32.7734375 (truncated to ns);
        // srtt = (7 * 101.71875 + 140) / 8 = 106.50390625.
        rtt.update(latestRTT: .milliseconds(200), ackDelay: .milliseconds(60), maxAckDelay: self.maxAckDelay,
                   isHandshakeConfirmed: false, now: ms(400))
        #expect(rtt.rttVariation == .nanoseconds(32_773_437))
        #expect(rtt.smoothedRTT == .nanoseconds(106_503_906))
        #expect(rtt.latestRTT == .milliseconds(200))

        // A lower sample lowers min_rtt; min_rtt never includes ack delay.
        rtt.update(latestRTT: .milliseconds(80), ackDelay: .milliseconds(20), maxAckDelay: self.maxAckDelay,
                   isHandshakeConfirmed: true, now: ms(500))
        #expect(rtt.minRTT == .milliseconds(80))
        #expect(rtt.firstSampleTime == ms(100))
    }

    @Test func ackDelayIsCappedOnlyAfterConfirmation() {
        var confirmed = estimator(sample: .milliseconds(50))
        var unconfirmed = confirmed
        confirmed.update(latestRTT: .milliseconds(150), ackDelay: .milliseconds(100), maxAckDelay: self.maxAckDelay,
                         isHandshakeConfirmed: true, now: ms(1))
        unconfirmed.update(latestRTT: .milliseconds(150), ackDelay: .milliseconds(100),
                           maxAckDelay: self.maxAckDelay, isHandshakeConfirmed: false, now: ms(1))
        // Confirmed: adjusted = 150 - 25 = 125 -> srtt = (350 + 125) / 8 = 59.375.
        #expect(confirmed.smoothedRTT == .microseconds(59_375))
        // Unconfirmed: adjusted = 150 - 100 = 50 -> srtt = 50.
        #expect(unconfirmed.smoothedRTT == .milliseconds(50))
    }

    @Test func lossDelayAndReset() {
        var rtt = estimator(sample: .milliseconds(80))
        #expect(rtt.lossDelay == .milliseconds(90))
        rtt.update(latestRTT: .milliseconds(160), ackDelay: .zero, maxAckDelay: self.maxAckDelay,
                   isHandshakeConfirmed: true, now: ms(1))
        // max(srtt = 90, latest = 160) * 9/8 = 180.
        #expect(rtt.lossDelay == .milliseconds(180))
        #expect(estimator(sample: .microseconds(100)).lossDelay == .milliseconds(1))
        rtt.reset()
        #expect(rtt == RTTEstimator())
        #expect(RTTEstimator(initialRTT: .milliseconds(50)).rttVariation == .milliseconds(25))
    }

    @Test func negativeSampleIsClamped() {
        let rtt = estimator(sample: .milliseconds(-5))
        #expect(rtt.latestRTT == .zero)
        #expect(rtt.smoothedRTT == .zero)
    }
}
