import QUICTransport
import QUICWire
import Testing

@Suite("Path manager: standbys and takeover")
struct PathManagerStandbyTests {
    typealias F = PathManagerFixture

    /// wifi on path 0 (available) and lte on path 1 (backup), both validated at time 0, events drained.
    private func primaryAndStandby(extra: [LocalPathEndpoint] = []) -> PathManager {
        var manager = F.manager([F.wifi, F.lte] + extra)
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.start(now: 0)
        #expect(manager.openAndValidate(1, F.lte, now: 0) == [.setStatus(1, .backup)])
        _ = manager.drainEvents()
        return manager
    }

    @Test func theStandbyTakesOverWhenTheLastAvailablePathFailsAndHandsBackWhenItReturns() {
        var manager = self.primaryAndStandby()
        let now = 500 * F.millisecond
        let failed = [F.snapshot(0, ptos: 2), F.snapshot(1, rtt: 60 * F.millisecond)]
        #expect(manager.evaluate(paths: failed, now: now)
            == [.abandon(0, errorCode: F.unstable), .setStatus(1, .available)])
        #expect(manager.drainEvents() == [
            .failed(0, reason: .probeTimeouts(count: 2)), .reopenScheduled(local: F.wifi, at: now + F.second),
            .becamePrimary(1), .statusChanged(1, .available),
        ])
        #expect(manager.statistics(for: 1)?.status == .available)
        #expect(manager.evaluate(paths: failed, now: now).isEmpty)
        // A promoted standby carries traffic: it is not probed as a standby.
        #expect(manager.evaluate(paths: [], now: 10 * F.second) == [.open(local: F.wifi)])
        manager.pathOpened(2, local: F.wifi, now: 10 * F.second)
        #expect(manager.evaluate(paths: [], now: 10 * F.second).isEmpty, "not before the new path is validated")
        manager.onPacketSent(1, bytes: 1200, ackEliciting: true, now: 10_500 * F.millisecond)
        manager.onAckReceived(1, now: 10_560 * F.millisecond)
        manager.pathValidated(2, now: 11 * F.second)
        #expect(manager.evaluate(paths: [], now: 11 * F.second) == [.setStatus(1, .backup)])
        #expect(manager.drainEvents() == [
            .opened(2, label: "wifi"), .validated(2), .becamePrimary(2), .statusChanged(1, .backup),
        ])
    }

    @Test func noTakeoverWhileAnotherAvailablePathRemains() {
        var manager = self.primaryAndStandby(extra: [F.dsl])
        #expect(manager.openAndValidate(2, F.dsl, now: 0).isEmpty)
        #expect(manager.evaluate(paths: [F.snapshot(0, ptos: 9)], now: 1) == [.abandon(0, errorCode: F.unstable)])
        #expect(!manager.drainEvents().contains(.becamePrimary(1)))
        #expect(manager.statistics(for: 1)?.status == .backup)
    }

    @Test func theFastestUsableStandbyTakesOver() {
        var manager = F.manager([F.wifi, F.satellite, F.lte])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        #expect(manager.start(now: 0) == [.open(local: F.satellite), .open(local: F.lte)])
        #expect(manager.openAndValidate(1, F.satellite, now: 0) == [.setStatus(1, .backup)])
        #expect(manager.openAndValidate(2, F.lte, now: 0) == [.setStatus(2, .backup)])
        let snapshots = [
            F.snapshot(0, ptos: 2), F.snapshot(1, rtt: 600 * F.millisecond), F.snapshot(2, rtt: 70 * F.millisecond),
        ]
        #expect(manager.evaluate(paths: snapshots, now: 1)
            == [.abandon(0, errorCode: F.unstable), .setStatus(2, .available)])
        // When the promoted standby fails too, the next one takes over.
        let second = [F.snapshot(1, rtt: 600 * F.millisecond), F.snapshot(2, ptos: 2)]
        #expect(manager.evaluate(paths: second, now: 2)
            == [.abandon(2, errorCode: F.unstable), .setStatus(1, .available)])
        #expect(manager.drainEvents().filter { if case .becamePrimary = $0 { true } else { false } }
            == [.becamePrimary(2), .becamePrimary(1)])
    }

    @Test func aFailedPrimaryIsKeptUntilTheStandbyIsValidatedThenHandsOver() {
        var manager = F.manager([F.wifi, F.lte])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.start(now: 0)
        manager.pathOpened(1, local: F.lte, now: 0)
        #expect(manager.evaluate(paths: [], now: 0) == [.setStatus(1, .backup)])
        _ = manager.drainEvents()
        #expect(manager.evaluate(paths: [F.snapshot(0, ptos: 2)], now: 1).isEmpty, "a standby still validating")
        #expect(manager.drainEvents() == [.failed(0, reason: .probeTimeouts(count: 2))])
        #expect(manager.alivePaths == [0, 1])
        manager.pathValidated(1, now: 2)
        #expect(manager.evaluate(paths: [F.snapshot(0, ptos: 3)], now: 2)
            == [.abandon(0, errorCode: F.unstable), .setStatus(1, .available)])
        #expect(manager.drainEvents() == [
            .validated(1), .reopenScheduled(local: F.wifi, at: 2 + F.second), .becamePrimary(1),
            .statusChanged(1, .available),
        ], "failed is reported once")
    }

    @Test func aValidatedStandbyIsProbedAtTheConfiguredCadence() {
        var manager = self.primaryAndStandby()
        let second = F.second
        #expect(manager.nextTimeout() == second)
        #expect(manager.evaluate(paths: [], now: second - 1).isEmpty)
        #expect(manager.evaluate(paths: [], now: second) == [.probe(1)])
        #expect(manager.evaluate(paths: [], now: second).isEmpty, "one probe per interval")
        #expect(manager.nextTimeout() == 2 * second, "even when the engine has not sent it yet")
        manager.onPacketSent(1, bytes: 30, ackEliciting: true, now: second + 1)
        manager.onAckReceived(1, now: second + 40 * F.millisecond)
        #expect(manager.nextTimeout() == 2 * second + 1)
        #expect(manager.evaluate(paths: [], now: 2 * second).isEmpty)
        #expect(manager.evaluate(paths: [], now: 2 * second + 1) == [.probe(1)])
        // Real traffic on the standby keeps it warm without probes; ACK-only packets do not.
        manager.onPacketSent(1, bytes: 30, ackEliciting: true, now: 2 * second + 10)
        manager.onAckReceived(1, now: 2 * second + 20)
        manager.onPacketSent(1, bytes: 30, ackEliciting: false, now: 2 * second + 500 * F.millisecond)
        #expect(manager.evaluate(paths: [], now: 3 * second + 9).isEmpty)
        #expect(manager.evaluate(paths: [], now: 3 * second + 10) == [.probe(1)])
    }

    @Test func aStandbyWhoseProbesGoUnansweredFailsAndIsNeverProbedAgain() {
        var manager = self.primaryAndStandby()
        #expect(manager.evaluate(paths: [], now: F.second) == [.probe(1)])
        manager.onPacketSent(1, bytes: 30, ackEliciting: true, now: F.second)
        let silent = [F.snapshot(1, rtt: 30 * F.millisecond, inFlight: 30)]
        #expect(manager.evaluate(paths: silent, now: F.second + 120 * F.millisecond)
            == [.abandon(1, errorCode: F.unstable)])
        #expect(manager.statistics(for: 1)?.status == .abandoned)
        for step in UInt64(2)...UInt64(12) {
            let actions = manager.evaluate(paths: silent, now: step * F.second)
            #expect(!actions.contains(.probe(1)))
        }
    }

    @Test func aStandbyStillValidatingIsNotProbed() {
        var manager = F.manager([F.wifi, F.lte])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.start(now: 0)
        manager.pathOpened(1, local: F.lte, now: 0)
        #expect(manager.evaluate(paths: [], now: 0) == [.setStatus(1, .backup)])
        #expect(manager.evaluate(paths: [], now: 5 * F.second).isEmpty)
        #expect(manager.nextTimeout() == nil)
    }
}
