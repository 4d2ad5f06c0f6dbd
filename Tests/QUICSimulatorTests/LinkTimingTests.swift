import Testing
@testable import QUICSimulator

let clientAddress = SimAddress.v4(10, 0, 0, 1, port: 4000)
let serverAddress = SimAddress.v4(192, 0, 2, 1, port: 443)

/// A network with one link from `clientAddress` to `serverAddress`, a sender on the client and a sink on the
/// server.
func makeOneWay(
    _ parameters: LinkParameters, seed: UInt64 = 1, size: Int = 1000, interval: SimDuration, count: UInt64,
    ecn: SimECN = .notECT, schedule: [ScheduledLinkChange] = []
) throws -> (SimNetwork, ConstantBitRateSender, Sink) {
    let scenario = SimScenario(
        seed: seed,
        links: [SimLinkSpec(name: "l", a: clientAddress, b: serverAddress, aToB: parameters, bToA: LinkParameters())],
        schedule: schedule
    )
    let network = try SimNetwork(scenario: scenario)
    let sender = ConstantBitRateSender(source: clientAddress, destination: serverAddress, size: size,
                                       interval: interval, count: count, ecn: ecn)
    let sink = Sink()
    network.addNode(sink, addresses: [serverAddress])
    network.addNode(sender, addresses: [clientAddress])
    return (network, sender, sink)
}

@Suite struct LinkTimingTests {
    @Test func serializationAndPropagationAreExact() throws {
        // 1 MB/s: 1000 bytes take exactly 1 ms; 10 ms propagation.
        let parameters = LinkParameters(rate: 1_000_000, delay: .milliseconds(10))
        let (network, _, sink) = try makeOneWay(parameters, interval: .zero, count: 3)
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(sink.arrivals.map(\.time.nanoseconds) == [11_000_000, 12_000_000, 13_000_000])
        #expect(sink.sequences == [0, 1, 2])
        let stats = try #require(network.statistics(link: "l", direction: .aToB))
        #expect(stats.sent == 3)
        #expect(stats.delivered == 3)
        #expect(stats.deliveredBytes == 3000)
        #expect(stats.maxQueueBytes == 3000)
    }

    @Test func infiniteRateHasOnlyPropagation() throws {
        let parameters = LinkParameters(rate: 0, delay: .microseconds(2500))
        let (network, _, sink) = try makeOneWay(parameters, interval: .milliseconds(1), count: 4)
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(sink.arrivals.map(\.time.nanoseconds) == [2_500_000, 3_500_000, 4_500_000, 5_500_000])
    }

    @Test func longRunsHitTheRateExactlyEvenWithFractionalNanoseconds() throws {
        // A rate that does not divide a second: every arrival must be floor(k * size * 1e9 / rate) + delay.
        let rate: UInt64 = 1_000_003
        let parameters = LinkParameters(rate: rate, delay: .milliseconds(7))
        let (network, _, sink) = try makeOneWay(parameters, size: 1234, interval: .zero, count: 5000)
        network.run(until: SimInstant(nanoseconds: 60_000_000_000))
        #expect(sink.arrivals.count == 5000)
        for (index, arrival) in sink.arrivals.enumerated() {
            let bits = UInt64(index + 1) * 1234 * 1_000_000_000
            #expect(arrival.time.nanoseconds == bits / rate + 7_000_000)
        }
    }

    @Test func tenMegabitLinkDeliversTenMegabitsPerSecond() throws {
        // A sender offering 20 Mbit/s into a 10 Mbit/s link with a big enough queue: the receiver sees
        // exactly 1,250,000 bytes in every second once the pipe is full.
        let parameters = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 10_000_000),
                                        delay: .milliseconds(20), queueCapacity: 2_000_000)
        let (network, _, sink) = try makeOneWay(parameters, size: 1250, interval: .microseconds(500), count: 20_000)
        network.run(until: SimInstant(nanoseconds: 12_000_000_000))
        let stats = try #require(network.statistics(link: "l", direction: .aToB))
        #expect(stats.droppedTotal > 0)  // The queue overflowed: the link really was the bottleneck.
        for second in 1..<10 {
            let start = UInt64(second) * 1_000_000_000 + 20_000_000
            let bytes = sink.arrivals
                .filter { $0.time.nanoseconds > start && $0.time.nanoseconds <= start + 1_000_000_000 }
                .reduce(0) { $0 + $1.datagram.size }
            #expect(bytes == 1_250_000)
        }
    }

    @Test func rateChangeTakesEffect() throws {
        // Offered 10,000 B/s into 1,000 B/s; at 1 s the rate rises to 5,000 B/s. With the queue never empty,
        // arrivals are spaced by the serialization time: 100 ms before, 20 ms after.
        let parameters = LinkParameters(rate: 1000, queueCapacity: 300)
        let change = ScheduledLinkChange(at: SimInstant(nanoseconds: 1_000_000_000), link: "l", directions: .aToB,
                                         .rate(5000))
        let (network, _, sink) = try makeOneWay(parameters, size: 100, interval: .milliseconds(10), count: 300,
                                            schedule: [change])
        network.run(until: SimInstant(nanoseconds: 3_000_000_000))
        let times = sink.arrivals.map(\.time.nanoseconds)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        let early = zip(times.dropFirst(), gaps).filter { $0.0 <= 1_000_000_000 }.map(\.1)
        let late = zip(times.dropFirst(), gaps).filter { $0.0 >= 1_400_000_000 }.map(\.1)
        #expect(!early.isEmpty && early.allSatisfy { $0 == 100_000_000 })
        #expect(!late.isEmpty && late.allSatisfy { $0 == 20_000_000 })
        #expect(network.parameters(link: "l", direction: .aToB)?.rate == 5000)
        #expect(network.parameters(link: "l", direction: .bToA)?.rate == 0)
    }

    @Test func delayChangeTakesEffect() throws {
        let change = ScheduledLinkChange(at: SimInstant(nanoseconds: 50_000_000), link: "l", .delay(.milliseconds(30)))
        let (network, _, sink) = try makeOneWay(LinkParameters(delay: .milliseconds(10)), interval: .milliseconds(20),
                                            count: 5, schedule: [change])
        network.run(until: SimInstant(nanoseconds: 1_000_000_000))
        #expect(sink.arrivals.map(\.time.nanoseconds) == [10_000_000, 30_000_000, 50_000_000, 90_000_000, 110_000_000])
    }

    @Test func pingPongRoundTripIsTwiceTheOneWayDelay() throws {
        let pinger = Pinger(sources: [clientAddress], destination: serverAddress, count: 5)
        let pair = SimulatedPair(
            client: pinger, clientAddress: clientAddress, server: Echo(), serverAddress: serverAddress,
            clientToServer: LinkParameters(rate: 64_000, delay: .milliseconds(15)),
            serverToClient: LinkParameters(delay: .milliseconds(25))
        )
        #expect(pair.drive { pinger.roundTrips.count == 5 })
        // 64 bytes at 64,000 B/s serialize in 1 ms: 15 + 1 + 25 ms.
        #expect(pinger.roundTrips == Array(repeating: .milliseconds(41), count: 5))
        #expect(pair.now == SimInstant(nanoseconds: 205_000_000))
    }
}
