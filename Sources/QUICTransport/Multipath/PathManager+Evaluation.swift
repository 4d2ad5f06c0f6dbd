import QUICWire

extension PathManager {
    /// Applies the manager's policy at `now` to the engine's current path snapshots and returns what to do,
    /// in this order: abandons (failed validations and removed endpoints, then newly failed paths), status
    /// announcements (backups, and a standby taking over when no available path is usable), opens of local
    /// endpoints that are due, and standby probes. Snapshots of unknown paths are ignored; a path without a
    /// snapshot keeps its last values.
    ///
    /// Call it after every batch of inputs (in particular after the engine's PTO timer fired, since the
    /// probe-timeout rule reads `consecutivePTOs` from the snapshots) and when `nextTimeout()` expires. Calling
    /// it again at the same time returns nothing new.
    public mutating func evaluate(paths snapshots: [PathSnapshot], now: UInt64) -> [PathAction] {
        var actions: [PathAction] = []
        self.absorb(snapshots)
        self.emitPendingAbandons(into: &actions)
        self.detectFailures(now: now, into: &actions)
        self.reconcileStatuses(into: &actions)
        self.openDueLocals(now: now, into: &actions)
        self.probeStandbys(now: now, into: &actions)
        self.evaluationDueAt = nil
        return actions
    }

    /// The earliest time at which `evaluate` has something to do (a pending input, a silence deadline, a
    /// standby probe, a re-open), or nil when nothing is scheduled; the engine arms a timer for it.
    public func nextTimeout() -> UInt64? {
        var earliest = self.evaluationDueAt
        func consider(_ time: UInt64) {
            earliest = min(earliest ?? time, time)
        }
        for path in self.paths where path.phase == .active {
            // A failed path kept as the last one waits for an input (an acknowledgment, another path) instead.
            if let start = path.silenceStart, !path.isFailedButKept {
                consider(PathTime.adding(start, self.silenceWindow(for: path)))
            }
            if path.announcedStatus == .backup {
                consider(PathTime.adding(path.lastStandbyActivity, self.configuration.standbyProbeInterval))
            }
        }
        if self.isStarted, self.openCapacity > 0 {
            for local in self.locals where !local.openRequested && !self.hasAlivePath(local.endpoint.address) {
                if let at = local.reopenAt { consider(at) }
            }
        }
        return earliest
    }

    /// How long a validated path with data in flight may go without an acknowledgment:
    /// `failureSilenceRTTs × smoothed RTT` (kInitialRtt before the first sample), at least `minimumSilence`.
    func silenceWindow(for path: ManagedPath) -> UInt64 {
        let rtt = path.statistics.smoothedRTT > 0 ? path.statistics.smoothedRTT : Self.initialRTT
        let window = PathTime.multiplying(rtt, UInt64(self.configuration.failureSilenceRTTs))
        return max(window, self.configuration.minimumSilence)
    }

    /// Paths that may still be opened: `maxPaths` minus alive paths and opens in progress (including opens
    /// from endpoints removed meanwhile, until the engine answers them).
    var openCapacity: Int {
        let alive = self.paths.count(where: \.isAlive)
        let requested = self.locals.count(where: \.openRequested) + self.cancelledOpens.count
        return max(0, self.configuration.maxPaths - alive - requested)
    }

    func hasAlivePath(_ address: NetworkAddress) -> Bool {
        self.paths.contains { $0.isAlive && $0.local.address == address }
    }

    // MARK: - Steps

    private mutating func absorb(_ snapshots: [PathSnapshot]) {
        for snapshot in snapshots {
            guard let index = self.pathIndex(snapshot.pathID), self.paths[index].phase != .closed else { continue }
            self.paths[index].statistics.smoothedRTT = snapshot.smoothedRTT
            self.paths[index].statistics.minRTT = snapshot.minRTT
            self.paths[index].bytesInFlight = snapshot.bytesInFlight
            self.paths[index].consecutivePTOs = snapshot.consecutivePTOs
        }
    }

    private mutating func emitPendingAbandons(into actions: inout [PathAction]) {
        for index in self.paths.indices {
            guard let code = self.paths[index].pendingAbandonCode else { continue }
            self.paths[index].pendingAbandonCode = nil
            actions.append(.abandon(self.paths[index].id, errorCode: code))
        }
    }

    /// A validated path has failed when it had `failureConsecutivePTOs` probe timeouts in a row, or when
    /// ack-eliciting data has been waiting longer than the silence window for an acknowledgment. A failed path
    /// is abandoned with PATH_UNSTABLE_OR_POOR (draft-ietf-quic-multipath-21 §4.2.1: "the used interface is
    /// observed to be unstable or performance is considered poor") and its local endpoint re-opened later.
    ///
    /// Failed paths are kept while no other validated path is healthy and showed life (a packet received, an
    /// acknowledgment) after the failed one fell silent: draft-ietf-quic-multipath-21 §3.4, "If a
    /// PATH_ABANDON frame is received for the only open path of a QUIC connection, the receiving peer SHOULD
    /// send a CONNECTION_CLOSE frame", and connectivity may come back. Such a path is reported `failed` once,
    /// stays in use, and is abandoned as soon as another path is usable, unless it recovered first.
    private mutating func detectFailures(now: UInt64, into actions: inout [PathAction]) {
        var failing: [(index: Int, reason: PathFailureReason)] = []
        var healthy: [Int] = []
        for index in self.paths.indices where self.paths[index].phase == .active {
            if let reason = self.failureReason(self.paths[index], now: now) {
                failing.append((index, reason))
            } else {
                self.paths[index].isFailedButKept = false
                healthy.append(index)
            }
        }
        for (index, reason) in failing {
            let id = self.paths[index].id
            if !self.paths[index].isFailedButKept {
                self.emit(.failed(id, reason: reason))
            }
            // A healthy path with traffic is a witness only if it showed life after this one fell silent: when
            // every path went quiet together, the peer (or this host) stalled, and no path is to blame. (A path
            // with nothing recorded yet, a standby that was never given data, is trusted on its state alone.)
            let silentSince = self.paths[index].silenceStart ?? self.paths[index].unacknowledgedSince ?? 0
            let witnessed = healthy.contains { other in
                self.paths[other].lastSignOfLife.map { $0 > silentSince } ?? true
            }
            guard witnessed else {
                self.paths[index].isFailedButKept = true
                continue
            }
            actions.append(.abandon(id, errorCode: TransportErrorCode.pathUnstableOrPoor.rawValue))
            self.giveUp(pathAt: index, now: now)
        }
    }

    /// Why `path` counts as failed at `now`, or nil while it delivers.
    private func failureReason(_ path: ManagedPath, now: UInt64) -> PathFailureReason? {
        if path.consecutivePTOs >= self.configuration.failureConsecutivePTOs {
            return .probeTimeouts(count: path.consecutivePTOs)
        }
        if let start = path.silenceStart, now >= PathTime.adding(start, self.silenceWindow(for: path)) {
            return .silence(duration: now - start)
        }
        return nil
    }

    /// Announces each alive path's status: paths from backup endpoints are backups, all others available.
    /// When no available path is usable, the usable standby with the lowest RTT is announced available and
    /// takes the traffic (draft-ietf-quic-multipath-21 §3.3); when an available path is usable again, the
    /// standby goes back to backup.
    private mutating func reconcileStatuses(into actions: inout [PathAction]) {
        let primaries = self.paths.filter { $0.isUsable && !$0.local.isBackup }
        let previous = self.promotedStandby
        var promoted: PathID?
        if primaries.isEmpty {
            if let current = previous, let index = self.pathIndex(current), self.paths[index].isUsable {
                promoted = current
            } else {
                promoted = self.paths.filter { $0.isUsable && $0.local.isBackup }.min(by: Self.fasterPath)?.id
            }
        }
        self.promotedStandby = promoted
        if let promoted, promoted != previous {
            self.emit(.becamePrimary(promoted))
        } else if promoted == nil, previous != nil, let primary = primaries.min(by: Self.fasterPath) {
            self.emit(.becamePrimary(primary.id))
        }
        for index in self.paths.indices where self.paths[index].isAlive {
            let path = self.paths[index]
            let desired: PathStatus = path.local.isBackup && path.id != promoted ? .backup : .available
            guard desired != path.announcedStatus else { continue }
            self.paths[index].announcedStatus = desired
            actions.append(.setStatus(path.id, desired))
            self.emit(.statusChanged(path.id, desired))
        }
    }

    /// Lowest smoothed RTT first, then lowest path ID.
    private static func fasterPath(_ lhs: ManagedPath, _ rhs: ManagedPath) -> Bool {
        let left = lhs.statistics.smoothedRTT
        let right = rhs.statistics.smoothedRTT
        return left != right ? left < right : lhs.id < rhs.id
    }

    /// Opens every local endpoint whose re-open time has come and that has no path, available endpoints
    /// before backups and then in configuration order, without exceeding `maxPaths`.
    mutating func openDueLocals(now: UInt64, into actions: inout [PathAction]) {
        guard self.isStarted else { return }
        var due: [Int] = []
        for index in self.locals.indices where !self.locals[index].openRequested {
            guard let at = self.locals[index].reopenAt, at <= now else { continue }
            if self.hasAlivePath(self.locals[index].endpoint.address) {
                self.locals[index].reopenAt = nil
            } else {
                due.append(index)
            }
        }
        let backups = due.filter { self.locals[$0].endpoint.isBackup }
        let ordered = due.filter { !self.locals[$0].endpoint.isBackup } + backups
        for index in ordered.prefix(self.openCapacity) {
            self.locals[index].openRequested = true
            self.locals[index].reopenAt = nil
            actions.append(.open(local: self.locals[index].endpoint))
        }
    }

    /// Probes every validated standby on which nothing ack-eliciting was sent for `standbyProbeInterval`.
    private mutating func probeStandbys(now: UInt64, into actions: inout [PathAction]) {
        let interval = self.configuration.standbyProbeInterval
        for index in self.paths.indices where self.paths[index].phase == .active {
            let path = self.paths[index]
            guard path.announcedStatus == .backup, now >= PathTime.adding(path.lastStandbyActivity, interval) else {
                continue
            }
            self.paths[index].lastProbeRequestAt = now
            actions.append(.probe(path.id))
        }
    }
}
