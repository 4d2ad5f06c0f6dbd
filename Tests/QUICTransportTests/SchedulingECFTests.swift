import QUICTransport
import QUICWire
import Testing

@Suite("Earliest-completion-first scheduler")
struct SchedulingECFTests {
    /// `bytes` of stream data queued, this packet included.
    func queued(_ bytes: Int, kind: SendIntent.Kind = .bulk) -> SendIntent {
        SendIntent(kind: kind, size: 1200, queuedBytes: bytes)
    }

    /// Sends until the scheduler waits, taking each packet off the queue and telling the scheduler; returns the
    /// paths in order.
    func drain(_ scheduler: inout ECFScheduler, _ paths: inout SimulatedPaths, queue: Int, now: UInt64 = 0)
        -> [PathID] {
        var order: [PathID] = []
        var left = queue
        while left > 0, case .send(let chosen) = scheduler.choosePaths(for: self.queued(left), paths: paths.paths,
                                                                       now: now) {
            order.append(chosen[0])
            scheduler.onPacketSent(on: paths[chosen[0]], bytes: 1200, packetClass: .streamData, now: now)
            paths.send(1200, on: chosen[0])
            left -= 1200
        }
        return order
    }

    @Test("with little queued, the tail waits for the fast path instead of spilling onto the slow one")
    func tailWaitsForTheFastPath() {
        var scheduler = ECFScheduler()
        // Fast: 20 ms, a window of ten packets. Slow: 100 ms (one way 50 ms + 25 ms variation).
        var paths = SimulatedPaths(paths: [snapshot(0, rtt: 100), snapshot(1, rtt: 20, cwnd: 12_000)])
        // 20 packets queued: once the fast window is full, the ten left go through it one RTT later (20 ms + 10 ms one
        // way) before a packet on the slow path could arrive (75 ms), so the scheduler waits.
        #expect(self.drain(&scheduler, &paths, queue: 24_000) == Array(repeating: 1, count: 10))
        // MinRTT sends the rest on the slow path at once.
        var minRTT = MinRTTScheduler()
        #expect(minRTT.choosePaths(for: self.queued(12_000), paths: paths.paths, now: 0) == .send(on: [0]))
    }

    @Test("with much queued, the slow path is used as well: a long transfer aggregates both")
    func longQueueUsesBothPaths() {
        var scheduler = ECFScheduler()
        var paths = SimulatedPaths(paths: [snapshot(0, rtt: 100, cwnd: 6_000), snapshot(1, rtt: 20, cwnd: 12_000)])
        let order = self.drain(&scheduler, &paths, queue: 1_000_000)
        // The fast window first, then the slow one: draining 1 MB through the fast path alone takes ~1.7 s.
        #expect(order == Array(repeating: 1, count: 10) + Array(repeating: 0, count: 5))
        paths.acknowledgeAll(on: 1)
        #expect(scheduler.choosePaths(for: self.queued(900_000), paths: paths.paths, now: 0) == .send(on: [1]))
    }

    @Test("a path whose last RTT sample jumped is no longer treated as the fast one")
    func latestSampleDemotesAPath() {
        var scheduler = ECFScheduler()
        var congested = snapshot(0, rtt: 20)
        congested.latestRTT = milliseconds(300)
        let paths = [congested, snapshot(1, rtt: 60)]
        #expect(scheduler.choosePaths(for: self.queued(50_000), paths: paths, now: 0) == .send(on: [1]))
        // MinRTT goes by the smoothed RTT alone.
        var minRTT = MinRTTScheduler()
        #expect(minRTT.choosePaths(for: self.queued(50_000), paths: paths, now: 0) == .send(on: [0]))
    }

    @Test("it does not wait for a fast path that went silent, nor without a queue size")
    func noWaitForSilentPathsOrUnknownQueues() {
        var scheduler = ECFScheduler()
        let full = snapshot(1, rtt: 20, cwnd: 12_000, inFlight: 12_000)
        let silent = snapshot(1, rtt: 20, cwnd: 12_000, inFlight: 12_000, ptos: 1)
        let slow = snapshot(0, rtt: 100)
        #expect(scheduler.choosePaths(for: self.queued(2_400), paths: [slow, full], now: 0) == .wait)
        #expect(scheduler.choosePaths(for: self.queued(2_400), paths: [slow, silent], now: 0) == .send(on: [0]))
        // A datagram has no queue size: it goes on the fastest path with room, as MinRTT would send it.
        let datagram = SendIntent(kind: .bulk, packetClass: .datagram, size: 1200)
        #expect(scheduler.choosePaths(for: datagram, paths: [slow, full], now: 0) == .send(on: [0]))
    }

    @Test("the fast path's pacing delay counts in its estimate")
    func pacingDelayCounts() {
        var scheduler = ECFScheduler()
        var paced = snapshot(1, rtt: 20, cwnd: 12_000, inFlight: 12_000)
        let slow = snapshot(0, rtt: 100)
        #expect(scheduler.choosePaths(for: self.queued(2_400), paths: [slow, paced], now: 0) == .wait)
        // Held 80 ms by its pacer, the fast path would deliver after the slow one (75 ms).
        paced.pacingDelay = milliseconds(80)
        #expect(scheduler.choosePaths(for: self.queued(2_400), paths: [slow, paced], now: 0) == .send(on: [0]))
    }

    @Test("pinned and redundant intents follow the common rules; backup paths only when no available one answers")
    func commonRules() {
        var scheduler = ECFScheduler()
        var paths = SimulatedPaths(paths: [snapshot(0, rtt: 30), snapshot(1, rtt: 10), snapshot(2, rtt: 5,
                                                                                               status: .backup)])
        #expect(scheduler.choosePaths(for: SendIntent(kind: .pinned(0), size: 1200), paths: paths.paths, now: 0)
            == .send(on: [0]))
        #expect(scheduler.choosePaths(for: SendIntent(kind: .redundant, size: 1200), paths: paths.paths, now: 0)
            == .send(on: [0, 1]))
        #expect(scheduler.choosePaths(for: self.queued(1200), paths: paths.paths, now: 0) == .send(on: [1]))
        // Available paths with full windows: the backup stays out of it (MinRTT would spill onto it).
        paths.send(100_000, on: 0)
        paths.send(100_000, on: 1)
        #expect(scheduler.choosePaths(for: self.queued(1200), paths: paths.paths, now: 0) == .wait)
        var minRTT = MinRTTScheduler()
        #expect(minRTT.choosePaths(for: self.queued(1200), paths: paths.paths, now: 0) == .send(on: [2]))
        // Once neither answers (a probe timeout each), the backup carries the data.
        paths[0].consecutivePTOs = 1
        paths[1].consecutivePTOs = 1
        #expect(scheduler.choosePaths(for: self.queued(1200), paths: paths.paths, now: 0) == .send(on: [2]))
        paths[0].status = .abandoned
        paths[1].status = .abandoned
        #expect(scheduler.choosePaths(for: self.queued(1200), paths: paths.paths, now: 0) == .send(on: [2]))
        #expect(SchedulerKind.ecf.makeScheduler().kind == .ecf)
    }

    @Test("a path idle for over a second restarts: the restart window until acknowledged, then growing with the acks")
    func idlePathRestarts() {
        var scheduler = ECFScheduler()
        let second: UInt64 = 1_000_000_000
        var paths = SimulatedPaths(paths: [snapshot(0, rtt: 20), snapshot(1, rtt: 100)])
        // Busy: a full window of 100 kB goes on the fast path (83 packets).
        #expect(self.drain(&scheduler, &paths, queue: 200_000) == Array(repeating: 0, count: 83))
        paths.acknowledgeAll(on: 0)
        scheduler.onAcked(on: paths[0], bytes: 99_600, now: 100_000_000)
        // Paused 0.9 s: still trusted with its whole window.
        #expect(self.drain(&scheduler, &paths, queue: 24_000, now: second * 9 / 10).count == 20)
        paths.acknowledgeAll(on: 0)
        // Paused 2 s: 14,720 bytes (12 packets) until an acknowledgment; the rest is better off waiting for it
        // (35,600 bytes through a 14,720-byte window at 20 ms: 58 ms, before the slow path's 75 ms).
        let late = second * 29 / 10
        #expect(self.drain(&scheduler, &paths, queue: 50_000, now: late) == Array(repeating: 0, count: 12))
        // The acknowledgment of those 14,400 bytes raises what may be in flight to 29,120 bytes, as slow start would.
        paths.acknowledgeAll(on: 0)
        scheduler.onAcked(on: paths[0], bytes: 14_400, now: late + 20_000_000)
        #expect(self.drain(&scheduler, &paths, queue: 35_600, now: late + 20_000_000)
            == Array(repeating: 0, count: 24))
    }
}
