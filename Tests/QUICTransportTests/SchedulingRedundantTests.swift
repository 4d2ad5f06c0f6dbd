import QUICTransport
import QUICWire
import Testing

@Suite("Redundant scheduler")
struct SchedulingRedundantTests {
    @Test func everyPacketGoesOnEveryUsablePath() {
        var scheduler = RedundantScheduler()
        let paths = [snapshot(0, rtt: 10), snapshot(1, rtt: 50), snapshot(2, rtt: 20, cwnd: 500)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [0, 1]))
        let urgent = SendIntent(kind: .latencySensitive, size: 400)
        #expect(scheduler.choosePaths(for: urgent, paths: paths, now: 0) == .send(on: [0, 1, 2]))
    }

    @Test func moreUsablePathsThanCapacityKeepsTheFirstEight() {
        var scheduler = RedundantScheduler()
        let paths = (0..<10).map { snapshot(PathID($0), rtt: 10) }
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [0, 1, 2, 3, 4, 5, 6, 7]))
    }

    @Test func theCopyForAShortlyPacedFastPathIsNotSkipped() {
        var scheduler = RedundantScheduler()
        var fast = snapshot(1, rtt: 50)
        fast.pacingBudget = 0
        fast.pacingDelay = milliseconds(1)
        // Sending now would put the packet on the 400 ms path only; the fast path's copy arrives first.
        let urgent = SendIntent(kind: .latencySensitive, size: 1200)
        #expect(scheduler.choosePaths(for: urgent, paths: [snapshot(0, rtt: 400), fast], now: 0) == .wait)
        fast.pacingBudget = .max
        fast.pacingDelay = 0
        #expect(scheduler.choosePaths(for: packet, paths: [snapshot(0, rtt: 400), fast], now: 0) == .send(on: [0, 1]))
    }
}
