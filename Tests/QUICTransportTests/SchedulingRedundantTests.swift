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
}
