import Testing
import QUICRecovery

@Suite("Pacer (RFC 9002 §7.7)")
struct PacerTests {
    let srtt = QUICDuration.milliseconds(100)

    @Test func rateIsFiveQuartersOfTheWindowPerRTT() {
        // 1.25 * 12000 bytes / 0.1 s = 150000 bytes/s.
        #expect(Pacer.rate(congestionWindow: 12_000, smoothedRTT: self.srtt) == 150_000)
        #expect(Pacer.rate(congestionWindow: 100_000, smoothedRTT: .milliseconds(20)) == 6_250_000)
        #expect(Pacer.rate(congestionWindow: 12_000, smoothedRTT: .zero) == nil)
    }

    @Test func burstThenSpacing() {
        var pacer = Pacer(maxDatagramSize: 1_200)
        #expect(pacer.burstCapacity == 12_000)
        // A full bucket: ten datagrams go at once.
        for _ in 0..<10 {
            #expect(pacer.earliestSendTime(bytes: 1_200, congestionWindow: 12_000, smoothedRTT: self.srtt,
                                           now: ms(0)) == ms(0))
            pacer.onPacketSent(bytes: 1_200, congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(0))
        }
        // The eleventh waits 1200 / 150000 s = 8 ms.
        let next = pacer.earliestSendTime(bytes: 1_200, congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(0))
        #expect(next == ms(8) + .nanoseconds(1))
        #expect(pacer.earliestSendTime(bytes: 1_200, congestionWindow: 12_000, smoothedRTT: self.srtt,
                                       now: next) == next)
        pacer.onPacketSent(bytes: 1_200, congestionWindow: 12_000, smoothedRTT: self.srtt, now: next)
        // From then on one datagram every 8 ms.
        let after = pacer.earliestSendTime(bytes: 1_200, congestionWindow: 12_000, smoothedRTT: self.srtt,
                                           now: next)
        #expect(after - next == .milliseconds(8))
    }

    @Test func idleTimeRefillsOnlyUpToTheBurst() {
        var pacer = Pacer(maxDatagramSize: 1_200)
        pacer.onPacketSent(bytes: 12_000, congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(0))
        #expect(pacer.tokens == 0)
        pacer.refill(congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(40))
        #expect(pacer.tokens == 6_000)
        pacer.refill(congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(10_000))
        #expect(pacer.tokens == 12_000)
        // Going back in time adds nothing.
        pacer.onPacketSent(bytes: 6_000, congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(10_000))
        pacer.refill(congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(5_000))
        #expect(pacer.tokens == 6_000)
    }

    @Test func largerWindowPacesFaster() {
        var pacer = Pacer(maxDatagramSize: 1_200, burstCapacity: 2_400)
        pacer.onPacketSent(bytes: 2_400, congestionWindow: 120_000, smoothedRTT: self.srtt, now: ms(0))
        // 1.5 MB/s: 1200 bytes take 0.8 ms.
        let time = pacer.earliestSendTime(bytes: 1_200, congestionWindow: 120_000, smoothedRTT: self.srtt,
                                          now: ms(0))
        #expect(time == ms(0) + .microseconds(800) + .nanoseconds(1))
    }

    @Test func oversizedPacketWaitsForAFullBucketAndNoRTTMeansNoPacing() {
        var pacer = Pacer(maxDatagramSize: 1_200, burstCapacity: 1_200)
        pacer.onPacketSent(bytes: 1_200, congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(0))
        #expect(pacer.earliestSendTime(bytes: 5_000, congestionWindow: 12_000, smoothedRTT: self.srtt, now: ms(0))
                == ms(8) + .nanoseconds(1))
        #expect(pacer.earliestSendTime(bytes: 1_200, congestionWindow: 12_000, smoothedRTT: .zero, now: ms(1))
                == ms(1))
        pacer.setBurstCapacity(600)
        #expect(pacer.burstCapacity == 600)
        #expect(pacer.tokens <= 600)
    }
}
