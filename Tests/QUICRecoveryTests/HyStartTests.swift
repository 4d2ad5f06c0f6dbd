import Testing
import QUICRecovery

@Suite("HyStart++ (RFC 9406)")
struct HyStartTests {
    struct Driver {
        var hyStart: HyStartPlusPlus
        var next: UInt64 = 0

        init(paced: Bool = true) {
            self.hyStart = HyStartPlusPlus(paced: paced)
        }

        /// One round: `packets` sent, then each acknowledged with an RTT sample. Returns whether
        /// HyStart++ asked for congestion avoidance.
        mutating func round(_ rtt: QUICDuration, packets: Int = 8) -> Bool {
            let first = self.next
            for _ in 0..<packets {
                self.hyStart.onPacketSent(packetNumber: self.next)
                self.next += 1
            }
            var done = false
            for number in first..<self.next {
                self.hyStart.onRTTSample(latestRTT: rtt)
                if self.hyStart.onPacketAcked(packetNumber: number) {
                    done = true
                }
            }
            return done
        }
    }

    /// RttThresh = max(4 ms, min(lastRoundMinRTT / 8, 16 ms)).
    @Test(arguments: [(100_000, 12_500), (20_000, 4_000), (32_000, 4_000), (200_000, 16_000), (64_000, 8_000)]
          as [(Int64, Int64)])
    func delayThreshold(baseMicroseconds: Int64, thresholdMicroseconds: Int64) {
        let base = QUICDuration.microseconds(baseMicroseconds)
        let threshold = QUICDuration.microseconds(thresholdMicroseconds)
        var below = Driver()
        _ = below.round(base)
        _ = below.round(base + threshold - .microseconds(1))
        #expect(below.hyStart.phase == .slowStart)
        var at = Driver()
        _ = at.round(base)
        _ = at.round(base + threshold)
        #expect(at.hyStart.phase == .conservativeSlowStart)
        #expect(at.hyStart.cssBaselineMinRTT == base + threshold)
    }

    @Test func needsEightSamplesPerRound() {
        var driver = Driver()
        _ = driver.round(.milliseconds(100))
        _ = driver.round(.milliseconds(200), packets: 7)
        #expect(driver.hyStart.phase == .slowStart)
        #expect(driver.hyStart.lastRoundMinRTT == .milliseconds(200))
        // The round minimum is what counts: one low sample among eight keeps slow start going.
        var mixed = Driver()
        _ = mixed.round(.milliseconds(100))
        mixed.hyStart.onPacketSent(packetNumber: 100)
        mixed.hyStart.onRTTSample(latestRTT: .milliseconds(101))
        for _ in 0..<7 {
            mixed.hyStart.onRTTSample(latestRTT: .milliseconds(150))
        }
        #expect(mixed.hyStart.currentRoundMinRTT == .milliseconds(101))
        #expect(mixed.hyStart.phase == .slowStart)
    }

    @Test func cssLastsFiveRounds() {
        var driver = Driver()
        let firstEnded = driver.round(.milliseconds(100))
        #expect(!firstEnded)
        let secondEnded = driver.round(.milliseconds(120))
        #expect(!secondEnded)
        #expect(driver.hyStart.phase == .conservativeSlowStart)
        #expect(driver.hyStart.cssRoundCount == 1)
        for expectedCount in 2...4 {
            let ended = driver.round(.milliseconds(120))
            #expect(!ended)
            #expect(driver.hyStart.cssRoundCount == expectedCount)
        }
        let lastEnded = driver.round(.milliseconds(120))
        #expect(lastEnded)
        #expect(driver.hyStart.phase == .finished)
        // Any later slow start grows at the standard rate.
        #expect(driver.hyStart.windowIncrease(ackedBytes: 1_200, maxDatagramSize: 1_200) == 1_200)
    }

    @Test func spuriousExitResumesSlowStart() {
        var driver = Driver()
        _ = driver.round(.milliseconds(100))
        _ = driver.round(.milliseconds(120))
        #expect(driver.hyStart.phase == .conservativeSlowStart)
        // The RTT falls below the CSS baseline: back to standard slow start.
        _ = driver.round(.milliseconds(110))
        #expect(driver.hyStart.phase == .slowStart)
        #expect(driver.hyStart.cssBaselineMinRTT == nil)
        // And HyStart++ keeps watching: a new increase over 110 ms enters CSS again.
        _ = driver.round(.milliseconds(124))
        #expect(driver.hyStart.phase == .conservativeSlowStart)
    }

    @Test func growthLimits() {
        let paced = HyStartPlusPlus(paced: true)
        #expect(paced.limitSegments == nil)
        #expect(paced.windowIncrease(ackedBytes: 100_000, maxDatagramSize: 1_200) == 100_000)
        let unpaced = HyStartPlusPlus(paced: false)
        #expect(unpaced.windowIncrease(ackedBytes: 100_000, maxDatagramSize: 1_200) == 9_600)
        #expect(unpaced.windowIncrease(ackedBytes: 2_400, maxDatagramSize: 1_200) == 2_400)
        var css = Driver(paced: false)
        _ = css.round(.milliseconds(100))
        _ = css.round(.milliseconds(120))
        #expect(css.hyStart.windowIncrease(ackedBytes: 1_200, maxDatagramSize: 1_200) == 300)
        #expect(css.hyStart.windowIncrease(ackedBytes: 100_000, maxDatagramSize: 1_200) == 2_400)
    }

    @Test func congestionEndsSlowStart() {
        var driver = Driver()
        _ = driver.round(.milliseconds(100))
        driver.hyStart.onCongestionEvent()
        #expect(driver.hyStart.phase == .finished)
        let ended = driver.round(.milliseconds(300))
        #expect(!ended)
    }
}
