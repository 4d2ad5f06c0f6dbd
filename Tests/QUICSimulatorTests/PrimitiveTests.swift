import Testing
@testable import QUICSimulator

@Suite struct PrimitiveTests {
    @Test func splitMix64MatchesTheReferenceSequence() throws {
        // Reference outputs of SplitMix64 seeded with 1234567.
        var state: UInt64 = 1_234_567
        let outputs = (0..<5).map { _ in SimRandom.splitMix64(&state) }
        #expect(outputs == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                            4_593_380_528_125_082_431, 16_408_922_859_458_223_821])
    }

    @Test func xoshiroMatchesTheReferenceSequence() throws {
        // xoshiro256** from the state (1, 2, 3, 4).
        var random = SimRandom(seed: 0)
        random.state = (1, 2, 3, 4)
        let outputs = (0..<6).map { _ in random.next() }
        #expect(outputs == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360,
                            607_988_272_756_665_600])
    }

    @Test func streamsAreReproducibleAndIndependent() throws {
        var first = SimRandom(seed: 99, stream: "link/a->b/loss")
        var again = SimRandom(seed: 99, stream: "link/a->b/loss")
        var other = SimRandom(seed: 99, stream: "link/b->a/loss")
        var otherSeed = SimRandom(seed: 100, stream: "link/a->b/loss")
        let values = (0..<16).map { _ in first.next() }
        let repeated = (0..<16).map { _ in again.next() }
        let otherStream = (0..<16).map { _ in other.next() }
        let otherRoot = (0..<16).map { _ in otherSeed.next() }
        #expect(values == repeated)
        #expect(values != otherStream)
        #expect(values != otherRoot)
    }

    @Test func boundedDrawsStayInRange() throws {
        var random = SimRandom(seed: 5)
        var seenTop = false
        for _ in 0..<10_000 {
            let value = random.nextValue(upToInclusive: 9)
            #expect(value <= 9)
            seenTop = seenTop || value == 9
            let unit = random.nextUnitDouble()
            #expect(unit >= 0 && unit < 1)
        }
        #expect(seenTop)
        let zero = random.nextValue(upToInclusive: 0)
        let never = random.chance(0)
        let always = random.chance(1)
        #expect(zero == 0 && !never && always)
    }

    @Test func eventQueueOrdersByTimeThenInsertion() throws {
        var queue = SimEventQueue()
        var random = SimRandom(seed: 3)
        for index in 0..<500 {
            queue.push(.change(index: index), at: SimInstant(nanoseconds: random.nextValue(upToInclusive: 20)))
        }
        var popped: [(UInt64, Int)] = []
        while let event = queue.pop() {
            guard case .change(let index) = event.kind else {
                Issue.record("unexpected event kind")
                return
            }
            popped.append((event.time.nanoseconds, index))
        }
        #expect(popped.count == 500)
        for (earlier, later) in zip(popped, popped.dropFirst()) {
            #expect(earlier.0 < later.0 || (earlier.0 == later.0 && earlier.1 < later.1))
        }
    }

    @Test func timeArithmeticSaturates() throws {
        #expect(SimInstant.distantFuture + .seconds(1) == .distantFuture)
        #expect(SimInstant.zero - SimInstant(nanoseconds: 5) == .zero)
        #expect(SimDuration.seconds(.max) == SimDuration(nanoseconds: .max))
        #expect(SimDuration.milliseconds(3) + .microseconds(4) == SimDuration(nanoseconds: 3_004_000))
        #expect(SimInstant(nanoseconds: 10) + .zero == SimInstant(nanoseconds: 10))
    }

    @Test func addressesPrint() throws {
        #expect(SimAddress.v4(192, 0, 2, 1, port: 443).description == "192.0.2.1:443")
        #expect(SimAddress.v6(high: 0x2001_0db8_0000_0000, low: 1, port: 80).description == "[2001:db8:0:0:0:0:0:1]:80")
        #expect(SimAddress.v4(10, 0, 0, 1, port: 1).with(port: 2) == SimAddress.v4(10, 0, 0, 1, port: 2))
        #expect(SimAddress.v6(high: 1, low: 2, port: 3).isIPv6)
    }

    @Test func lossPatternCountsAcrossModelChanges() throws {
        var state = LossState()
        var random = SimRandom(seed: 1)
        let pattern = LossModel.dropIndices([1, 3])
        let results = (0..<5).map { _ in state.shouldLose(pattern, random: &random) }
        #expect(results == [false, true, false, true, false])
        #expect(!state.shouldLose(.bitmask(mask: 0, length: 0), random: &random))
        #expect(state.shouldLose(.bitmask(mask: 1 << 6, length: 64), random: &random))
    }
}
