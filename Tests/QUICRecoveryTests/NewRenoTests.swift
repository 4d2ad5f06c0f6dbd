import Testing
import QUICRecovery

@Suite("NewReno (RFC 9002 §7, Appendix B)")
struct NewRenoTests {
    let rtt = estimator(sample: .milliseconds(100))

    func ack(_ reno: inout NewReno, sentAt time: Int64, bytes: Int = 1_200, appLimited: Bool = false,
             now: Int64 = 10_000) {
        reno.onPacketAcked(CongestionPacket(packetNumber: 0, timeSent: ms(time), size: bytes),
                           isAppLimited: appLimited, rtt: self.rtt, now: ms(now))
    }

    @Test(arguments: [(1_200, 12_000), (1_252, 12_520), (1_472, 14_720), (1_500, 14_720), (9_000, 18_000)])
    func initialWindow(maxDatagramSize: Int, expected: Int) {
        #expect(NewReno(maxDatagramSize: maxDatagramSize).congestionWindow == expected)
        #expect(CongestionWindowLimits.minimumWindow(maxDatagramSize: maxDatagramSize) == 2 * maxDatagramSize)
    }

    @Test func slowStartGrowsByAckedBytes() {
        var reno = NewReno(maxDatagramSize: 1_200)
        #expect(reno.isInSlowStart)
        #expect(reno.slowStartThreshold == .max)
        for _ in 0..<10 {
            self.ack(&reno, sentAt: 0)
        }
        #expect(reno.congestionWindow == 24_000)
        self.ack(&reno, sentAt: 0, appLimited: true)
        #expect(reno.congestionWindow == 24_000)
        #expect(reno.canSend(bytes: 1_200, bytesInFlight: 22_800))
        #expect(!reno.canSend(bytes: 1_200, bytesInFlight: 22_801))
    }

    @Test func lossHalvesTheWindowOncePerRecoveryPeriod() {
        var reno = NewReno(maxDatagramSize: 1_200)
        self.ack(&reno, sentAt: 0)
        #expect(reno.congestionWindow == 13_200)
        reno.onPacketsLost(largestLostSentTime: ms(50), persistentCongestion: false, now: ms(300))
        #expect(reno.slowStartThreshold == 6_600)
        #expect(reno.congestionWindow == 6_600)
        #expect(reno.congestionRecoveryStartTime == ms(300))
        #expect(reno.isInRecovery(sentTime: ms(300)))
        #expect(!reno.isInRecovery(sentTime: ms(301)))
        // More losses of packets sent before recovery started don't reduce again.
        reno.onPacketsLost(largestLostSentTime: ms(299), persistentCongestion: false, now: ms(350))
        #expect(reno.congestionWindow == 6_600)
        // Acknowledgments of packets sent before recovery don't grow the window.
        self.ack(&reno, sentAt: 200)
        #expect(reno.congestionWindow == 6_600)
        #expect(!reno.isInSlowStart)
    }

    @Test func congestionAvoidanceAddsOneDatagramPerWindow() {
        var reno = NewReno(maxDatagramSize: 1_200)
        reno.onCongestionEvent(sentTime: ms(0), now: ms(100))
        #expect(reno.congestionWindow == 6_000)
        // 6000 bytes acknowledged (5 packets) -> +1200; the next window is 7200 bytes (6 packets).
        for _ in 0..<4 {
            self.ack(&reno, sentAt: 200)
        }
        #expect(reno.congestionWindow == 6_000)
        self.ack(&reno, sentAt: 200)
        #expect(reno.congestionWindow == 7_200)
        #expect(reno.bytesAckedInAvoidance == 0)
        for _ in 0..<5 {
            self.ack(&reno, sentAt: 200)
        }
        #expect(reno.congestionWindow == 7_200)
        self.ack(&reno, sentAt: 200)
        #expect(reno.congestionWindow == 8_400)
        // A new loss of a packet sent after recovery started begins a new period.
        reno.onPacketsLost(largestLostSentTime: ms(200), persistentCongestion: false, now: ms(500))
        #expect(reno.congestionWindow == 4_200)
        #expect(reno.slowStartThreshold == 4_200)
    }

    @Test func windowNeverFallsBelowTheMinimum() {
        var reno = NewReno(maxDatagramSize: 1_200)
        for step in 1...6 {
            reno.onCongestionEvent(sentTime: ms(Int64(step) * 100), now: ms(Int64(step) * 100 + 50))
        }
        #expect(reno.congestionWindow == 2_400)
        #expect(reno.slowStartThreshold == 1_200)
    }

    @Test func persistentCongestionCollapsesTheWindow() {
        var reno = NewReno(maxDatagramSize: 1_200)
        reno.onPacketsLost(largestLostSentTime: ms(100), persistentCongestion: true, now: ms(2_000))
        #expect(reno.congestionWindow == 2_400)
        #expect(reno.slowStartThreshold == 6_000)
        #expect(reno.congestionRecoveryStartTime == nil)
        // Slow start again from the minimum window, without a recovery period in the way.
        self.ack(&reno, sentAt: 50)
        #expect(reno.congestionWindow == 3_600)
    }

    @Test func datagramSizeChange() {
        var reno = NewReno(maxDatagramSize: 1_200)
        for step in 1...5 {
            reno.onCongestionEvent(sentTime: ms(Int64(step) * 100), now: ms(Int64(step) * 100 + 50))
        }
        reno.setMaxDatagramSize(1_500)
        #expect(reno.maxDatagramSize == 1_500)
        #expect(reno.congestionWindow == 3_000)
    }
}
