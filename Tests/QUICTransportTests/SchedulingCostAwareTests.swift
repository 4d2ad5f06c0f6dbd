import QUICTestSupport
import QUICTransport
import QUICWire
import Testing

@Suite("Cost-aware scheduler")
struct SchedulingCostAwareTests {
    static let cellular = PathCost.metered(costPerByte: 2)
    static let satellite = PathCost.metered(costPerByte: 5)

    @Test func freePathsFirstEvenWhenAMeteredPathIsFaster() {
        var scheduler = CostAwareScheduler(targetRate: 0, meteredBudget: 1_000_000)
        let paths = [snapshot(0, rtt: 80, label: "dsl"), snapshot(1, rtt: 10, cost: Self.cellular, label: "lte")]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [0]))
    }

    @Test func noTargetRateMeansWaitingForTheFreePathRatherThanPaying() {
        var scheduler = CostAwareScheduler(targetRate: 0, meteredBudget: 1_000_000)
        let paths = [snapshot(0, rtt: 80, cwnd: 12_000, inFlight: 12_000), snapshot(1, rtt: 10, cost: Self.cellular)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .wait)
    }

    @Test func meteredPathOnlyWhenTheFreeCapacityFallsShortOfTheTarget() {
        // Free path: 12,000 bytes per 100 ms = 120,000 bytes/s.
        let full = [snapshot(0, rtt: 100, cwnd: 12_000, inFlight: 12_000), snapshot(1, rtt: 30, cost: Self.cellular)]
        var enough = CostAwareScheduler(targetRate: 100_000, meteredBudget: 1_000_000)
        #expect(enough.freeCapacity(paths: full) == 120_000)
        #expect(enough.choosePaths(for: packet, paths: full, now: 0) == .wait)
        var short = CostAwareScheduler(targetRate: 200_000, meteredBudget: 1_000_000)
        #expect(short.choosePaths(for: packet, paths: full, now: 0) == .send(on: [1]))
        // Even when needed, free paths with room go first.
        let room = [snapshot(0, rtt: 100, cwnd: 12_000), snapshot(1, rtt: 30, cost: Self.cellular)]
        #expect(short.choosePaths(for: packet, paths: room, now: 0) == .send(on: [0]))
    }

    @Test("a free path in probe timeout neither counts as capacity nor keeps the metered path idle")
    func deadFreePathHandsOverToTheMeteredPath() {
        // The free path's window is full of packets that go unanswered (PTO): without a target rate the metered path
        // still takes over, within budget, since nothing else delivers.
        let dead = [snapshot(0, rtt: 100, cwnd: 12_000, inFlight: 12_000, ptos: 2), snapshot(1, rtt: 30, cost: Self.cellular)]
        var scheduler = CostAwareScheduler(targetRate: 0, meteredBudget: 1_000_000)
        #expect(scheduler.freeCapacity(paths: dead) == 0)
        #expect(scheduler.choosePaths(for: packet, paths: dead, now: 0) == .send(on: [1]))
        var spent = CostAwareScheduler(targetRate: 0, meteredBudget: 1_000)
        #expect(spent.choosePaths(for: packet, paths: dead, now: 0) == .wait)
        // A healthy but busy free path still makes it wait (the no-target rule above).
        let busy = [snapshot(0, rtt: 100, cwnd: 12_000, inFlight: 12_000), snapshot(1, rtt: 30, cost: Self.cellular)]
        #expect(scheduler.choosePaths(for: packet, paths: busy, now: 0) == .wait)
    }

    @Test func cheapestMeteredPathWins() {
        var scheduler = CostAwareScheduler(targetRate: 1_000_000_000, meteredBudget: 1_000_000)
        let paths = [snapshot(0, rtt: 10, cwnd: 0), snapshot(1, rtt: 5, cost: Self.satellite),
                     snapshot(2, rtt: 50, cost: Self.cellular), snapshot(3, rtt: 40, cost: Self.cellular)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [3]))
    }

    @Test func deadlineThatNoFreePathMeetsUsesAMeteredPath() {
        var scheduler = CostAwareScheduler(targetRate: 0, meteredBudget: 1_000_000)
        let paths = [snapshot(0, rtt: 600, label: "satellite"), snapshot(1, rtt: 40, cost: Self.cellular)]
        let now = milliseconds(1_000)
        // Free path delivers in ~300 ms; metered in ~20 ms.
        let relaxed = SendIntent(kind: .latencySensitive, size: 1200, deadline: now + milliseconds(400))
        #expect(scheduler.choosePaths(for: relaxed, paths: paths, now: now) == .send(on: [0]))
        let tight = SendIntent(kind: .latencySensitive, size: 1200, deadline: now + milliseconds(100))
        #expect(scheduler.choosePaths(for: tight, paths: paths, now: now) == .send(on: [1]))
        // A deadline nobody can meet is not worth paying for.
        let impossible = SendIntent(kind: .latencySensitive, size: 1200, deadline: now + milliseconds(5))
        #expect(scheduler.choosePaths(for: impossible, paths: paths, now: now) == .send(on: [0]))
    }

    @Test func exhaustedBudgetStopsMeteredUseIncludingPinnedAndRedundant() {
        var scheduler = CostAwareScheduler(targetRate: 1_000_000_000, meteredBudget: 3_000)
        let paths = [snapshot(0, rtt: 10, cwnd: 0), snapshot(1, rtt: 20, cost: Self.cellular)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [1]))
        scheduler.onPacketSent(on: paths[1], bytes: 1200, packetClass: .streamData, now: 0)
        scheduler.onPacketSent(on: paths[0], bytes: 5000, packetClass: .control, now: 0)
        #expect(scheduler.meteredBytesSent == 1200)
        scheduler.onPacketSent(on: paths[1], bytes: 1200, packetClass: .streamData, now: 0)
        #expect(scheduler.remainingBudget == 600)
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .wait)
        #expect(scheduler.choosePaths(for: SendIntent(kind: .pinned(1), size: 1200), paths: paths, now: 0) == .wait)
        #expect(scheduler.choosePaths(for: SendIntent(kind: .redundant, size: 1200), paths: paths, now: 0) == .wait)
        #expect(scheduler.choosePaths(for: SendIntent(size: 600), paths: paths, now: 0) == .send(on: [1]))
    }

    @Test func redundantCopiesOnMeteredPathsOnlyWhileTheBudgetCoversThem() {
        var scheduler = CostAwareScheduler(targetRate: 0, meteredBudget: 2_500)
        let paths = [snapshot(0, rtt: 10), snapshot(1, rtt: 20, cost: Self.cellular),
                     snapshot(2, rtt: 30, cost: Self.satellite)]
        let intent = SendIntent(kind: .redundant, size: 1200)
        #expect(scheduler.choosePaths(for: intent, paths: paths, now: 0) == .send(on: [0, 1, 2]))
        scheduler.onPacketSent(on: paths[1], bytes: 1200, packetClass: .streamData, now: 0)
        #expect(scheduler.choosePaths(for: intent, paths: paths, now: 0) == .send(on: [0, 1]))
        scheduler.onPacketSent(on: paths[1], bytes: 1200, packetClass: .streamData, now: 0)
        #expect(scheduler.choosePaths(for: intent, paths: paths, now: 0) == .send(on: [0]))
    }

    /// A long run of random intents against paths whose windows fill and drain: the metered byte count never
    /// goes over the budget, the metered path is actually used, and the free path carries traffic throughout.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func budgetIsNeverExceededOverASimulatedSequence(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let budget: UInt64 = 50_000
        var scheduler = CostAwareScheduler(targetRate: 400_000, meteredBudget: budget)
        var paths = SimulatedPaths(paths: [
            snapshot(0, rtt: 50, cwnd: 12_000, label: "wifi"),
            snapshot(1, rtt: 30, cwnd: 24_000, cost: Self.cellular, label: "lte"),
            snapshot(2, rtt: 200, cwnd: 60_000, cost: Self.satellite, label: "satellite"),
        ])
        var now: UInt64 = 0
        var sentPerPath: [PathID: UInt64] = [:]
        for _ in 0..<3_000 {
            let size = random.int(50...1_400)
            let kind: SendIntent.Kind
            switch random.int(0...9) {
            case 0: kind = .redundant
            case 1: kind = .pinned(PathID(random.int(0...2)))
            case 2: kind = .latencySensitive
            default: kind = .bulk
            }
            let deadline = random.int(0...4) == 0 ? now + milliseconds(UInt64(random.int(10...300))) : nil
            let intent = SendIntent(kind: kind, size: size, deadline: deadline)
            if case .send(let chosen) = scheduler.choosePaths(for: intent, paths: paths.paths, now: now) {
                for id in chosen {
                    // The engine may fill the packet less than the intent's size, never more.
                    let bytes = random.int(1...size)
                    scheduler.onPacketSent(on: paths[id], bytes: bytes, packetClass: intent.packetClass, now: now)
                    paths.send(bytes, on: id)
                    sentPerPath[id, default: 0] += UInt64(bytes)
                }
            }
            #expect(scheduler.meteredBytesSent <= budget)
            now += milliseconds(1)
            if random.int(0...3) == 0 { paths.acknowledgeAll(on: PathID(random.int(0...2))) }
        }
        let metered = sentPerPath[1, default: 0] + sentPerPath[2, default: 0]
        #expect(metered == scheduler.meteredBytesSent)
        #expect(metered <= budget)
        #expect(metered > budget / 2)
        #expect(sentPerPath[0, default: 0] > 0)
    }
}

@Suite("Built-in scheduler wrapper")
struct SchedulingBuiltInTests {
    @Test func hooksReachTheWrappedScheduler() {
        let options = SchedulerOptions(targetRate: 1_000_000_000, meteredBudget: 2_000)
        var scheduler = SchedulerKind.costAware.makeScheduler(options: options)
        let paths = [snapshot(0, rtt: 10, cwnd: 0), snapshot(1, rtt: 20, cost: .metered(costPerByte: 1))]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [1]))
        scheduler.onPacketSent(on: paths[1], bytes: 1200, packetClass: .streamData, now: 0)
        scheduler.onAcked(on: paths[1], bytes: 1200, now: 1)
        scheduler.onLost(on: paths[1], bytes: 1200, now: 1)
        // The budget counted the send: another full packet would exceed it.
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 1) == .wait)
        guard case .costAware(let inner) = scheduler else {
            Issue.record("factory built \(scheduler.kind) instead of costAware")
            return
        }
        #expect(inner.meteredBytesSent == 1200)
    }

    @Test func roundRobinStateSurvivesTheWrapper() {
        var scheduler = SchedulerKind.roundRobin.makeScheduler()
        let paths = [snapshot(0, rtt: 10), snapshot(1, rtt: 10)]
        var order: [PathID] = []
        for _ in 0..<4 {
            scheduler.onAcked(on: paths[0], bytes: 1, now: 0)
            order.append(scheduler.choosePaths(for: packet, paths: paths, now: 0).primaryPath ?? 99)
        }
        #expect(order == [0, 1, 0, 1])
    }
}
