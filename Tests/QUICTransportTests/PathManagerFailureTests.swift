import QUICTransport
import QUICWire
import Testing

@Suite("Path manager: failure detection and re-opening")
struct PathManagerFailureTests {
    typealias F = PathManagerFixture

    /// wifi (path 0, validated) and dsl (path 1, validated), started at time 0 with events drained.
    private func twoPaths() -> PathManager {
        var manager = F.manager([F.wifi, F.dsl])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        #expect(manager.start(now: 0) == [.open(local: F.dsl)])
        #expect(manager.openAndValidate(1, F.dsl, now: 0).isEmpty)
        _ = manager.drainEvents()
        return manager
    }

    @Test func pathFailsAtTheConfiguredNumberOfConsecutivePTOs() {
        var manager = self.twoPaths()
        let now = 3 * F.second
        #expect(manager.evaluate(paths: [F.snapshot(0, ptos: 1), F.snapshot(1)], now: now).isEmpty)
        #expect(manager.evaluate(paths: [F.snapshot(0, ptos: 2), F.snapshot(1)], now: now)
            == [.abandon(0, errorCode: 0x3e76)])
        #expect(manager.drainEvents() == [
            .failed(0, reason: .probeTimeouts(count: 2)), .reopenScheduled(local: F.wifi, at: now + F.second),
        ])
        #expect(manager.evaluate(paths: [F.snapshot(0, ptos: 3), F.snapshot(1)], now: now).isEmpty,
                "a failed path is abandoned once")
        #expect(manager.statistics(for: 0)?.status == .abandoned)
        #expect(manager.statistics(for: 0)?.closedAt == now)
        #expect(manager.alivePaths == [1])
        manager.pathAbandoned(0, byPeer: false, now: now + 10)
        #expect(manager.drainEvents() == [.abandoned(0)], "the engine finishing the abandon changes no schedule")
        #expect(manager.evaluate(paths: [], now: now + F.second) == [.open(local: F.wifi)])
    }

    @Test func pathFailsAfterSilenceOfTheConfiguredNumberOfRTTs() {
        var manager = self.twoPaths()
        let rtt = 50 * F.millisecond
        let sent = F.second
        manager.onPacketSent(0, bytes: 1200, ackEliciting: true, now: sent)
        manager.onPacketSent(0, bytes: 1200, ackEliciting: true, now: sent + 30 * F.millisecond)
        let snapshots = [F.snapshot(0, rtt: rtt, inFlight: 2400), F.snapshot(1)]
        #expect(manager.evaluate(paths: snapshots, now: sent).isEmpty)
        #expect(manager.nextTimeout() == sent + 4 * rtt, "the deadline runs from the first unacknowledged packet")
        #expect(manager.evaluate(paths: snapshots, now: sent + 4 * rtt - 1).isEmpty)
        #expect(manager.evaluate(paths: snapshots, now: sent + 4 * rtt) == [.abandon(0, errorCode: F.unstable)])
        #expect(manager.drainEvents().first == .failed(0, reason: .silence(duration: 4 * rtt)))
    }

    @Test func silenceHasAFloorForShortRTTs() {
        var manager = self.twoPaths()
        let snapshots = [F.snapshot(0, rtt: 5 * F.millisecond, inFlight: 1200)]
        manager.onPacketSent(0, bytes: 1200, ackEliciting: true, now: 0)
        #expect(manager.evaluate(paths: snapshots, now: 99 * F.millisecond).isEmpty)
        #expect(manager.nextTimeout() == 100 * F.millisecond)
        #expect(manager.evaluate(paths: snapshots, now: 100 * F.millisecond) == [.abandon(0, errorCode: F.unstable)])
    }

    @Test func beforeTheFirstRTTSampleTheSilenceWindowUsesTheInitialRTT() {
        var manager = self.twoPaths()
        manager.onPacketSent(1, bytes: 1200, ackEliciting: true, now: 0)
        // RFC 9002 §6.2.2: kInitialRtt = 333 ms, so 4 × 333 ms.
        #expect(manager.nextTimeout() == 1332 * F.millisecond)
        #expect(manager.evaluate(paths: [], now: 1331 * F.millisecond).isEmpty)
        #expect(manager.evaluate(paths: [], now: 1332 * F.millisecond) == [.abandon(1, errorCode: F.unstable)])
    }

    @Test func noFailureWhileNothingIsInFlight() {
        var manager = self.twoPaths()
        // Acknowledged data, and packets that elicit no acknowledgment, never start the silence clock.
        manager.onPacketSent(0, bytes: 1200, ackEliciting: true, now: 0)
        manager.onAckReceived(0, now: 20 * F.millisecond)
        manager.onPacketSent(0, bytes: 40, ackEliciting: false, now: 30 * F.millisecond)
        manager.onPacketSent(1, bytes: 40, ackEliciting: false, now: 30 * F.millisecond)
        #expect(manager.evaluate(paths: [F.snapshot(0), F.snapshot(1)], now: 20 * F.millisecond).isEmpty)
        #expect(manager.nextTimeout() == nil)
        #expect(manager.evaluate(paths: [F.snapshot(0), F.snapshot(1)], now: 600 * F.second).isEmpty)
        #expect(manager.alivePaths == [0, 1])
    }

    @Test func anAcknowledgmentRestartsTheSilenceClock() {
        var manager = self.twoPaths()
        let rtt = 25 * F.millisecond // window: max(4 × 25 ms, 100 ms) = 100 ms
        manager.onPacketSent(0, bytes: 1200, ackEliciting: true, now: 0)
        manager.onAckReceived(0, now: 90 * F.millisecond)
        manager.onPacketSent(0, bytes: 1200, ackEliciting: true, now: 95 * F.millisecond)
        let snapshots = [F.snapshot(0, rtt: rtt, inFlight: 1200)]
        #expect(manager.evaluate(paths: snapshots, now: 150 * F.millisecond).isEmpty)
        #expect(manager.nextTimeout() == 195 * F.millisecond)
        #expect(manager.evaluate(paths: snapshots, now: 195 * F.millisecond) == [.abandon(0, errorCode: F.unstable)])
    }

    @Test func dataStillInFlightAfterAnAcknowledgmentIsTimedFromThatAcknowledgment() {
        var manager = self.twoPaths()
        manager.onPacketSent(1, bytes: 1200, ackEliciting: true, now: 0)
        manager.onPacketSent(1, bytes: 1200, ackEliciting: true, now: 1)
        manager.onAckReceived(1, now: 40 * F.millisecond) // acknowledges the first packet only
        let snapshots = [F.snapshot(1, rtt: 40 * F.millisecond, inFlight: 1200)]
        #expect(manager.evaluate(paths: snapshots, now: 50 * F.millisecond).isEmpty)
        #expect(manager.nextTimeout() == 200 * F.millisecond)
        #expect(manager.evaluate(paths: snapshots, now: 200 * F.millisecond) == [.abandon(1, errorCode: F.unstable)])
    }

    @Test func theLastUsablePathIsKeptWhenItFailsAndAbandonedOnlyOnceAnotherIsUsable() {
        var manager = F.manager([F.wifi, F.dsl])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.drainEvents()
        let rtt = 50 * F.millisecond
        manager.onPacketSent(0, bytes: 1200, ackEliciting: true, now: 0)
        #expect(manager.evaluate(paths: [F.snapshot(0, rtt: rtt, inFlight: 1200)], now: 4 * rtt).isEmpty,
                "abandoning the only path would make the peer close the connection")
        #expect(manager.drainEvents() == [.failed(0, reason: .silence(duration: 4 * rtt))])
        #expect(manager.nextTimeout() == nil, "no timer for a deadline already acted on")
        #expect(manager.evaluate(paths: [F.snapshot(0, rtt: rtt, inFlight: 1200)], now: F.second).isEmpty)
        #expect(manager.pollEvent() == nil, "failed is reported once")
        // It recovers: an acknowledgment ends the silence; a later silence is a new failure.
        manager.onAckReceived(0, now: 2 * F.second)
        #expect(manager.evaluate(paths: [F.snapshot(0, rtt: rtt)], now: 2 * F.second).isEmpty)
        manager.onPacketSent(0, bytes: 1200, ackEliciting: true, now: 3 * F.second)
        #expect(manager.nextTimeout() == 3 * F.second + 4 * rtt)
        #expect(manager.evaluate(paths: [F.snapshot(0, rtt: rtt, inFlight: 1200)], now: 4 * F.second).isEmpty)
        #expect(manager.drainEvents() == [.failed(0, reason: .silence(duration: F.second))])
        // A second path comes up: the failed one is abandoned and re-opened later.
        #expect(manager.start(now: 4 * F.second) == [.open(local: F.dsl)])
        manager.pathOpened(1, local: F.dsl, now: 4 * F.second)
        #expect(manager.evaluate(paths: [], now: 4 * F.second).isEmpty, "not while the new path is validating")
        manager.pathValidated(1, now: 5 * F.second)
        #expect(manager.evaluate(paths: [], now: 5 * F.second) == [.abandon(0, errorCode: F.unstable)])
        #expect(manager.drainEvents() == [
            .opened(1, label: "dsl"), .validated(1), .reopenScheduled(local: F.wifi, at: 6 * F.second),
        ])
    }

    @Test func pathsFailingTogetherAreAllKeptWhenNoneIsLeft() {
        var manager = self.twoPaths()
        let snapshots = [F.snapshot(0, ptos: 2), F.snapshot(1, ptos: 4)]
        #expect(manager.evaluate(paths: snapshots, now: 10).isEmpty)
        #expect(manager.alivePaths == [0, 1])
        #expect(manager.drainEvents() == [
            .failed(0, reason: .probeTimeouts(count: 2)), .failed(1, reason: .probeTimeouts(count: 4)),
        ])
        // dsl recovers (its PTO count is reset by an acknowledgment): wifi, still failed, goes.
        #expect(manager.evaluate(paths: [F.snapshot(0, ptos: 3), F.snapshot(1)], now: 20)
            == [.abandon(0, errorCode: F.unstable)])
        #expect(manager.pollEvent() == .reopenScheduled(local: F.wifi, at: 20 + F.second))
    }

    @Test func pathsStillValidatingAreLeftToValidation() {
        var manager = F.manager([F.wifi, F.dsl])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.start(now: 0)
        manager.pathOpened(1, local: F.dsl, now: 0)
        manager.onPacketSent(1, bytes: 1200, ackEliciting: true, now: 0)
        #expect(manager.evaluate(paths: [F.snapshot(1, inFlight: 1200, ptos: 5)], now: 10 * F.second).isEmpty)
        // Validation, which proves the path delivers, restarts the silence clock.
        manager.pathValidated(1, now: 10 * F.second)
        #expect(manager.evaluate(paths: [F.snapshot(1, rtt: 40 * F.millisecond, inFlight: 1200)], now: 10 * F.second)
            .isEmpty)
        #expect(manager.nextTimeout() == 10 * F.second + 160 * F.millisecond)
    }

    @Test func aPathThatNeverValidatesIsAbandonedAndReopenedWithDoublingBackoffUpToTheCap() {
        var manager = F.manager([F.wifi, F.dsl])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        #expect(manager.start(now: 0) == [.open(local: F.dsl)])
        _ = manager.drainEvents()
        var now: UInt64 = 0
        var waits: [UInt64] = []
        for id in PathID(1)...PathID(8) {
            manager.pathOpened(id, local: F.dsl, now: now)
            manager.pathValidationFailed(id, now: now)
            #expect(manager.evaluate(paths: [], now: now) == [.abandon(id, errorCode: F.unstable)])
            let events = manager.drainEvents()
            guard case .reopenScheduled(let local, let at)? = events.last else {
                Issue.record("no re-open scheduled: \(events)")
                return
            }
            #expect(local == F.dsl)
            #expect(events.contains(.validationFailed(id)))
            waits.append(at - now)
            #expect(manager.nextTimeout() == at)
            #expect(manager.evaluate(paths: [], now: at - 1).isEmpty)
            #expect(manager.evaluate(paths: [], now: at) == [.open(local: F.dsl)])
            manager.pathAbandoned(id, byPeer: false, now: at)
            now = at
        }
        let second = F.second
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30].map { $0 * second })
        // A validated path from the same endpoint starts the back-off over.
        manager.pathOpened(20, local: F.dsl, now: now)
        manager.pathValidated(20, now: now)
        manager.pathAbandoned(20, byPeer: true, now: now + 5)
        #expect(manager.drainEvents().last == .reopenScheduled(local: F.dsl, at: now + 5 + F.second))
    }

    @Test func aPathAbandonedByThePeerIsReopenedAfterTheBackoff() {
        var manager = self.twoPaths()
        manager.pathAbandoned(1, byPeer: true, now: 50)
        #expect(manager.drainEvents() == [.abandoned(1), .reopenScheduled(local: F.dsl, at: 50 + F.second)])
        #expect(manager.evaluate(paths: [], now: 50).isEmpty)
        manager.pathAbandoned(1, byPeer: true, now: 60)
        #expect(manager.pollEvent() == nil, "a repeated abandon is harmless")
        #expect(manager.evaluate(paths: [], now: 50 + F.second) == [.open(local: F.dsl)])
        #expect(manager.statistics(for: 1)?.closedAt == 50)
    }
}
