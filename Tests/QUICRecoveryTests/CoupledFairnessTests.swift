import Testing
import QUICRecovery

/// The goals of RFC 6356 §2, checked on a deterministic model of a multipath sender
/// (``CoupledFluidSimulation``): each path has a fixed RTT and loses every 400th packet.
@Suite("Coupled congestion control: fairness to single-path flows")
struct CoupledFairnessTests {
    enum Algorithm: Sendable, CaseIterable {
        case lia, olia, newReno

        func make(_ group: CoupledPathGroup) -> any CongestionController {
            switch self {
            case .lia: LinkedIncreases(group: group)
            case .olia: OpportunisticLinkedIncreases(group: group)
            case .newReno: NewReno()
            }
        }
    }

    /// Runs paths with the given RTTs for 10 s of warm-up, then measures for `seconds`.
    static func simulate(_ algorithm: Algorithm, rtts: [Int64], lossInterval: Int = 400,
                         seconds: Int64 = 60) -> CoupledFluidSimulation {
        let group = CoupledPathGroup()
        var simulation = CoupledFluidSimulation(rtts.map { (algorithm.make(group), .milliseconds($0), lossInterval) })
        simulation.run(until: ms(10_000))
        simulation.startMeasuring()
        simulation.run(until: ms(10_000 + seconds * 1_000))
        return simulation
    }

    static func total(_ values: [Double]) -> Double {
        values.reduce(0, +)
    }

    /// Two paths with the same RTT and loss rate, as through one shared bottleneck: together they get
    /// what one NewReno flow gets, where two uncoupled NewReno flows get twice as much.
    @Test(arguments: [Algorithm.lia, .olia])
    func twoIdenticalPathsGetWhatOneFlowGets(algorithm: Algorithm) {
        let single = Self.total(Self.simulate(.newReno, rtts: [50]).throughput)
        let uncoupled = Self.total(Self.simulate(.newReno, rtts: [50, 50]).throughput)
        let coupled = Self.simulate(algorithm, rtts: [50, 50])
        let share = Self.total(coupled.throughput) / single
        #expect(uncoupled / single > 1.9)
        #expect(share > 0.8 && share < 1.15, "coupled/single = \(share)")
        // Both paths carry traffic: neither is starved.
        for throughput in coupled.throughput {
            #expect(throughput > 0.3 * single)
        }
    }

    /// In congestion avoidance without loss, two identical LIA paths together grow by MSS/2 per RTT:
    /// alpha = 1/2 and each path grows by alpha * MSS * cwnd_i / cwnd_total = MSS/4 per RTT. One NewReno
    /// flow grows by one MSS per RTT and two uncoupled flows by two; the coupled pair grows more slowly than
    /// one flow because a loss halves only one path, a quarter of the total, and at equal loss rates this
    /// gives the same average rate (see `twoIdenticalPathsGetWhatOneFlowGets`).
    @Test(arguments: Algorithm.allCases)
    func increasePerRoundTripOfTwoIdenticalPaths(algorithm: Algorithm) {
        let group = CoupledPathGroup()
        var controllers = [algorithm.make(group), algorithm.make(group)]
        for index in controllers.indices {
            // Leave slow start at a window of 20 datagrams.
            for _ in 0..<30 {
                controllers[index].onPacketAcked(CongestionPacket(packetNumber: 0, timeSent: ms(0), size: 1_200),
                                                 isAppLimited: false, rtt: estimator(sample: .milliseconds(50)),
                                                 now: ms(50))
            }
            controllers[index].onCongestionEvent(sentTime: ms(0), now: ms(50))
        }
        #expect(controllers.map(\.congestionWindow) == [24_000, 24_000])
        var simulation = CoupledFluidSimulation(controllers.map { ($0, .milliseconds(50), 0) }, start: ms(100))
        simulation.run(until: ms(100 + 40 * 50))
        let growth = Double(simulation.windows.reduce(0, +) - 48_000) / 40 / 1_200
        let expected = algorithm == .newReno ? 2.0 : 0.5
        #expect(abs(growth - expected) < 0.1 * expected + 0.05, "\(growth) MSS per RTT")
    }

    /// RFC 6356 goals 1 and 2 with a 10 ms and a 100 ms path at the same loss rate: LIA gets about what
    /// one NewReno flow gets on the 10 ms path, never more, and much less than uncoupled flows.
    @Test func differentRTTsGetWhatTheBestPathWouldGive() {
        let best = Self.total(Self.simulate(.newReno, rtts: [10]).throughput)
        let uncoupled = Self.total(Self.simulate(.newReno, rtts: [10, 100]).throughput)
        let lia = Self.simulate(.lia, rtts: [10, 100])
        let share = Self.total(lia.throughput) / best
        #expect(share <= 1.02, "LIA/best = \(share)")
        #expect(share > 0.85, "LIA/best = \(share)")
        #expect(uncoupled > 1.08 * best)
        // With equal loss rates LIA's windows are about equal (RFC 6356: it does not fully move traffic).
        let windows = lia.averageWindows
        #expect(windows[0] / windows[1] > 0.8 && windows[0] / windows[1] < 1.25)
    }

    /// OLIA moves window to the better path (more bytes between losses for its RTT): the 10 ms path ends up
    /// with most of the window, the 100 ms path keeps probing with a small one, and the total is still
    /// what the best path alone would give.
    @Test func opportunisticLinkedIncreasesMovesWindowToTheBetterPath() {
        let best = Self.total(Self.simulate(.newReno, rtts: [10]).throughput)
        let olia = Self.simulate(.olia, rtts: [10, 100])
        let lia = Self.simulate(.lia, rtts: [10, 100])
        let oliaWindows = olia.averageWindows
        let liaWindows = lia.averageWindows
        #expect(oliaWindows[0] > 5 * oliaWindows[1])
        #expect(oliaWindows[0] / Self.total(oliaWindows) > liaWindows[0] / Self.total(liaWindows) + 0.3)
        #expect(oliaWindows[1] >= 2_400)
        let share = Self.total(olia.throughput) / best
        #expect(share > 0.9 && share < 1.05, "OLIA/best = \(share)")
    }

    /// Over time, not only on average: from two equal windows the 10 ms path's share of the window grows.
    @Test func theBetterPathsShareGrowsOverTime() {
        let group = CoupledPathGroup()
        var simulation = CoupledFluidSimulation([(Algorithm.olia.make(group), .milliseconds(10), 400),
                                                 (Algorithm.olia.make(group), .milliseconds(100), 400)])
        var fastShare: [Double] = []
        for interval in 1...6 {
            simulation.startMeasuring()
            simulation.run(until: ms(Int64(interval) * 5_000))
            let windows = simulation.averageWindows
            fastShare.append(windows[0] / Self.total(windows))
        }
        #expect(fastShare.first ?? 1 < 0.75, "\(fastShare)")
        #expect(fastShare.last ?? 0 > 0.85, "\(fastShare)")
        #expect(fastShare.last ?? 0 > fastShare.first ?? 1)
    }
}

/// RFC 6356 goal 2 on a shared drop-tail bottleneck (``CoupledBottleneckSimulation``): a single-path
/// NewReno flow and a two-path connection whose paths both cross the same 12 Mbit/s link.
@Suite("Coupled congestion control: a shared bottleneck")
struct CoupledSharedBottleneckTests {
    static func shares(_ algorithm: CoupledFairnessTests.Algorithm, rtt: Int64 = 40,
                       buffer: Double = 60_000) -> (single: Double, multipath: Double) {
        let group = CoupledPathGroup()
        var simulation = CoupledBottleneckSimulation([NewReno(), algorithm.make(group), algorithm.make(group)],
                                                     baseRTT: .milliseconds(rtt), rate: 1_500_000, buffer: buffer)
        simulation.run(until: ms(120_000), measureFrom: ms(20_000))
        let delivered = simulation.delivered.map(Double.init)
        return (delivered[0], delivered[1] + delivered[2])
    }

    /// Two uncoupled NewReno paths take about twice the single flow's bytes. Coupled, the connection takes
    /// far less: about 1.2 to 1.5 times the single flow's share on this model (drop-tail overflows often
    /// hit one path of the pair and the single flow in the same round trip, and halving one path is a
    /// smaller cut than halving the single flow), never less than a fair share.
    @Test(arguments: [CoupledFairnessTests.Algorithm.lia, .olia], [(Int64(40), 60_000.0), (80, 150_000)])
    func aCoupledConnectionTakesFarLessThanTwoFlows(algorithm: CoupledFairnessTests.Algorithm,
                                                    link: (rtt: Int64, buffer: Double)) {
        let uncoupled = Self.shares(.newReno, rtt: link.rtt, buffer: link.buffer)
        let coupled = Self.shares(algorithm, rtt: link.rtt, buffer: link.buffer)
        let uncoupledRatio = uncoupled.multipath / uncoupled.single
        let coupledRatio = coupled.multipath / coupled.single
        #expect(uncoupledRatio > 1.8, "uncoupled/single = \(uncoupledRatio)")
        #expect(coupledRatio > 0.9 && coupledRatio < 1.6, "coupled/single = \(coupledRatio)")
        // The link stays busy: together the flows deliver at least 90% of its capacity over 100 s.
        #expect(coupled.single + coupled.multipath > 0.9 * 1_500_000 * 100)
    }
}
