import Testing
@testable import QUICSimulator

@Suite struct DeterminismTests {
    static let lossy = LinkParameters(
        rate: 200_000, delay: .milliseconds(20), jitter: .milliseconds(3), queueCapacity: 20_000,
        loss: .gilbertElliott(p: 0.05, r: 0.3, lossInBad: 0.7, lossInGood: 0.01), duplicateProbability: 0.05,
        reorderProbability: 0.05, reorderDelay: .milliseconds(4)
    )

    /// Runs a busy scenario and returns its whole trace.
    static func trace(seed: UInt64, extraLink: Bool = false) throws -> [SimTraceEvent] {
        let second = SimAddress.v4(10, 0, 1, 1, port: 4001)
        var scenario = SimScenario(seed: seed, links: [
            SimLinkSpec(name: "l", a: clientAddress, b: serverAddress, symmetric: lossy),
        ])
        if extraLink {
            scenario.links.append(SimLinkSpec(name: "extra", a: second, b: serverAddress, symmetric: lossy))
        }
        scenario.addOutage(link: "l", from: SimInstant(nanoseconds: 400_000_000), for: .milliseconds(50))
        let network = try SimNetwork(scenario: scenario)
        let recorder = SimTraceRecorder()
        network.traceSink = recorder
        network.addNode(Echo(), addresses: [serverAddress])
        network.addNode(ConstantBitRateSender(source: clientAddress, destination: serverAddress, size: 600,
                                              interval: .milliseconds(2), count: 500), addresses: [clientAddress])
        if extraLink {
            network.addNode(ConstantBitRateSender(source: second, destination: serverAddress, size: 300,
                                                  interval: .milliseconds(3), count: 300), addresses: [second])
        }
        network.run(until: SimInstant(nanoseconds: 3_000_000_000))
        return recorder.events
    }

    static func events(_ trace: [SimTraceEvent], onLink name: String) -> [SimTraceEvent] {
        trace.filter { event in
            switch event {
            case .enqueue(_, let link, _, _, _), .deliver(_, let link, _, _), .linkChange(_, let link, _, _):
                return link == name
            case .drop(_, let link, _, _, _):
                return link == name
            }
        }
    }

    @Test func sameSeedGivesIdenticalTraces() throws {
        let first = try Self.trace(seed: 2024)
        let second = try Self.trace(seed: 2024)
        #expect(first.count > 1000)
        #expect(first == second)
        // The scenario exercised every kind of event.
        #expect(first.contains { if case .drop(_, _, _, _, .loss) = $0 { true } else { false } })
        #expect(first.contains { if case .drop(_, _, _, _, .linkDown) = $0 { true } else { false } })
        #expect(first.contains { if case .deliver = $0 { true } else { false } })
    }

    @Test func differentSeedsGiveDifferentTraces() throws {
        let one = try Self.trace(seed: 1)
        let two = try Self.trace(seed: 2)
        #expect(one != two)
    }

    @Test func addingALinkDoesNotChangeTheOthersDraws() throws {
        let alone = Self.events(try Self.trace(seed: 77), onLink: "l")
        #expect(!alone.isEmpty)
        let withExtra = try Self.trace(seed: 77, extraLink: true)
        // Echo replies share the server node, but the server answers each datagram on the link it came from,
        // so link "l" sees exactly the same events.
        #expect(Self.events(withExtra, onLink: "l") == alone)
        #expect(!Self.events(withExtra, onLink: "extra").isEmpty)
    }

    @Test func traceHandlerSeesTheSameEventsAsTheSink() throws {
        let (network, _, _) = try makeOneWay(Self.lossy, seed: 5, interval: .milliseconds(1), count: 200)
        let recorder = SimTraceRecorder()
        var seen: [SimTraceEvent] = []
        network.traceSink = recorder
        network.traceHandler = { seen.append($0) }
        network.run(until: SimInstant(nanoseconds: 2_000_000_000))
        #expect(seen == recorder.events)
        #expect(seen.map(\.time) == seen.map(\.time).sorted())
    }

    @Test func pairHarnessJumpsToWakeUps() throws {
        // A sender with one datagram every 250 ms: the loop visits only the send and delivery times.
        let sender = ConstantBitRateSender(source: clientAddress, destination: serverAddress, size: 100,
                                           interval: .milliseconds(250), count: 4)
        let sink = Sink()
        let pair = SimulatedPair(client: sender, clientAddress: clientAddress, server: sink,
                                 serverAddress: serverAddress, clientToServer: LinkParameters(delay: .milliseconds(1)))
        pair.driveToQuiescence()
        #expect(sink.arrivals.map(\.time.nanoseconds) == [1_000_000, 251_000_000, 501_000_000, 751_000_000])
        #expect(pair.now == SimInstant(nanoseconds: 751_000_000))
        // Two initial polls, three timer wake-ups, four deliveries.
        #expect(pair.network.processedEvents == 9)
    }
}
