import Testing
@testable import QUICSimulator

@Suite struct LossAndQueueTests {
    @Test func queueOverflowDropsTheTail() throws {
        // 3000-byte queue at 1000 B/s; ten 1000-byte datagrams at once: the first three fit (the one being
        // serialized counts), the other seven are dropped.
        let recorder = SimTraceRecorder()
        let parameters = LinkParameters(rate: 1000, queueCapacity: 3000)
        let (network, _, sink) = try makeOneWay(parameters, interval: .zero, count: 10)
        network.traceSink = recorder
        network.run(until: SimInstant(nanoseconds: 10_000_000_000))
        #expect(sink.sequences == [0, 1, 2])
        var dropped: [UInt64] = []
        for event in recorder.events {
            if case .drop(_, _, _, let datagram, .queueOverflow) = event {
                dropped.append(simTestSequence(datagram.payload))
            }
        }
        #expect(dropped == Array(3..<10))
        let stats = try #require(network.statistics(link: "l", direction: .aToB))
        #expect(stats.droppedQueueOverflow == 7)
        #expect(stats.maxQueueBytes == 3000)
    }

    @Test func queueDrainsAndAcceptsAgain() throws {
        // One datagram serializes in 1 s; the queue holds two. Sending every 0.5 s lets every other one in.
        let parameters = LinkParameters(rate: 1000, queueCapacity: 2000)
        let (network, _, sink) = try makeOneWay(parameters, interval: .milliseconds(500), count: 8)
        network.run(until: SimInstant(nanoseconds: 20_000_000_000))
        // t=0 #0 (q=1), 0.5 #1 (q=2), 1.0 #0 done -> #2 (q=2), 1.5 #3 dropped, 2.0 #1 done -> #4 ...
        #expect(sink.sequences == [0, 1, 2, 4, 6])
    }

    @Test func bernoulliLossConvergesAndIsReproducible() throws {
        func run(seed: UInt64) throws -> (UInt64, [UInt64]) {
            let (network, _, sink) = try makeOneWay(LinkParameters(loss: .bernoulli(probability: 0.1)), seed: seed,
                                                size: 20, interval: .microseconds(10), count: 50_000)
            network.run(until: SimInstant(nanoseconds: 10_000_000_000))
            return (network.statistics(link: "l", direction: .aToB)?.droppedLoss ?? 0, sink.sequences)
        }
        let (lost, received) = try run(seed: 42)
        let rate = Double(lost) / 50_000
        #expect(abs(rate - 0.1) < 0.01)
        #expect(received.count + Int(lost) == 50_000)
        let (lostAgain, receivedAgain) = try run(seed: 42)
        #expect(lostAgain == lost)
        #expect(receivedAgain == received)
        let (_, receivedOther) = try run(seed: 43)
        #expect(receivedOther != received)
    }

    @Test func gilbertElliottLosesInBursts() throws {
        // Loss only in the bad state, which lasts 1/r = 4 datagrams on average.
        let model = LossModel.gilbertElliott(p: 0.01, r: 0.25, lossInBad: 1, lossInGood: 0)
        let count: UInt64 = 100_000
        let (network, _, sink) = try makeOneWay(LinkParameters(loss: model), seed: 7, size: 20,
                                            interval: .microseconds(10), count: count)
        network.run(until: SimInstant(nanoseconds: 10_000_000_000))
        var received = [Bool](repeating: false, count: Int(count))
        for sequence in sink.sequences {
            received[Int(sequence)] = true
        }
        var bursts: [Int] = []
        var current = 0
        for flag in received {
            if flag {
                if current > 0 {
                    bursts.append(current)
                }
                current = 0
            } else {
                current += 1
            }
        }
        let mean = Double(bursts.reduce(0, +)) / Double(bursts.count)
        #expect(abs(mean - 4) < 0.4)
        // Stationary share of the bad state: p / (p + r) = 0.01 / 0.26.
        let lossRate = Double(Int(count) - sink.arrivals.count) / Double(count)
        #expect(abs(lossRate - 0.01 / 0.26) < 0.01)
        #expect(bursts.contains { $0 >= 10 })
    }

    @Test func bernoulliLossHasShortBursts() throws {
        // Contrast for the test above: independent 3.8 % loss almost never loses several in a row.
        let (network, _, sink) = try makeOneWay(LinkParameters(loss: .bernoulli(probability: 0.038)), seed: 7, size: 20,
                                            interval: .microseconds(10), count: 100_000)
        network.run(until: SimInstant(nanoseconds: 10_000_000_000))
        let sequences = sink.sequences
        let gaps = zip(sequences.dropFirst(), sequences).map { $0 - $1 - 1 }.filter { $0 > 0 }
        let mean = Double(gaps.reduce(0, +)) / Double(gaps.count)
        #expect(mean < 1.1)
    }

    @Test func exactIndicesAreDropped() throws {
        let (network, _, sink) = try makeOneWay(LinkParameters(loss: .dropIndices([0, 2, 5, 7])), interval: .zero,
                                            count: 10)
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(sink.sequences == [1, 3, 4, 6, 8, 9])
        #expect(network.statistics(link: "l", direction: .aToB)?.droppedLoss == 4)
    }

    @Test func bitmaskRepeats() throws {
        // Bits 0 and 2 of a 4-bit pattern: datagrams 0, 2, 4, 6, 8, ... with i % 4 in {0, 2} are lost.
        let (network, _, sink) = try makeOneWay(LinkParameters(loss: .bitmask(mask: 0b0101, length: 4)),
                                                interval: .zero,
                                            count: 12)
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(sink.sequences == [1, 3, 5, 7, 9, 11])
        let (other, _, otherSink) = try makeOneWay(LinkParameters(loss: .bitmask(mask: 0b100, length: 3)),
                                               interval: .zero, count: 9)
        other.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(otherSink.sequences == [0, 1, 3, 4, 6, 7])
    }

    @Test func mtuDropsLargerDatagrams() throws {
        let (network, sender, sink) = try makeOneWay(LinkParameters(mtu: 1200), size: 1200, interval: .zero, count: 4)
        sender.sizeOverrides = [1: 1201, 3: 1500]
        let recorder = SimTraceRecorder()
        network.traceSink = recorder
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(sink.sequences == [0, 2])
        #expect(network.statistics(link: "l", direction: .aToB)?.droppedMTU == 2)
        let reasons = recorder.events.compactMap { event -> DropReason? in
            if case .drop(_, _, _, _, let reason) = event {
                return reason
            }
            return nil
        }
        #expect(reasons == [.mtu, .mtu])
    }

    @Test func outageDropsDuringTheWindowAndResumes() throws {
        // A datagram every 10 ms, 45 ms one-way delay, link down from 300 ms to 500 ms: datagrams sent at
        // 260..290 ms are in flight when it goes down and those sent at 300..490 ms find it down.
        var scenario = SimScenario(seed: 1)
        scenario.addOutage(link: "l", from: SimInstant(nanoseconds: 300_000_000), for: .milliseconds(200))
        let (network, _, sink) = try makeOneWay(LinkParameters(delay: .milliseconds(45)), interval: .milliseconds(10),
                                            count: 100, schedule: scenario.schedule)
        network.run(until: SimInstant(nanoseconds: 2_000_000_000))
        let expected = (0..<100).filter { !(26..<50).contains($0) }.map { UInt64($0) }
        #expect(sink.sequences == expected)
        let stats = try #require(network.statistics(link: "l", direction: .aToB))
        #expect(stats.droppedLinkDown == 24)
        #expect(stats.delivered == 76)
    }

    @Test func lossChangeTakesEffect() throws {
        let change = ScheduledLinkChange(at: SimInstant(nanoseconds: 5_000_000), link: "l",
                                         .loss(.bernoulli(probability: 1)))
        let (network, _, sink) = try makeOneWay(LinkParameters(), interval: .milliseconds(1), count: 10,
                                                schedule: [change])
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(sink.sequences == [0, 1, 2, 3, 4])
    }

    @Test func ceMarkingAboveThreshold() throws {
        // 1000 B/s: a burst of five 100-byte ECT(0) datagrams; the queue holds 0, 100, 200, ... bytes before
        // each arrives, so with a 200-byte threshold the last three are marked.
        let parameters = LinkParameters(rate: 1000, ceMarkingThreshold: 200)
        let (network, _, sink) = try makeOneWay(parameters, size: 100, interval: .zero, count: 5, ecn: .ect0)
        network.run(until: SimInstant(nanoseconds: 2_000_000_000))
        #expect(sink.arrivals.map(\.datagram.ecn) == [.ect0, .ect0, .ce, .ce, .ce])
        #expect(network.statistics(link: "l", direction: .aToB)?.ceMarked == 3)
        let (plain, _, plainSink) = try makeOneWay(parameters, size: 100, interval: .zero, count: 5)
        plain.run(until: SimInstant(nanoseconds: 2_000_000_000))
        #expect(plainSink.arrivals.allSatisfy { $0.datagram.ecn == .notECT })
    }
}
