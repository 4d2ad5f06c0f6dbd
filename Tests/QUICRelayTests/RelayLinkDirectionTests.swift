import Testing
@testable import QUICRelay

/// The emulation core driven with synthetic time (nanoseconds).
@Suite("Relay link direction")
struct RelayLinkDirectionTests {
    private func deliveryTime(_ verdict: RelayVerdict) -> UInt64? {
        if case .deliver(let time) = verdict {
            return time
        }
        return nil
    }

    @Test func rateSpacesBackToBackDatagramsBySerializationTime() throws {
        // 1,000 bytes at 8 Mbit/s take exactly 1 ms.
        var link = RelayLinkDirection(parameters: .init(rate: 8_000_000, delay: 10_000_000), seed: 1)
        var times: [UInt64] = []
        for _ in 0..<10 {
            times.append(try #require(self.deliveryTime(link.offer(byteCount: 1_000, now: 5_000_000))))
        }
        #expect(times.first == 5_000_000 + 1_000_000 + 10_000_000)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier == 1_000_000)
        }
        // After the link has drained, a datagram only waits for its own serialization.
        let idle = try #require(self.deliveryTime(link.offer(byteCount: 500, now: 100_000_000)))
        #expect(idle == 100_000_000 + 500_000 + 10_000_000)
    }

    @Test func serializationTimeRoundsUp() {
        let link = RelayLinkDirection(parameters: .init(rate: 3_000_000), seed: 1)
        #expect(link.serializationTime(byteCount: 1) == 2_667)  // 8 bits / 3 Mbit/s = 2666.67 ns
        #expect(link.serializationTime(byteCount: 1_200) == 3_200_000)
        let unlimited = RelayLinkDirection(parameters: .init(), seed: 1)
        #expect(unlimited.serializationTime(byteCount: 65_000) == 0)
    }

    @Test func queueOverflowDropsTailAndCounts() {
        // 1 Mbit/s: 1,000 bytes take 8 ms. Queue of 3,000 bytes.
        var link = RelayLinkDirection(parameters: .init(rate: 1_000_000, queue: 3_000), seed: 1)
        var verdicts: [RelayVerdict] = []
        for _ in 0..<6 {
            verdicts.append(link.offer(byteCount: 1_000, now: 0))
        }
        // The idle link takes the first; the queue then holds 1,000, 2,000, 3,000 bytes; the fourth would exceed it.
        #expect(verdicts.prefix(3).allSatisfy { self.deliveryTime($0) != nil })
        #expect(verdicts[3] == .drop(.queue))
        #expect(verdicts[4] == .drop(.queue))
        #expect(link.queuedBytes(at: 0) == 3_000)
        #expect(link.statistics.droppedQueue == 3)
        #expect(link.statistics.receivedPackets == 6)
        // Once 8 ms have passed one datagram has left, and there is room for one more.
        #expect(link.queuedBytes(at: 8_000_000) == 2_000)
        #expect(self.deliveryTime(link.offer(byteCount: 1_000, now: 8_000_000)) == 32_000_000)
        #expect(link.offer(byteCount: 1_000, now: 8_000_000) == .drop(.queue))
    }

    @Test func idleLinkAcceptsADatagramLargerThanTheQueue() {
        var link = RelayLinkDirection(parameters: .init(rate: 1_000_000, queue: 100), seed: 1)
        #expect(self.deliveryTime(link.offer(byteCount: 1_000, now: 0)) == 8_000_000)
        #expect(link.offer(byteCount: 10, now: 0) == .drop(.queue))
    }

    @Test func delayAndJitterStayWithinBoundsAndNeverReorder() throws {
        let delay: UInt64 = 20_000_000
        let jitter: UInt64 = 2_000_000
        var link = RelayLinkDirection(parameters: .init(delay: delay, jitter: jitter), seed: 42)
        var previous: UInt64 = 0
        var sawSpread = false
        for index in 0..<2_000 {
            let now = UInt64(index) * 100_000
            let time = try #require(self.deliveryTime(link.offer(byteCount: 100, now: now)))
            #expect(time >= now + delay)
            #expect(time <= now + delay + jitter)
            #expect(time >= previous)
            if time - now > delay + jitter / 2 {
                sawSpread = true
            }
            previous = time
        }
        #expect(sawSpread)
    }

    @Test func lossRateMatchesWithASeedAndIsReproducible() {
        func run(seed: UInt64) -> [Bool] {
            var link = RelayLinkDirection(parameters: .init(loss: 0.05), seed: seed)
            return (0..<20_000).map { link.offer(byteCount: 100, now: UInt64($0)) == .drop(.loss) }
        }
        let first = run(seed: 7)
        let lost = first.filter { $0 }.count
        #expect(lost > 800 && lost < 1_200)  // 5% of 20,000 = 1,000; ±20% is many standard deviations
        #expect(run(seed: 7) == first)
        #expect(run(seed: 8) != first)
    }

    @Test func outageDropsEverythingUntilTheLinkComesBack() {
        var link = RelayLinkDirection(parameters: .init(rate: 8_000_000, delay: 5_000_000), seed: 1)
        _ = link.offer(byteCount: 1_000, now: 0)
        _ = link.offer(byteCount: 1_000, now: 0)
        link.setLink(up: false, now: 1_000_000)
        #expect(link.offer(byteCount: 1_000, now: 1_500_000) == .drop(.outage))
        #expect(link.statistics.droppedOutage == 1)
        link.setLink(up: true, now: 3_000_000)
        // The queue was emptied by the outage: a new datagram does not wait behind the lost ones.
        #expect(self.deliveryTime(link.offer(byteCount: 1_000, now: 3_000_000)) == 3_000_000 + 1_000_000 + 5_000_000)
    }

    @Test func rateChangeAppliesToLaterDatagrams() {
        var link = RelayLinkDirection(parameters: .init(rate: 8_000_000), seed: 1)
        #expect(self.deliveryTime(link.offer(byteCount: 1_000, now: 0)) == 1_000_000)
        link.apply(.rate(4_000_000))
        #expect(self.deliveryTime(link.offer(byteCount: 1_000, now: 0)) == 3_000_000)
        link.apply(.rate(0))
        #expect(self.deliveryTime(link.offer(byteCount: 1_000, now: 0)) == 3_000_000)  // never earlier than before
    }

    @Test func seededRunOfEveryImpairmentHoldsItsInvariants() throws {
        // Random offers against a lossy, jittery, rate-limited link with a small queue.
        var random = RelayRandom(seed: 99)
        let parameters = RelayDirectionParameters(
            rate: 10_000_000, delay: 3_000_000, jitter: 1_000_000, loss: 0.02, queue: 20_000)
        var link = RelayLinkDirection(parameters: parameters, seed: 5)
        var now: UInt64 = 0
        var previous: UInt64 = 0
        var delivered = 0
        for _ in 0..<5_000 {
            now += random.next() % 1_500_000
            let size = Int(random.next() % 1_400) + 20
            switch link.offer(byteCount: size, now: now) {
            case .deliver(let time):
                #expect(time >= now + link.serializationTime(byteCount: size) + parameters.delay)
                #expect(time >= previous)
                previous = time
                delivered += 1
            case .drop(let cause):
                #expect(cause == .queue || cause == .loss)
            }
            #expect(link.queuedBytes(at: now) <= 20_000 + 1_420)
        }
        let statistics = link.statistics
        #expect(UInt64(delivered) + statistics.droppedQueue + statistics.droppedLoss == statistics.receivedPackets)
    }
}
