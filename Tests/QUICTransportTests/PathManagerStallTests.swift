import QUICTransport
import QUICWire
import Testing

/// A peer (or host) that stops for a while silences every path at once: no path is to blame, and none may be
/// abandoned for it; a path is given up only when another one shows life after it fell silent.
@Suite("Path manager: a stalled peer is not a failed path")
struct PathManagerStallTests {
    typealias F = PathManagerFixture

    private func twoBusyPaths(until time: UInt64) -> PathManager {
        var manager = F.manager([F.wifi, F.dsl])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.start(now: 0)
        _ = manager.openAndValidate(1, F.dsl, now: 0)
        _ = manager.drainEvents()
        // Both paths carry a download: packets arrive on both, their acknowledgments too.
        var now: UInt64 = 0
        while now < time {
            for path: PathID in [0, 1] {
                manager.onPacketReceived(path, bytes: 1_400, now: now)
                manager.onPacketSent(path, bytes: 50, ackEliciting: true, now: now)
                manager.onAckReceived(path, now: now + F.millisecond)
            }
            now += 5 * F.millisecond
        }
        return manager
    }

    @Test("both paths silent together, one past its silence window: neither is abandoned")
    func peerStallAbandonsNothing() {
        let start = F.second
        var manager = self.twoBusyPaths(until: start)
        // The peer stops. The flow-control update sent on path 0 goes unanswered; path 1 sends nothing
        // ack-eliciting until 60 ms later, so 120 ms into the stall path 0 is past its 100 ms window and path 1 is
        // not: path 1 looks healthy, but nothing arrived on it since path 0 fell silent.
        manager.onPacketSent(0, bytes: 50, ackEliciting: true, now: start)
        manager.onPacketSent(1, bytes: 50, ackEliciting: true, now: start + 60 * F.millisecond)
        let snapshots = [F.snapshot(0, rtt: 2 * F.millisecond, inFlight: 50),
                         F.snapshot(1, rtt: 2 * F.millisecond, inFlight: 50)]
        #expect(manager.evaluate(paths: snapshots, now: start + 120 * F.millisecond).isEmpty)
        #expect(manager.drainEvents() == [.failed(0, reason: .silence(duration: 120 * F.millisecond))])
        #expect(manager.alivePaths == [0, 1])
        // The peer is back: path 1 delivers again, path 0 too; nothing was lost.
        manager.onPacketReceived(1, bytes: 1_400, now: start + 151 * F.millisecond)
        manager.onAckReceived(1, now: start + 151 * F.millisecond)
        manager.onPacketReceived(0, bytes: 1_400, now: start + 151 * F.millisecond)
        manager.onAckReceived(0, now: start + 151 * F.millisecond)
        let healthy = [F.snapshot(0, rtt: 2 * F.millisecond), F.snapshot(1, rtt: 2 * F.millisecond)]
        #expect(manager.evaluate(paths: healthy, now: start + 152 * F.millisecond).isEmpty)
        #expect(manager.alivePaths == [0, 1])
    }

    @Test("one path silent while the other keeps delivering: the silent one is abandoned once it passes its window")
    func deadPathBesideALiveOne() {
        let start = F.second
        var manager = self.twoBusyPaths(until: start)
        manager.onPacketSent(0, bytes: 50, ackEliciting: true, now: start)
        var now = start
        while now < start + 150 * F.millisecond {
            now += 5 * F.millisecond
            manager.onPacketReceived(1, bytes: 1_400, now: now)
        }
        let snapshots = [F.snapshot(0, rtt: 2 * F.millisecond, inFlight: 50), F.snapshot(1, rtt: 2 * F.millisecond)]
        #expect(manager.evaluate(paths: snapshots, now: now) == [.abandon(0, errorCode: F.unstable)])
        #expect(manager.alivePaths == [1])
    }
}
