import QUICTransport
import QUICWire
import Testing

@Suite("Path manager: opening paths")
struct PathManagerOpeningTests {
    typealias F = PathManagerFixture

    @Test func startOpensEveryConfiguredLocalAvailableOnesFirst() {
        var manager = F.manager([F.lte, F.wifi, F.dsl])
        #expect(manager.evaluate(paths: [], now: 0).isEmpty, "nothing is opened before start")
        let actions = manager.start(now: 5)
        #expect(actions == [.open(local: F.wifi), .open(local: F.dsl), .open(local: F.lte)])
        #expect(manager.isStarted)
        #expect(manager.start(now: 5).isEmpty, "a second start does nothing")
        #expect(manager.evaluate(paths: [], now: 5).isEmpty, "opens in progress are not asked for again")
        #expect(manager.evaluate(paths: [], now: 100 * F.second).isEmpty)
        #expect(manager.nextTimeout() == nil)
    }

    @Test func startSkipsTheLocalOfTheHandshakePath() {
        var manager = F.manager([F.wifi, F.dsl, F.lte])
        manager.pathOpened(0, local: F.wifi, now: 0)
        manager.pathValidated(0, now: 0)
        #expect(manager.start(now: 10) == [.open(local: F.dsl), .open(local: F.lte)])
        #expect(manager.drainEvents() == [.opened(0, label: "wifi"), .validated(0)])
    }

    @Test func handshakePathFromAnUnconfiguredAddressIsTrackedButNeverReopened() {
        let other = LocalPathEndpoint(address: .ipv4(10, 9, 9, 9, port: 1), label: "eth")
        var manager = F.manager([F.wifi])
        #expect(manager.openAndValidate(0, other, now: 0).isEmpty)
        #expect(manager.start(now: 0) == [.open(local: F.wifi)])
        manager.pathAbandoned(0, byPeer: true, now: F.second)
        #expect(manager.drainEvents() == [.opened(0, label: "eth"), .validated(0), .abandoned(0)])
        #expect(manager.evaluate(paths: [], now: 100 * F.second).isEmpty)
        #expect(manager.statistics.map(\.label) == ["eth"])
    }

    @Test func backupLocalIsAnnouncedAsBackupOnceItsPathExists() {
        var manager = F.manager([F.wifi, F.lte])
        manager.pathOpened(0, local: F.wifi, now: 0)
        manager.pathValidated(0, now: 0)
        #expect(manager.start(now: 0) == [.open(local: F.lte)])
        #expect(manager.nextTimeout() == 0, "inputs since the last evaluation make it due")
        _ = manager.evaluate(paths: [], now: 0)
        _ = manager.drainEvents()
        manager.pathOpened(1, local: F.lte, now: 30)
        #expect(manager.nextTimeout() == 30)
        #expect(manager.evaluate(paths: [], now: 30) == [.setStatus(1, .backup)])
        #expect(manager.drainEvents() == [.opened(1, label: "lte"), .statusChanged(1, .backup)])
        #expect(manager.evaluate(paths: [], now: 30).isEmpty)
        #expect(manager.statistics(for: 1)?.status == .validating)
        manager.pathValidated(1, now: 60)
        #expect(manager.evaluate(paths: [], now: 60).isEmpty)
        #expect(manager.statistics(for: 1)?.status == .backup)
        #expect(manager.statistics(for: 0)?.status == .available)
    }

    @Test func maxPathsIsNeverExceeded() {
        var manager = F.manager([F.wifi, F.dsl, F.lte], maxPaths: 2)
        #expect(manager.start(now: 0) == [.open(local: F.wifi), .open(local: F.dsl)])
        manager.pathOpened(0, local: F.wifi, now: 0)
        manager.pathValidated(0, now: 0)
        manager.pathOpened(1, local: F.dsl, now: 10)
        #expect(manager.evaluate(paths: [], now: 10).isEmpty, "lte waits for room")
        #expect(manager.nextTimeout() == nil, "a re-open that cannot happen arms no timer")
        // dsl never validates: it is abandoned, which makes room for the waiting lte.
        manager.pathValidationFailed(1, now: 20)
        #expect(manager.evaluate(paths: [], now: 20) == [.abandon(1, errorCode: F.unstable), .open(local: F.lte)])
        manager.pathOpened(2, local: F.lte, now: 25)
        #expect(manager.evaluate(paths: [], now: 25) == [.setStatus(2, .backup)])
        // dsl is due again at 20 ms + 1 s, but two paths are alive.
        #expect(manager.evaluate(paths: [], now: 20 + F.second).isEmpty)
        #expect(manager.alivePaths == [0, 2])
        #expect(manager.nextTimeout() == nil)
        // When lte goes away, dsl is opened at once since its back-off has passed.
        manager.pathAbandoned(2, byPeer: true, now: 2 * F.second)
        #expect(manager.evaluate(paths: [], now: 2 * F.second) == [.open(local: F.dsl)])
    }

    @Test func anOpenTheEngineCouldNotCarryOutIsRetriedAfterTheBackoff() {
        var manager = F.manager([F.wifi, F.dsl])
        _ = manager.start(now: 0)
        manager.pathOpenFailed(local: F.dsl, now: 7)
        manager.pathOpenFailed(local: F.dsl, now: 8)
        #expect(manager.drainEvents() == [.reopenScheduled(local: F.dsl, at: 7 + F.second)])
        #expect(manager.nextTimeout() == 7)
        #expect(manager.evaluate(paths: [], now: 7).isEmpty)
        #expect(manager.nextTimeout() == 7 + F.second)
        #expect(manager.evaluate(paths: [], now: 7 + F.second - 1).isEmpty)
        #expect(manager.evaluate(paths: [], now: 7 + F.second) == [.open(local: F.dsl)])
    }

    @Test func inputsForUnknownPathsAreIgnored() {
        var manager = F.manager([F.wifi])
        manager.pathValidated(9, now: 1)
        manager.pathValidationFailed(9, now: 1)
        manager.pathAbandoned(9, byPeer: true, now: 1)
        manager.onPacketSent(9, bytes: 1200, ackEliciting: true, now: 1)
        manager.onPacketReceived(9, bytes: 1200, now: 1)
        manager.onAckReceived(9, now: 1)
        manager.onPacketsLost(9, count: 3, now: 1)
        manager.pathOpenFailed(local: F.wifi, now: 1)
        #expect(manager.evaluate(paths: [F.snapshot(9, ptos: 50)], now: 1).isEmpty)
        #expect(manager.statistics.isEmpty)
        #expect(manager.pollEvent() == nil)
        #expect(manager.nextTimeout() == nil)
    }

    @Test func duplicateLocalsAndOutOfRangeSettingsAreNormalized() {
        var manager = F.manager([F.wifi, F.wifi, F.dsl], maxPaths: 0) {
            $0.failureConsecutivePTOs = -3
            $0.reopenBackoff = 0
            $0.maxReopenBackoff = 0
            $0.standbyProbeInterval = 0
        }
        #expect(manager.configuration.locals == [F.wifi, F.dsl])
        #expect(manager.configuration.maxPaths == 1)
        #expect(manager.configuration.failureConsecutivePTOs == 1)
        #expect(manager.configuration.reopenBackoff == 1)
        #expect(manager.configuration.maxReopenBackoff == 1)
        #expect(manager.start(now: 0) == [.open(local: F.wifi)])
    }
}
