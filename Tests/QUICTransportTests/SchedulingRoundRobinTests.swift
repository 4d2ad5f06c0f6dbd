import QUICTestSupport
import QUICTransport
import QUICWire
import Testing

@Suite("Round-robin scheduler")
struct SchedulingRoundRobinTests {
    @Test func takesPathsInTurnAndSharesEqually() {
        var scheduler = RoundRobinScheduler()
        let paths = [snapshot(7, rtt: 10), snapshot(2, rtt: 90), snapshot(4, rtt: 30)]
        var counts: [PathID: Int] = [:]
        var order: [PathID] = []
        for _ in 0..<300 {
            guard case .send(let chosen) = scheduler.choosePaths(for: packet, paths: paths, now: 0) else {
                Issue.record("round robin waited with room on every path")
                return
            }
            #expect(chosen.count == 1)
            counts[chosen[0], default: 0] += 1
            if order.count < 6 { order.append(chosen[0]) }
        }
        #expect(order == [2, 4, 7, 2, 4, 7])
        #expect(counts == [2: 100, 4: 100, 7: 100])
    }

    @Test func skipsAPathWithoutRoomAndResumesTheRotation() {
        var scheduler = RoundRobinScheduler()
        var paths = SimulatedPaths(paths: [
            snapshot(0, rtt: 10), snapshot(1, rtt: 10, cwnd: 1_200), snapshot(2, rtt: 10),
        ])
        var order: [PathID] = []
        for _ in 0..<5 {
            guard case .send(let chosen) = scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) else { break }
            order.append(chosen[0])
            paths.send(1200, on: chosen[0])
        }
        #expect(order == [0, 1, 2, 0, 2])
        paths.acknowledgeAll(on: 1)
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [0]))
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [1]))
    }

    @Test func fairAmongPathsThatKeepRoomOverARandomSequence() {
        // Random acknowledgment order; every path has the same window, so each gets about the same share.
        var random = SplitMix64(seed: 11)
        var scheduler = RoundRobinScheduler()
        var paths = SimulatedPaths(paths: (0..<4).map { snapshot(PathID($0), rtt: 10, cwnd: 12_000) })
        var counts: [PathID: Int] = [:]
        for _ in 0..<2_000 {
            if case .send(let chosen) = scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) {
                counts[chosen[0], default: 0] += 1
                paths.send(1200, on: chosen[0])
            }
            if random.int(0...2) == 0 { paths.acknowledgeAll(on: PathID(random.int(0...3))) }
        }
        let values = counts.values
        let mean = values.reduce(0, +) / 4
        #expect(counts.count == 4)
        #expect(mean > 400)
        // Windows fill at different moments, so a path is sometimes skipped; the shares stay within 5 %.
        #expect((values.max() ?? 0) - (values.min() ?? 0) <= mean / 20)
    }

    @Test func backupsOnlyWhenNoAvailablePathCanSend() {
        var scheduler = RoundRobinScheduler()
        var paths = [snapshot(0, rtt: 10), snapshot(1, rtt: 10, status: .backup), snapshot(2, rtt: 10)]
        for expected: PathID in [0, 2, 0, 2] {
            #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [expected]))
        }
        paths[0].bytesInFlight = paths[0].congestionWindow
        paths[2].status = .abandoned
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [1]))
    }
}
