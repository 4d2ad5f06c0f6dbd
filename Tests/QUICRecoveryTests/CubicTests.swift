import Foundation
import Testing
import QUICRecovery

@Suite("CUBIC (RFC 9438)")
struct CubicTests {
    let mss = 1_000
    let rtt = estimator(sample: .milliseconds(100))

    func ack(_ cubic: inout Cubic, sentAt time: QUICInstant, now: QUICInstant, bytes: Int = 1_000,
             appLimited: Bool = false) {
        cubic.onPacketAcked(CongestionPacket(packetNumber: 0, timeSent: time, size: bytes), isAppLimited: appLimited,
                            rtt: self.rtt, now: now)
    }

    /// A controller that grew to 100 segments in slow start and then lost a packet at 1 s.
    func afterFirstLoss() -> Cubic {
        var cubic = Cubic(maxDatagramSize: self.mss)
        for _ in 0..<90 {
            self.ack(&cubic, sentAt: ms(0), now: ms(500))
        }
        cubic.onPacketsLost(largestLostSentTime: ms(600), persistentCongestion: false, now: ms(1_000))
        return cubic
    }

    @Test func constants() {
        #expect(Cubic.c == 0.4)
        #expect(Cubic.beta == 0.7)
        #expect(abs(Cubic.alpha - 0.9 / 1.7) < 1e-15)
        #expect(Cubic(maxDatagramSize: 1_200).congestionWindow == 12_000)
    }

    @Test func multiplicativeDecrease() {
        let cubic = self.afterFirstLoss()
        #expect(cubic.wMax == 100)
        #expect(cubic.cwndPrior == 100)
        #expect(cubic.congestionWindow == 70_000)
        #expect(cubic.slowStartThreshold == 70_000)
        #expect(!cubic.isInSlowStart)
        #expect(cubic.isInRecovery(sentTime: ms(1_000)))
        #expect(cubic.hyStart.phase == .finished)
    }

    @Test func fastConvergence() {
        var cubic = self.afterFirstLoss()
        // Another loss while cwnd (70) is below W_max (100): W_max = 70 * (1 + 0.7) / 2 = 59.5.
        cubic.onPacketsLost(largestLostSentTime: ms(1_100), persistentCongestion: false, now: ms(1_200))
        #expect(abs(cubic.wMax - 59.5) < 1e-9)
        #expect(cubic.congestionWindow == 49_000)

        var plain = self.afterFirstLoss()
        plain.isFastConvergenceEnabled = false
        plain.onPacketsLost(largestLostSentTime: ms(1_100), persistentCongestion: false, now: ms(1_200))
        #expect(plain.wMax == 70)
    }

    /// The window after each ACK against the RFC 9438 formulas evaluated independently here: W_cubic(t) =
    /// C (t - K)^3 + W_max with K = cbrt((W_max - cwnd_epoch) / C), the target clamp to [cwnd, 1.5 cwnd]
    /// at t + RTT, the (target - cwnd) / cwnd increment, and the Reno-friendly W_est.
    @Test func windowFollowsTheCubicFunction() {
        var cubic = self.afterFirstLoss()
        let wMax = 100.0
        let k = pow((wMax - 70.0) / 0.4, 1.0 / 3.0)
        var cwnd = 70.0
        var wEst = 70.0
        let alpha = 3 * (1 - 0.7) / (1 + 0.7)
        let epoch = ms(2_000)
        var sawRenoRegion = false
        var sawCubicRegion = false
        for step in 0..<1_000 {
            let now = epoch + .milliseconds(Int64(step) * 10)
            self.ack(&cubic, sentAt: ms(1_500), now: now)
            let t = Double(step) * 0.010
            wEst += (wEst >= wMax ? 1.0 : alpha) / cwnd
            let cubicWindow = 0.4 * pow(t - k, 3) + wMax
            if cubicWindow < wEst {
                cwnd = wEst
                sawRenoRegion = true
            } else {
                let projected = 0.4 * pow(t + 0.1 - k, 3) + wMax
                let target = min(max(projected, cwnd), 1.5 * cwnd)
                cwnd += (target - cwnd) / cwnd
                sawCubicRegion = true
            }
            #expect(abs(cubic.exactCongestionWindow / 1_000 - cwnd) < 1e-6, "step \(step)")
            if step == 0 {
                #expect(cubic.epochStart == epoch)
                #expect(abs(cubic.k - k) < 1e-12)
                #expect(abs(cubic.cubicWindow(elapsed: 0) - 70) < 1e-9)
                #expect(abs(cubic.cubicWindow(elapsed: k) - 100) < 1e-9)
            }
        }
        #expect(sawRenoRegion && sawCubicRegion)
        // Concave approach: near t = K (about 4.22 s) the window is close to W_max; convex growth beyond.
        #expect(cwnd > 100)
    }

    @Test func plateauAroundWMax() {
        var cubic = self.afterFirstLoss()
        let k = cbrt(75.0)
        // Step to just before K with one ACK per 10 ms, then check the window sits near W_max.
        var now = ms(2_000)
        while (now - ms(2_000)).seconds < k - 0.1 {
            self.ack(&cubic, sentAt: ms(1_500), now: now)
            now += .milliseconds(10)
        }
        let window = cubic.exactCongestionWindow / 1_000
        #expect(window > 97 && window <= 100.01)
    }

    @Test func renoFriendlyRegionWhenTimeStandsStill() {
        var cubic = self.afterFirstLoss()
        // All ACKs at the epoch start: W_cubic(0) = cwnd_epoch = 70 < W_est, so cwnd = W_est.
        var wEst = 70.0
        for _ in 0..<50 {
            self.ack(&cubic, sentAt: ms(1_500), now: ms(3_000))
            wEst += Cubic.alpha / wEst
            #expect(abs(cubic.exactCongestionWindow / 1_000 - wEst) < 1e-9)
        }
        #expect(abs(cubic.wEst - wEst) < 1e-9)
    }

    @Test func noGrowthInRecoveryOrWhenAppLimited() {
        var cubic = self.afterFirstLoss()
        self.ack(&cubic, sentAt: ms(900), now: ms(1_100))
        self.ack(&cubic, sentAt: ms(1_100), now: ms(1_200), appLimited: true)
        #expect(cubic.exactCongestionWindow == 70_000)
        #expect(cubic.epochStart == nil)
    }

    @Test func persistentCongestionRestartsFromTheMinimumWindow() {
        var cubic = self.afterFirstLoss()
        cubic.onPacketsLost(largestLostSentTime: ms(1_500), persistentCongestion: true, now: ms(3_000))
        #expect(cubic.congestionWindow == 2_000)
        #expect(cubic.slowStartThreshold == 49_000)
        #expect(cubic.congestionRecoveryStartTime == nil)
        while cubic.isInSlowStart {
            self.ack(&cubic, sentAt: ms(3_100), now: ms(3_500))
        }
        #expect(cubic.congestionWindow == 49_000)
        // The first congestion avoidance stage after a timeout: K = 0 and W_max = cwnd_epoch.
        self.ack(&cubic, sentAt: ms(3_100), now: ms(4_000))
        #expect(cubic.k == 0)
        #expect(cubic.wMax == 49)
        #expect(cubic.cwndEpoch == 49)
    }

    @Test func hyStartLeadsIntoCongestionAvoidance() {
        var cubic = Cubic(maxDatagramSize: self.mss)
        var rtt = RTTEstimator()
        var next: UInt64 = 0
        var now = ms(0)
        func round(_ sample: Int64) {
            let first = next
            for _ in 0..<8 {
                cubic.onPacketSent(packetNumber: next, bytes: 1_000, now: now)
                next += 1
            }
            for number in first..<next {
                now += .milliseconds(1)
                rtt.update(latestRTT: .milliseconds(sample), ackDelay: .zero, maxAckDelay: .zero,
                           isHandshakeConfirmed: true, now: now)
                cubic.onRTTSample(rtt, now: now)
                cubic.onPacketAcked(CongestionPacket(packetNumber: number, timeSent: now, size: 1_000),
                                    isAppLimited: false, rtt: rtt, now: now)
            }
        }
        round(100)
        #expect(cubic.congestionWindow == 18_000)
        // The RTT rises by 20 ms (threshold 12.5 ms): CSS starts on the 8th sample, before the last ACK.
        round(120)
        #expect(cubic.hyStart.phase == .conservativeSlowStart)
        #expect(cubic.congestionWindow == 25_250)
        for _ in 0..<4 {
            round(120)
        }
        // Four more rounds of CSS at a quarter of the growth: 25250 + 4 * 8 * 250.
        #expect(cubic.congestionWindow == 33_250)
        #expect(cubic.slowStartThreshold == 33_250)
        #expect(!cubic.isInSlowStart)
        #expect(cubic.hyStart.phase == .finished)
    }
}
