import QUICRecovery
import QUICWire

/// The path manager inside the engine (ARCHITECTURE.md §5): a client configured with local addresses opens a
/// path from each once the handshake is confirmed, keeps backups warm, abandons paths that fail and re-opens
/// them with back-off. The engine feeds it what happens on each path and carries out its actions.
extension Connection {
    /// Client, handshake confirmed and the server's connection IDs for other path IDs received (so the first
    /// opens do not fail for want of one): reports the handshake path and lets the manager open the configured
    /// ones.
    func startPathManager(now: QUICInstant) {
        guard self.role == .client, self.multipath.isNegotiated, self.isHandshakeConfirmed,
              self.multipath.pathManager == nil, let configuration = self.multipath.configuration?.pathManager,
              !self.multipath.peerPathCIDs.isEmpty || self.multipath.commonMaxPathID == 0,
              let index = self.pathIndex(of: 0) else { return }
        var manager = PathManager(configuration: configuration)
        let local = self.paths[index].fourTuple.local
        let configured = configuration.locals.first { $0.address == local }
            ?? configuration.locals.first { $0.address.ip == local.ip }
        let endpoint = LocalPathEndpoint(address: local, label: configured?.label ?? "initial",
                                         cost: configured?.cost ?? .free, isBackup: false)
        self.paths[index].multipath.cost = endpoint.cost
        self.paths[index].multipath.label = endpoint.label
        let nanoseconds = now.nanosecondsSinceOrigin
        manager.pathOpened(0, local: endpoint, now: nanoseconds)
        manager.pathValidated(0, now: nanoseconds)
        let actions = manager.start(now: nanoseconds)
        self.multipath.pathManager = manager
        self.perform(actions, now: now)
        self.drainPathManagerEvents()
    }

    /// Lets the manager look at the paths when it asked to (its timer) and carries out what it decides.
    func runPathManager(now: QUICInstant, force: Bool = false) {
        guard let manager = self.multipath.pathManager, self.closeState.isOpen else { return }
        let nanoseconds = now.nanosecondsSinceOrigin
        guard force || (manager.nextTimeout().map { $0 <= nanoseconds } ?? false) else { return }
        var snapshots: [PathSnapshot] = []
        snapshots.reserveCapacity(self.paths.count)
        for index in self.paths.indices {
            snapshots.append(self.snapshot(ofPathAt: index))
        }
        let actions = self.multipath.pathManager?.evaluate(paths: snapshots, now: nanoseconds) ?? []
        self.perform(actions, now: now)
        self.drainPathManagerEvents()
    }

    private func perform(_ actions: [PathAction], now: QUICInstant) {
        let nanoseconds = now.nanosecondsSinceOrigin
        for action in actions {
            switch action {
            case .open(let local):
                do {
                    let id = try self.openPath(localAddress: local.address, status: local.isBackup ? .backup : .available,
                                               cost: local.cost, label: local.label, now: now)
                    self.multipath.pathManager?.pathOpened(id, local: local, now: nanoseconds)
                } catch {
                    self.multipath.pathManager?.pathOpenFailed(local: local, now: nanoseconds)
                }
            case .abandon(let id, let errorCode):
                try? self.abandonPath(id, errorCode: errorCode, now: now)
            case .probe(let id):
                // A PING on the standby keeps its NAT bindings and RTT estimate fresh.
                if let index = self.pathIndex(of: id), !self.paths[index].multipath.isAbandoned {
                    self.paths[index].probePacketsPending = max(self.paths[index].probePacketsPending, 1)
                }
            case .setStatus(let id, let status):
                try? self.setPathStatus(id, status)
            }
        }
    }

    private func drainPathManagerEvents() {
        while let event = self.multipath.pathManager?.pollEvent() {
            self.emit(.pathManager(event))
        }
    }

    /// The manager's per-path statistics (client with a path manager), ordered by path ID.
    public var pathManagerStatistics: [PathStatistics] {
        self.multipath.pathManager?.statistics ?? []
    }
}
