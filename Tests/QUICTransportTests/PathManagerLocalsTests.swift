import QUICTransport
import QUICWire
import Testing

@Suite("Path manager: local endpoints coming and going")
struct PathManagerLocalsTests {
    typealias F = PathManagerFixture
    static let applicationAbandon = TransportErrorCode.applicationAbandonPath.rawValue

    @Test func aRemovedLocalHasItsPathsAbandonedAndIsNeverReopened() {
        var manager = F.manager([F.wifi, F.dsl])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.start(now: 0)
        _ = manager.openAndValidate(1, F.dsl, now: 0)
        manager.removeLocal(address: F.dsl.address, now: 10)
        #expect(manager.nextTimeout() == 10)
        #expect(manager.evaluate(paths: [], now: 10) == [.abandon(1, errorCode: Self.applicationAbandon)])
        #expect(manager.evaluate(paths: [], now: 10).isEmpty)
        #expect(manager.configuration.locals == [F.wifi])
        #expect(manager.alivePaths == [0])
        manager.pathAbandoned(1, byPeer: false, now: 20)
        #expect(manager.evaluate(paths: [], now: 3600 * F.second).isEmpty)
        #expect(manager.nextTimeout() == nil)
    }

    @Test func removingTheLastAvailableLocalHandsTrafficToTheStandby() {
        var manager = F.manager([F.wifi, F.lte])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.start(now: 0)
        #expect(manager.openAndValidate(1, F.lte, now: 0) == [.setStatus(1, .backup)])
        manager.removeLocal(address: F.wifi.address, now: 5)
        #expect(manager.evaluate(paths: [], now: 5)
            == [.abandon(0, errorCode: Self.applicationAbandon), .setStatus(1, .available)])
        #expect(manager.drainEvents().suffix(2) == [.becamePrimary(1), .statusChanged(1, .available)])
    }

    @Test func anAddedLocalIsOpenedOnceStarted() {
        var manager = F.manager([F.wifi])
        manager.addLocal(F.dsl, now: 0)
        #expect(manager.evaluate(paths: [], now: 0).isEmpty, "not before start")
        #expect(manager.start(now: 1) == [.open(local: F.wifi), .open(local: F.dsl)])
        manager.addLocal(F.lte, now: 2)
        #expect(manager.evaluate(paths: [], now: 2) == [.open(local: F.lte)])
        // Adding a known address again only updates its description.
        let relabelled = LocalPathEndpoint(address: F.dsl.address, label: "fibre")
        manager.addLocal(relabelled, now: 3)
        #expect(manager.evaluate(paths: [], now: 3).isEmpty)
        #expect(manager.configuration.locals == [F.wifi, relabelled, F.lte])
        manager.pathOpened(7, local: F.dsl, now: 4)
        #expect(manager.statistics(for: 7)?.label == "fibre")
    }

    /// Room for two paths: wifi on path 0, an open of dsl in progress when dsl is removed and lte added at 1.
    private func dslRemovedWhileOpeningAndLTEWaiting() -> PathManager {
        var manager = F.manager([F.wifi, F.dsl], maxPaths: 2)
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        #expect(manager.start(now: 0) == [.open(local: F.dsl)])
        manager.removeLocal(address: F.dsl.address, now: 1)
        manager.addLocal(F.lte, now: 1)
        #expect(manager.evaluate(paths: [], now: 1).isEmpty, "the open still in progress holds its place")
        _ = manager.drainEvents()
        return manager
    }

    @Test func aPathOpenedFromALocalRemovedMeanwhileIsAbandonedAtOnce() {
        var manager = self.dslRemovedWhileOpeningAndLTEWaiting()
        manager.pathOpened(1, local: F.dsl, now: 2)
        #expect(manager.alivePaths == [0])
        #expect(manager.evaluate(paths: [], now: 2)
            == [.abandon(1, errorCode: Self.applicationAbandon), .open(local: F.lte)])
    }

    @Test func reAddingALocalWhoseOpenIsInProgressDoesNotOpenItTwice() {
        var manager = F.manager([F.wifi, F.dsl])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        #expect(manager.start(now: 0) == [.open(local: F.dsl)])
        manager.removeLocal(address: F.dsl.address, now: 1)
        manager.addLocal(F.dsl, now: 2)
        #expect(manager.evaluate(paths: [], now: 2).isEmpty)
        manager.pathOpened(1, local: F.dsl, now: 3)
        #expect(manager.evaluate(paths: [], now: 3).isEmpty)
        #expect(manager.alivePaths == [0, 1])
    }

    @Test func aCancelledOpenThatFailsFreesItsPlace() {
        var manager = self.dslRemovedWhileOpeningAndLTEWaiting()
        manager.pathOpenFailed(local: F.dsl, now: 2)
        #expect(manager.pollEvent() == nil, "a removed endpoint is not scheduled again")
        #expect(manager.evaluate(paths: [], now: 2) == [.open(local: F.lte)])
    }
}
