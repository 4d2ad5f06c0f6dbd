import QUICTransport
import QUICWire
import Testing

@Suite("Path manager: statistics and events")
struct PathManagerStatisticsTests {
    typealias F = PathManagerFixture

    @Test func countsBytesPacketsLossesAndCostPerPath() throws {
        var manager = F.manager([F.wifi, F.lte])
        _ = manager.openAndValidate(0, F.wifi, now: 0)
        _ = manager.start(now: 0)
        _ = manager.openAndValidate(1, F.lte, now: 7)
        for index in 0..<3 {
            manager.onPacketSent(1, bytes: 1000, ackEliciting: true, now: UInt64(10 + index))
        }
        manager.onPacketSent(0, bytes: 1200, ackEliciting: false, now: 10)
        manager.onPacketReceived(1, bytes: 800, now: 20)
        manager.onPacketReceived(1, bytes: 50, now: 21)
        manager.onPacketsLost(1, count: 1, now: 30)
        manager.onPacketsLost(1, count: -4, now: 31)
        manager.onPacketSent(1, bytes: -1, ackEliciting: false, now: 31)
        _ = manager.evaluate(paths: [F.snapshot(1, rtt: 80 * F.millisecond)], now: 40)

        let lte = try #require(manager.statistics(for: 1))
        #expect(lte.label == "lte")
        #expect(lte.localAddress == F.lte.address)
        #expect(lte.cost == .metered(costPerByte: 0.01))
        #expect(lte.bytesSent == 3000)
        #expect(lte.packetsSent == 4)
        #expect(lte.bytesReceived == 850)
        #expect(lte.packetsReceived == 2)
        #expect(lte.packetsLost == 1)
        #expect(lte.lossRate == 0.25)
        #expect(lte.costIncurred == 30)
        #expect(lte.smoothedRTT == 80 * F.millisecond)
        #expect(lte.minRTT == 40 * F.millisecond)
        #expect(lte.status == .backup)
        #expect(lte.openedAt == 7)
        #expect(lte.closedAt == nil)

        let wifi = try #require(manager.statistics(for: 0))
        #expect(wifi.bytesSent == 1200)
        #expect(wifi.costIncurred == 0)
        #expect(wifi.lossRate == 0)
        #expect(wifi.smoothedRTT == 0, "no snapshot yet")
    }

    @Test func statisticsAreOrderedByPathIDAndKeepClosedPathsUpToTheHistoryLimit() {
        var manager = F.manager([]) { $0.closedPathHistory = 2 }
        for id in [PathID(5), 2, 9, 3] {
            manager.pathOpened(id, local: F.dsl, now: UInt64(id))
        }
        #expect(manager.statistics.map(\.pathID) == [2, 3, 5, 9])
        manager.pathAbandoned(5, byPeer: true, now: 100)
        manager.pathAbandoned(2, byPeer: false, now: 101)
        #expect(manager.statistics.map(\.pathID) == [2, 3, 5, 9])
        #expect(manager.statistics(for: 5)?.status == .abandoned)
        #expect(manager.statistics(for: 5)?.closedAt == 100)
        manager.pathAbandoned(9, byPeer: true, now: 102)
        #expect(manager.statistics.map(\.pathID) == [2, 3, 9], "the oldest closed path is dropped")
        #expect(manager.alivePaths == [3])
    }

    @Test func aServerWithoutLocalsOnlyWatchesThePathsItsPeerOpens() {
        var manager = F.manager([])
        manager.pathOpened(0, local: F.wifi, now: 0)
        manager.pathValidated(0, now: 0)
        manager.pathOpened(1, local: F.lte, now: 5)
        manager.pathValidated(1, now: 6)
        #expect(manager.evaluate(paths: [], now: 6) == [.setStatus(1, .backup)],
                "an endpoint flagged backup is announced as such")
        #expect(manager.evaluate(paths: [F.snapshot(0, ptos: 2)], now: 7)
            == [.abandon(0, errorCode: F.unstable), .setStatus(1, .available)])
        #expect(manager.evaluate(paths: [], now: 3600 * F.second).isEmpty,
                "a promoted standby is not probed, and a server re-opens nothing")
    }

    @Test func eventsAreDeliveredOnceInOrderAndTheQueueIsBounded() {
        var manager = F.manager([F.wifi])
        manager.pathOpened(0, local: F.wifi, now: 0)
        manager.pathValidated(0, now: 1)
        #expect(manager.pollEvent() == .opened(0, label: "wifi"))
        manager.pathAbandoned(0, byPeer: true, now: 2)
        #expect(manager.pollEvent() == .validated(0))
        #expect(manager.pollEvent() == .abandoned(0))
        #expect(manager.pollEvent() == .reopenScheduled(local: F.wifi, at: 2 + F.second))
        #expect(manager.pollEvent() == nil)

        for id in 1...PathID(2000) {
            manager.pathOpened(id, local: F.dsl, now: UInt64(id))
        }
        let events = manager.drainEvents()
        #expect(events.count == PathManager.maxQueuedEvents)
        #expect(events.last == .opened(2000, label: "dsl"))
        #expect(events.first == .opened(PathID(2001 - PathManager.maxQueuedEvents), label: "dsl"))
    }
}
