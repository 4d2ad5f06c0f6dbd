import QUICTransport
import QUICWire
import Testing

@Suite("Backup (hot standby) scheduler")
struct SchedulingBackupTests {
    @Test func allTrafficStaysOnAHealthyPrimaryEvenWhenSlower() {
        var scheduler = BackupScheduler(primary: 0)
        let paths = [snapshot(0, rtt: 60, label: "dsl"), snapshot(1, rtt: 20, status: .backup, label: "lte"),
                     snapshot(2, rtt: 10, label: "wifi")]
        for _ in 0..<10 {
            #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [0]))
        }
        #expect(scheduler.activePath == 0)
        #expect(scheduler.switchCount == 0)
    }

    @Test func waitsRatherThanSpillingWhenThePrimaryWindowIsFull() {
        var scheduler = BackupScheduler(primary: 0)
        let paths = [snapshot(0, rtt: 10, cwnd: 12_000, inFlight: 12_000), snapshot(1, rtt: 10, status: .backup)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .wait)
    }

    @Test func failsOverOnTheFirstDecisionAfterThePTOThresholdIsReached() {
        var scheduler = BackupScheduler(primary: 0, failureThreshold: 3)
        var paths = SimulatedPaths(paths: [
            snapshot(0, rtt: 10), snapshot(1, rtt: 40, status: .backup), snapshot(2, rtt: 30, status: .backup),
        ])
        for ptos in 0..<3 {
            paths[0].consecutivePTOs = ptos
            #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [0]))
        }
        paths[0].consecutivePTOs = 3
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [2]))
        #expect(scheduler.activePath == 2)
        #expect(scheduler.switchCount == 1)
        // It stays on the standby while the primary is failed, and returns once the primary recovers.
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [2]))
        paths[0].consecutivePTOs = 0
        #expect(scheduler.choosePaths(for: packet, paths: paths.paths, now: 0) == .send(on: [0]))
        #expect(scheduler.switchCount == 2)
    }

    @Test func failsOverImmediatelyWhenThePrimaryIsAbandonedOrGone() {
        var scheduler = BackupScheduler(primary: 1)
        var paths = [snapshot(1, rtt: 10), snapshot(2, rtt: 80, status: .backup), snapshot(3, rtt: 50)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [1]))
        paths[0].status = .abandoned
        // An available standby is preferred to a backup one, even with a higher RTT.
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [3]))
        paths.remove(at: 0)
        paths[1].status = .abandoned
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [2]))
        paths[0].consecutivePTOs = 5
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .wait)
    }

    @Test func failedStandbyIsSkippedInFavourOfAHealthyOne() {
        var scheduler = BackupScheduler(primary: 0, failureThreshold: 2)
        let paths = [snapshot(0, rtt: 10, status: .abandoned), snapshot(1, rtt: 5, status: .backup, ptos: 2),
                     snapshot(2, rtt: 90, status: .backup)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [2]))
    }

    @Test func factoryPassesPrimaryAndThreshold() {
        let options = SchedulerOptions(primaryPath: 4, failureThreshold: 1)
        var scheduler = SchedulerKind.backup.makeScheduler(options: options)
        var paths = [snapshot(0, rtt: 5), snapshot(4, rtt: 50)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [4]))
        paths[1].consecutivePTOs = 1
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [0]))
    }
}
