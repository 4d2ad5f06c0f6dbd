import Testing
@testable import QUICSimulator

@Suite struct EventLoopTests {
    @Test func jitterDoesNotChangeWhichDatagramsAreLost() throws {
        // Loss, jitter, duplication and reordering draw from separate streams: turning jitter on keeps the
        // same datagrams lost.
        let loss = LossModel.bernoulli(probability: 0.2)
        let (plain, _, plainSink) = try makeOneWay(LinkParameters(loss: loss), seed: 31, size: 20,
                                                   interval: .milliseconds(1), count: 2000)
        let (jittery, _, jitterySink) = try makeOneWay(LinkParameters(jitter: .milliseconds(4), loss: loss), seed: 31,
                                                       size: 20, interval: .milliseconds(1), count: 2000)
        plain.run(until: SimInstant(nanoseconds: 10_000_000_000))
        jittery.run(until: SimInstant(nanoseconds: 10_000_000_000))
        #expect(plainSink.sequences == jitterySink.sequences)
        #expect(plainSink.arrivals.map(\.time) != jitterySink.arrivals.map(\.time))
    }

    @Test func runUntilStopsAtTheDeadline() throws {
        let (network, _, sink) = try makeOneWay(LinkParameters(delay: .milliseconds(10)), interval: .milliseconds(100),
                                                count: 10)
        let reached = network.runUntil(deadline: SimInstant(nanoseconds: 250_000_000)) { sink.arrivals.count == 10 }
        #expect(!reached)
        #expect(sink.arrivals.count == 3)
        #expect(network.now <= SimInstant(nanoseconds: 250_000_000))
        #expect(network.runUntil { sink.arrivals.count == 10 })
        #expect(network.now == SimInstant(nanoseconds: 910_000_000))
        network.run(for: .seconds(1))
        #expect(network.now == SimInstant(nanoseconds: 1_910_000_000))
        #expect(network.nextEventTime == nil)
        #expect(!network.step())
    }

    @Test func goingDownEmptiesTheQueue() throws {
        // 1000 B/s with a 2000-byte queue: a burst of four fills it (two dropped); an outage from 0.5 s to
        // 0.6 s throws both queued datagrams away, and afterwards the queue accepts new ones at once.
        let schedule = [
            ScheduledLinkChange(at: SimInstant(nanoseconds: 500_000_000), link: "l", directions: .aToB, .down),
            ScheduledLinkChange(at: SimInstant(nanoseconds: 600_000_000), link: "l", directions: .aToB, .up),
        ]
        let (network, sender, sink) = try makeOneWay(LinkParameters(rate: 1000, queueCapacity: 2000),
                                                     interval: .zero, count: 4, schedule: schedule)
        network.run(until: SimInstant(nanoseconds: 700_000_000))
        #expect(sink.arrivals.isEmpty)
        let stats = try #require(network.statistics(link: "l", direction: .aToB))
        #expect(stats.droppedQueueOverflow == 2)
        #expect(stats.droppedLinkDown == 0)  // Counted when the lost datagrams would have arrived.
        // The queue is empty after the outage: a new burst of two at 0.7 s serializes from 0.7 s and is not
        // held behind the lost datagrams' arrival times.
        sender.count = 6
        let senderNode = try #require(network.node(owning: clientAddress))
        network.poll(senderNode)
        network.run(until: SimInstant(nanoseconds: 5_000_000_000))
        #expect(sink.sequences == [4, 5])
        #expect(sink.arrivals.map(\.time.nanoseconds) == [1_700_000_000, 2_700_000_000])
        let final = try #require(network.statistics(link: "l", direction: .aToB))
        #expect(final.droppedLinkDown == 2)
        #expect(final.delivered == 2)
    }

    @Test func pollingANodeAfterACommandSendsAtOnce() throws {
        let pinger = Pinger(sources: [], destination: serverAddress, count: 1)
        let pair = SimulatedPair(client: pinger, clientAddress: clientAddress, server: Echo(),
                                 serverAddress: serverAddress, serverToClient: LinkParameters(delay: .milliseconds(3)))
        pair.network.run(until: SimInstant(nanoseconds: 50_000_000))
        #expect(pinger.sent == 0)
        pinger.sources = [clientAddress]
        pair.network.poll(pair.clientNode)
        #expect(pair.drive { pinger.roundTrips.count == 1 })
        #expect(pinger.roundTrips == [.milliseconds(3)])
        #expect(pair.now == SimInstant(nanoseconds: 53_000_000))
    }
}
