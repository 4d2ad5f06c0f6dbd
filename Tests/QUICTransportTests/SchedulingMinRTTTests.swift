import QUICTransport
import QUICWire
import Testing

@Suite("Minimum-RTT scheduler")
struct SchedulingMinRTTTests {
    @Test func choosesTheLowestRTTAvailablePath() {
        var scheduler = MinRTTScheduler()
        let paths = [snapshot(0, rtt: 40), snapshot(1, rtt: 15), snapshot(2, rtt: 25)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [1]))
        let urgent = SendIntent(kind: .latencySensitive, size: 200)
        #expect(scheduler.choosePaths(for: urgent, paths: paths, now: 0) == .send(on: [1]))
    }

    @Test func tiesGoToTheLowerPathID() {
        var scheduler = MinRTTScheduler()
        let paths = [snapshot(3, rtt: 10), snapshot(1, rtt: 10), snapshot(2, rtt: 10)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [1]))
    }

    @Test func spillsOverToTheNextFastestPathWhenTheWindowIsFull() {
        var scheduler = MinRTTScheduler()
        var paths = SimulatedPaths(paths: [snapshot(0, rtt: 40, cwnd: 6_000), snapshot(1, rtt: 15, cwnd: 3_600)])
        var order: [PathID] = []
        while case .send(let chosen) = scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) {
            order.append(chosen[0])
            paths.send(1200, on: chosen[0])
        }
        // Three packets fill path 1, then path 0 takes five, then everything waits.
        #expect(order == [1, 1, 1, 0, 0, 0, 0, 0])
        paths.acknowledgeAll(on: 1)
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [1]))
    }

    @Test func backupPathsOnlyWhenNoAvailablePathCanSend() {
        var scheduler = MinRTTScheduler()
        var paths = SimulatedPaths(paths: [
            snapshot(0, rtt: 80, cwnd: 2_400), snapshot(1, rtt: 5, status: .backup),
            snapshot(2, rtt: 10, status: .abandoned),
        ])
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [0]))
        paths.send(2_400, on: 0)
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [1]))
        paths[0].status = .abandoned
        paths.acknowledgeAll(on: 0)
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [1]))
    }

    @Test func unvalidatedAndLongPacedPathsAreSkipped() {
        var scheduler = MinRTTScheduler()
        var fast = snapshot(1, rtt: 5)
        fast.pacingBudget = 1_000
        // The pacer holds path 1 for 40 ms: 40 + 2.5 ms one way is later than path 0's 25 ms one way.
        fast.pacingDelay = milliseconds(40)
        let paths = [snapshot(0, rtt: 50), fast, snapshot(2, rtt: 1, status: .validating, validated: false)]
        #expect(scheduler.choosePaths(for: SendIntent(kind: .latencySensitive, size: 1200), paths: paths, now: 0)
            == .send(on: [0]))
        let small = SendIntent(size: 900)
        #expect(scheduler.choosePaths(for: small, paths: paths, now: 0) == .send(on: [1]))
    }

    @Test func waitsForTheFastPathsPacerWhenWaitingDeliversSooner() {
        var scheduler = MinRTTScheduler()
        var fast = snapshot(1, rtt: 50)
        fast.pacingBudget = 0
        fast.pacingDelay = milliseconds(2)
        // 2 ms + 25 ms one way beats a packet sent now on the 300 ms path (150 ms one way).
        let paths = [snapshot(0, rtt: 300), fast]
        let reply = SendIntent(kind: .latencySensitive, size: 1200)
        #expect(scheduler.choosePaths(for: reply, paths: paths, now: 0) == .wait)
        // Bulk data spills over to aggregate the paths' capacity.
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [0]))
        // Against a path only a little slower, waiting loses: 2 + 25 > 26 ms.
        #expect(scheduler.choosePaths(for: reply, paths: [snapshot(0, rtt: 52), fast], now: 0) == .send(on: [0]))
        // A full window is not pacing: the packet spills over to the slow path as before.
        var full = fast
        full.bytesInFlight = full.congestionWindow
        #expect(scheduler.choosePaths(for: reply, paths: [snapshot(0, rtt: 300), full], now: 0) == .send(on: [0]))
    }

    @Test func aPacedAvailablePathIsWaitedForRatherThanABackup() {
        var scheduler = MinRTTScheduler()
        var available = snapshot(1, rtt: 80)
        available.pacingBudget = 0
        available.pacingDelay = milliseconds(30)
        let paths = [snapshot(0, rtt: 10, status: .backup), available]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .wait)
        available.pacingBudget = .max
        available.pacingDelay = 0
        #expect(scheduler.choosePaths(for: packet, paths: [paths[0], available], now: 0) == .send(on: [1]))
    }
}
