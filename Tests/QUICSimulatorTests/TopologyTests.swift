import Testing
@testable import QUICSimulator

@Suite struct TopologyTests {
    let wifi = SimAddress.v4(192, 168, 1, 10, port: 5000)
    let cellular = SimAddress.v6(high: 0x2001_0db8_0000_0001, low: 0x10, port: 6000)
    let server = SimAddress.v4(203, 0, 113, 7, port: 443)

    @Test func twoPathsBetweenTwoNodesUseTheirOwnLinks() throws {
        let scenario = SimScenario(seed: 9, links: [
            SimLinkSpec(name: "wifi", a: wifi, b: server, symmetric: LinkParameters(delay: .milliseconds(10))),
            SimLinkSpec(name: "cellular", a: cellular, b: server,
                        aToB: LinkParameters(delay: .milliseconds(40)), bToA: LinkParameters(delay: .milliseconds(30))),
        ])
        let network = try SimNetwork(scenario: scenario)
        let pinger = Pinger(sources: [wifi, cellular], destination: server, count: 6)
        network.addNode(Echo(), addresses: [server])
        let client = network.addNode(pinger, addresses: [wifi, cellular])
        #expect(network.runUntil { pinger.roundTrips.count == 6 })
        #expect(pinger.roundTrips == [.milliseconds(20), .milliseconds(70), .milliseconds(20), .milliseconds(70),
                                      .milliseconds(20), .milliseconds(70)])
        #expect(pinger.replies.map(\.destination) == [wifi, cellular, wifi, cellular, wifi, cellular])
        for name in ["wifi", "cellular"] {
            for direction in [LinkDirectionID.aToB, .bToA] {
                let stats = try #require(network.statistics(link: name, direction: direction))
                #expect(stats.sent == 3 && stats.delivered == 3)
            }
        }
        #expect(network.addresses(of: client) == [wifi, cellular])
    }

    @Test func unroutableDatagramsAreCountedAndTraced() throws {
        let network = SimNetwork(seed: 1)
        network.addLink(SimLinkSpec(name: "only", a: wifi, b: server, symmetric: LinkParameters()))
        let recorder = SimTraceRecorder()
        network.traceSink = recorder
        let pinger = Pinger(sources: [cellular], destination: server, count: 1)
        network.addNode(Echo(), addresses: [server])
        network.addNode(pinger, addresses: [cellular])
        network.run(until: SimInstant(nanoseconds: 5_000_000_000))
        #expect(network.unroutableCount == 1)
        #expect(pinger.roundTrips.isEmpty)
        guard case .drop(_, nil, nil, _, .noRoute)? = recorder.events.first else {
            Issue.record("expected a noRoute drop, got \(recorder.events)")
            return
        }
    }

    @Test func natRebindingChangesTheObservedSource() throws {
        let natOne = SimAddress.v4(198, 51, 100, 1, port: 40_000)
        let natTwo = SimAddress.v4(198, 51, 100, 1, port: 40_001)
        let scenario = SimScenario(
            seed: 3,
            links: [SimLinkSpec(name: "nat", a: wifi, b: server, natAddress: natOne,
                                symmetric: LinkParameters(delay: .milliseconds(5)))],
            schedule: [ScheduledLinkChange(at: SimInstant(nanoseconds: 10_000_000), link: "nat", .natRebinding(natTwo))]
        )
        let network = try SimNetwork(scenario: scenario)
        let echo = Echo()
        let pinger = Pinger(sources: [wifi], destination: server, count: 4)
        network.addNode(echo, addresses: [server])
        network.addNode(pinger, addresses: [wifi])
        #expect(network.runUntil { pinger.roundTrips.count == 4 })
        // Pings leave at 0, 10, 20, 30 ms; the mapping changes at 10 ms, just before the second ping.
        #expect(echo.observedSources == [natOne, natTwo, natTwo, natTwo])
        #expect(network.unroutableCount == 0)
        // Replies reach the client at its own address, with the server as source.
        #expect(pinger.replies.allSatisfy { $0.destination == self.wifi && $0.source == self.server })
    }

    @Test func repliesToAnOldNATMappingAreUnroutable() throws {
        let natOne = SimAddress.v4(198, 51, 100, 1, port: 40_000)
        let natTwo = SimAddress.v4(198, 51, 100, 1, port: 40_001)
        // The rebinding happens while the first ping's echo is on its way back.
        let scenario = SimScenario(
            seed: 3,
            links: [SimLinkSpec(name: "nat", a: wifi, b: server, natAddress: natOne,
                                symmetric: LinkParameters(delay: .milliseconds(5)))],
            schedule: [ScheduledLinkChange(at: SimInstant(nanoseconds: 2_000_000), link: "nat", .natRebinding(natTwo))]
        )
        let network = try SimNetwork(scenario: scenario)
        let echo = Echo()
        let pinger = Pinger(sources: [wifi], destination: server, count: 2, timeout: .milliseconds(100))
        network.addNode(echo, addresses: [server])
        network.addNode(pinger, addresses: [wifi])
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(echo.observedSources == [natOne, natTwo])
        #expect(network.unroutableCount == 1)
        #expect(pinger.roundTrips == [.milliseconds(10)])
    }

    @Test func addressChangeMovesTheNodeAndTellsIt() throws {
        let renumbered = SimAddress.v4(192, 168, 1, 77, port: 5000)
        let scenario = SimScenario(
            seed: 3,
            links: [SimLinkSpec(name: "wifi", a: wifi, b: server, symmetric: LinkParameters(delay: .milliseconds(5)))],
            schedule: [ScheduledLinkChange(at: SimInstant(nanoseconds: 15_000_000), link: "wifi",
                                           .addressChange(renumbered))]
        )
        let network = try SimNetwork(scenario: scenario)
        let echo = Echo()
        let pinger = Pinger(sources: [wifi], destination: server, count: 3, timeout: .milliseconds(100))
        network.addNode(echo, addresses: [server])
        let client = network.addNode(pinger, addresses: [wifi])
        #expect(network.runUntil { pinger.roundTrips.count == 2 })
        #expect(pinger.addressChanges == [[renumbered]])
        #expect(network.addresses(of: client) == [renumbered])
        // The second ping (sent at 10 ms) is answered after the change: the reply to the old address has
        // no route. The third goes out from the new address after the 100 ms timeout.
        #expect(echo.observedSources == [wifi, wifi, renumbered])
        #expect(network.unroutableCount == 1)
        #expect(pinger.roundTrips == [.milliseconds(10), .milliseconds(10)])
        #expect(network.now == SimInstant(nanoseconds: 120_000_000))
    }

    @Test func duplicationHappensAsConfigured() throws {
        let (network, _, sink) = try makeOneWay(LinkParameters(duplicateProbability: 0.25), seed: 5, size: 20,
                                            interval: .microseconds(10), count: 20_000)
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        let stats = try #require(network.statistics(link: "l", direction: .aToB))
        #expect(abs(Double(stats.duplicated) / 20_000 - 0.25) < 0.02)
        #expect(sink.arrivals.count == 20_000 + Int(stats.duplicated))
        #expect(stats.delivered == 20_000 + stats.duplicated)
        // Every datagram arrives at least once and copies sit next to their original.
        var seen: [UInt64] = []
        for sequence in sink.sequences where seen.last != sequence {
            seen.append(sequence)
        }
        #expect(seen == Array(0..<20_000))
    }

    @Test func jitterWithoutReorderingKeepsOrder() throws {
        let parameters = LinkParameters(delay: .milliseconds(10), jitter: .milliseconds(5))
        let (network, _, sink) = try makeOneWay(parameters, seed: 11, size: 20, interval: .milliseconds(1), count: 2000)
        network.run(until: SimInstant(nanoseconds: 10_000_000_000))
        #expect(sink.sequences == Array(0..<2000))
        let delays = sink.arrivals.map { $0.time.nanoseconds - $0.sequence * 1_000_000 }
        #expect(delays.allSatisfy { $0 >= 10_000_000 && $0 <= 15_000_000 })
        #expect(Set(delays).count > 100)  // The jitter really varies.
    }

    @Test func reorderingHappensAsConfigured() throws {
        let parameters = LinkParameters(delay: .milliseconds(10), reorderProbability: 0.1,
                                        reorderDelay: .milliseconds(5))
        let (network, _, sink) = try makeOneWay(parameters, seed: 13, size: 20, interval: .milliseconds(1),
                                                count: 10_000)
        network.run(until: SimInstant(nanoseconds: 20_000_000_000))
        let stats = try #require(network.statistics(link: "l", direction: .aToB))
        #expect(abs(Double(stats.reordered) / 10_000 - 0.1) < 0.01)
        #expect(sink.arrivals.count == 10_000)
        #expect(Set(sink.sequences).count == 10_000)
        // A held-back datagram arrives exactly 5 ms late, after the four that follow it.
        var late = 0
        for arrival in sink.arrivals {
            let delay = arrival.time.nanoseconds - arrival.sequence * 1_000_000
            #expect(delay == 10_000_000 || delay == 15_000_000)
            if delay == 15_000_000 {
                late += 1
            }
        }
        #expect(UInt64(late) == stats.reordered)
        #expect(sink.sequences != Array(0..<10_000))
    }
}
