import QUICTransport
import QUICWire
import Testing

/// Rules every built-in scheduler follows, checked through the factory for each kind.
@Suite("Scheduling rules shared by every scheduler")
struct SchedulingCommonRulesTests {
    static let options = SchedulerOptions(primaryPath: 0, targetRate: 0, meteredBudget: 1_000_000)

    @Test(arguments: SchedulerKind.allCases)
    func pinnedIntentGoesOnThePinnedPathEvenWhenItIsSlowest(kind: SchedulerKind) {
        var scheduler = kind.makeScheduler(options: Self.options)
        let paths = [snapshot(0, rtt: 10), snapshot(1, rtt: 200, status: .backup), snapshot(2, rtt: 50)]
        for id: PathID in [0, 1, 2] {
            let intent = SendIntent(kind: .pinned(id), size: 1200)
            #expect(scheduler.choosePaths(for: intent, paths: paths, now: 0) == .send(on: [id]))
        }
    }

    @Test(arguments: SchedulerKind.allCases)
    func pinnedIntentWaitsInsteadOfFallingBack(kind: SchedulerKind) {
        var scheduler = kind.makeScheduler(options: Self.options)
        let intent = SendIntent(kind: .pinned(1), size: 1200)
        let full = [snapshot(0, rtt: 10), snapshot(1, rtt: 20, cwnd: 12_000, inFlight: 12_000)]
        #expect(scheduler.choosePaths(for: intent, paths: full, now: 0) == .wait)
        let abandoned = [snapshot(0, rtt: 10), snapshot(1, rtt: 20, status: .abandoned)]
        #expect(scheduler.choosePaths(for: intent, paths: abandoned, now: 0) == .wait)
        let missing = [snapshot(0, rtt: 10)]
        #expect(scheduler.choosePaths(for: intent, paths: missing, now: 0) == .wait)
        // Unvalidated path: only its own probes may be pinned to it.
        let validating = [snapshot(0, rtt: 10), snapshot(1, rtt: 20, status: .validating, validated: false)]
        #expect(scheduler.choosePaths(for: intent, paths: validating, now: 0) == .wait)
        let probe = SendIntent(kind: .pinned(1), packetClass: .probe, size: 1200)
        #expect(scheduler.choosePaths(for: probe, paths: validating, now: 0) == .send(on: [1]))
    }

    @Test(arguments: SchedulerKind.allCases)
    func redundantIntentGoesOnEveryUsablePath(kind: SchedulerKind) {
        var scheduler = kind.makeScheduler(options: Self.options)
        let intent = SendIntent(kind: .redundant, size: 1200)
        let paths = [
            snapshot(0, rtt: 10), snapshot(1, rtt: 30), snapshot(2, rtt: 20, cwnd: 1_000),
            snapshot(3, rtt: 5, status: .abandoned), snapshot(4, rtt: 40), snapshot(5, rtt: 1, status: .backup),
        ]
        // Path 2 has no room, 3 is abandoned, 5 is a backup while available paths can send.
        #expect(scheduler.choosePaths(for: intent, paths: paths, now: 0) == .send(on: [0, 1, 4]))
        // With every available path full, the backups carry the copies.
        let onlyBackups = [snapshot(0, rtt: 10, cwnd: 0), snapshot(5, rtt: 1, status: .backup),
                           snapshot(6, rtt: 2, status: .backup)]
        #expect(scheduler.choosePaths(for: intent, paths: onlyBackups, now: 0) == .send(on: [5, 6]))
    }

    @Test(arguments: SchedulerKind.allCases)
    func everySchedulerWaitsWhenEveryWindowIsFull(kind: SchedulerKind) {
        var scheduler = kind.makeScheduler(options: Self.options)
        let paths = [
            snapshot(0, rtt: 10, cwnd: 12_000, inFlight: 12_000),
            snapshot(1, rtt: 20, cwnd: 12_000, inFlight: 11_500),
            snapshot(2, rtt: 30, status: .backup, cwnd: 12_000, inFlight: 12_000),
        ]
        for intentKind: SendIntent.Kind in [.bulk, .latencySensitive, .redundant] {
            let intent = SendIntent(kind: intentKind, size: 1200)
            #expect(scheduler.choosePaths(for: intent, paths: paths, now: 0) == .wait)
        }
        #expect(scheduler.choosePaths(for: packet, paths: [], now: 0) == .wait)
        // ACK-only packets are not congestion controlled, so they still leave.
        let ack = SendIntent(kind: .bulk, packetClass: .control, size: 50)
        #expect(scheduler.choosePaths(for: ack, paths: paths, now: 0) != .wait)
    }

    @Test(arguments: SchedulerKind.allCases)
    func factoryBuildsTheNamedKind(kind: SchedulerKind) throws {
        #expect(kind.makeScheduler().kind == kind)
        #expect(try SchedulerKind(parsing: kind.cliName) == kind)
    }

    @Test func parsingAcceptsCliSpellingsAndListsValidNamesOnError() throws {
        #expect(try SchedulerKind(parsing: "minrtt") == .minRTT)
        #expect(try SchedulerKind(parsing: " RoundRobin ") == .roundRobin)
        #expect(try SchedulerKind(parsing: "costaware") == .costAware)
        #expect(SchedulerKind.default == .minRTT)
        #expect(try SchedulerKind(parsing: "ECF") == .ecf)
        #expect(SchedulerKind.validNames
            == ["minrtt", "roundrobin", "redundant", "backup", "interactive", "costaware", "ecf"])
        do {
            _ = try SchedulerKind(parsing: "fastest")
            Issue.record("parsing an unknown name must throw")
        } catch {
            #expect(error.name == "fastest")
            #expect(error.validNames == SchedulerKind.validNames)
            let expected = "unknown scheduler \"fastest\"; valid names: "
                + "minrtt, roundrobin, redundant, backup, interactive, costaware, ecf"
            #expect(error.description == expected)
        }
        #expect(throws: SchedulerKindError.self) { try SchedulerKind(parsing: "") }
    }
}
