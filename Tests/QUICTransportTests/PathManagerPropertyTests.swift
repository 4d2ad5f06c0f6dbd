import QUICTestSupport
import QUICTransport
import QUICWire
import Testing

/// Drives a `PathManager` with seeded random engine behaviour and checks its invariants after every step.
@Suite("Path manager: random input sequences")
struct PathManagerPropertyTests {
    typealias F = PathManagerFixture

    /// What the simulated engine knows about the paths.
    private struct EngineModel {
        var nextID: PathID = 1
        var pendingOpens: [LocalPathEndpoint] = []
        var localOf: [PathID: LocalPathEndpoint] = [:]
        var validating: Set<PathID> = []
        var validated: Set<PathID> = []
        var abandonRequested: Set<PathID> = []
        var closed: Set<PathID> = []

        var known: [PathID] { self.localOf.keys.sorted() }
    }

    @Test(arguments: [UInt64(1), 7, 0x5eed, 0xdead_beef])
    func randomInputsNeverTrapAndKeepTheInvariants(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let locals = [F.wifi, F.dsl, F.lte, F.satellite]
        let maxPaths = random.int(1...4)
        var manager = F.manager(locals, maxPaths: maxPaths) {
            $0.failureConsecutivePTOs = random.int(1...3)
            $0.standbyProbeInterval = UInt64(random.int(100...2000)) * F.millisecond
        }
        var engine = EngineModel()
        var now: UInt64 = 0
        manager.pathOpened(0, local: F.wifi, now: now)
        manager.pathValidated(0, now: now)
        engine.localOf[0] = F.wifi
        engine.validated.insert(0)
        let started = manager.start(now: now) + manager.evaluate(paths: [], now: now)
        self.check(started, manager: manager, engine: &engine, maxPaths: maxPaths, now: now)

        for _ in 0..<1000 {
            now += UInt64(random.int(0...300)) * F.millisecond
            let known = engine.known
            let anyID: PathID = random.int(0...9) == 0 ? 999 : (known.randomElement(using: &random) ?? 0)
            switch random.int(0...14) {
            case 0:
                guard !engine.pendingOpens.isEmpty else { break }
                let local = engine.pendingOpens.remove(at: random.int(0...engine.pendingOpens.count - 1))
                let id = engine.nextID
                engine.nextID += 1
                engine.localOf[id] = local
                engine.validating.insert(id)
                manager.pathOpened(id, local: local, now: now)
            case 1:
                guard !engine.pendingOpens.isEmpty else { break }
                let local = engine.pendingOpens.remove(at: random.int(0...engine.pendingOpens.count - 1))
                manager.pathOpenFailed(local: local, now: now)
            case 2, 3:
                guard let id = engine.validating.sorted().randomElement(using: &random) else { break }
                engine.validating.remove(id)
                if random.int(0...3) != 0 {
                    engine.validated.insert(id)
                    manager.pathValidated(id, now: now)
                } else {
                    manager.pathValidationFailed(id, now: now)
                }
            case 4:
                manager.onPacketSent(anyID, bytes: random.int(-5...1500), ackEliciting: random.bool(), now: now)
                if random.int(0...4) != 0 {
                    manager.onAckReceived(anyID, now: now)
                }
            case 5:
                manager.onAckReceived(anyID, now: now)
            case 6:
                manager.onPacketReceived(anyID, bytes: random.int(0...1500), now: now)
            case 7:
                manager.onPacketsLost(anyID, count: random.int(-2...5), now: now)
            case 8:
                if random.int(0...3) == 0 {
                    engine.validating.remove(anyID)
                    engine.closed.insert(anyID)
                    manager.pathAbandoned(anyID, byPeer: true, now: now)
                }
            case 9:
                for id in engine.abandonRequested.subtracting(engine.closed).sorted() {
                    engine.closed.insert(id)
                    manager.pathAbandoned(id, byPeer: false, now: now)
                }
            case 10:
                // Repeated or stray inputs: harmless.
                if engine.validating.contains(anyID) {
                    engine.validating.remove(anyID)
                    engine.validated.insert(anyID)
                }
                manager.pathValidated(anyID, now: now)
                _ = manager.pollEvent()
            case 11:
                // An interface goes down or comes (back) up now and then.
                guard random.int(0...5) == 0, let local = locals.randomElement(using: &random) else { break }
                if manager.configuration.locals.contains(local) {
                    manager.removeLocal(address: local.address, now: now)
                } else {
                    manager.addLocal(local, now: now)
                }
            default:
                let snapshots = known.filter { _ in random.bool() }.map {
                    F.snapshot($0, rtt: UInt64(random.int(5...250)) * F.millisecond,
                               inFlight: random.int(0...3) == 0 ? 1200 : 0, ptos: random.int(0...30) == 0 ? 3 : 0)
                } + (random.int(0...5) == 0 ? [F.snapshot(777, ptos: 9)] : [])
                let actions = manager.evaluate(paths: snapshots, now: now)
                var again = manager
                #expect(again.evaluate(paths: snapshots, now: now).isEmpty, "evaluate is idempotent at one time")
                self.check(actions, manager: manager, engine: &engine, maxPaths: maxPaths, now: now)
            }
            let ids = manager.statistics.map(\.pathID)
            #expect(ids == ids.sorted())
            #expect(manager.alivePaths.allSatisfy { !engine.closed.contains($0) })
        }
        _ = manager.drainEvents()
    }

    /// Arbitrary times (backwards, up to `UInt64.max`), sizes and IDs: nothing traps, and statistics stay sane.
    @Test func arbitraryTimesAndValuesNeverTrap() {
        var random = SplitMix64(seed: 0xbad_c10c)
        var manager = F.manager([F.wifi, F.dsl, F.lte]) {
            $0.maxReopenBackoff = .max
            $0.failureSilenceRTTs = .max
            $0.minimumSilence = .max
        }
        for _ in 0..<1000 {
            let now = random.bool() ? random.next() : UInt64.max - UInt64(random.int(0...3))
            let id = PathID(random.int(0...5))
            let local = [F.wifi, F.dsl, F.lte, F.satellite][random.int(0...3)]
            switch random.int(0...9) {
            case 0: _ = manager.start(now: now)
            case 1: manager.pathOpened(id, local: local, now: now)
            case 2: manager.pathValidated(id, now: now)
            case 3: manager.pathValidationFailed(id, now: now)
            case 4: manager.pathAbandoned(id, byPeer: random.bool(), now: now)
            case 5: manager.onPacketSent(id, bytes: .max, ackEliciting: random.bool(), now: now)
            case 6: manager.onPacketsLost(id, count: .max, now: now)
            case 7: manager.pathOpenFailed(local: local, now: now)
            case 8:
                if random.bool() {
                    manager.removeLocal(address: local.address, now: now)
                } else {
                    manager.addLocal(local, now: now)
                }
            default:
                let snapshot = PathSnapshot(
                    pathID: id, smoothedRTT: random.next(), congestionWindow: .max, bytesInFlight: .max,
                    consecutivePTOs: random.bool() ? .max : .min
                )
                _ = manager.evaluate(paths: [snapshot], now: now)
            }
            _ = manager.nextTimeout()
            _ = manager.pollEvent()
        }
        #expect(manager.statistics.allSatisfy { $0.lossRate >= 0 && $0.lossRate <= 1 && $0.costIncurred >= 0 })
    }

    private func check(
        _ actions: [PathAction], manager: PathManager, engine: inout EngineModel, maxPaths: Int, now: UInt64
    ) {
        #expect(Set(actions).count == actions.count, "no action twice in one evaluation: \(actions)")
        let aliveLocals = manager.alivePaths.compactMap { engine.localOf[$0]?.address }
        #expect(Set(aliveLocals).count == aliveLocals.count, "one alive path per local endpoint")
        for action in actions {
            switch action {
            case .open(let local):
                #expect(!aliveLocals.contains(local.address), "open of \(local.label) while its path is alive")
                #expect(!engine.pendingOpens.contains(local), "open of \(local.label) while one is in progress")
                engine.pendingOpens.append(local)
            case .abandon(let id, let errorCode):
                #expect(engine.localOf[id] != nil)
                #expect(!engine.abandonRequested.contains(id), "path \(id) abandoned twice")
                #expect(errorCode == F.unstable || errorCode == TransportErrorCode.applicationAbandonPath.rawValue)
                engine.abandonRequested.insert(id)
            case .probe(let id):
                #expect(engine.validated.contains(id))
                #expect(!engine.abandonRequested.contains(id) && !engine.closed.contains(id), "probe of gone \(id)")
            case .setStatus(let id, let status):
                #expect(status == .available || status == .backup)
                #expect(manager.alivePaths.contains(id))
            }
        }
        #expect(manager.alivePaths.count + engine.pendingOpens.count <= maxPaths)
        if let timeout = manager.nextTimeout() {
            #expect(timeout > now, "nothing left to do at \(now) once evaluated")
        }
    }
}
