import QUICWire

/// Decides which path (or paths) the next packet leaves on.
///
/// The connection calls `choosePaths` once per packet with read-only snapshots of every path, then reports
/// what happened to the packets through the `on…` hooks so that stateful schedulers can learn; the hooks
/// default to doing nothing. Schedulers are values with no clock of their own: `now` is an input.
///
/// Rules every scheduler follows (the built-in ones through `SchedulingRules`):
/// - `pinned(PathID)` intents go on that path only. If it cannot send now the decision is `.wait`; a
///   scheduler never falls back silently to another path, because the application pinned the data for a
///   reason (a path-bound probe, a policy, a measurement).
/// - `redundant` intents go on every usable path (the receiver discards duplicates).
/// - Paths in `backup` status are used only when no `available` path can carry the packet.
public protocol PacketScheduler {
    /// The path(s) for a packet described by `intent`, or `.wait` when none can send now.
    mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision

    /// A packet of `bytes` bytes left on `path` (a snapshot taken before the send).
    mutating func onPacketSent(on path: PathSnapshot, bytes: Int, packetClass: PacketClass, now: UInt64)

    /// A packet of `bytes` bytes sent on `path` was acknowledged.
    mutating func onAcked(on path: PathSnapshot, bytes: Int, now: UInt64)

    /// A packet of `bytes` bytes sent on `path` was declared lost.
    mutating func onLost(on path: PathSnapshot, bytes: Int, now: UInt64)
}

extension PacketScheduler {
    public mutating func onPacketSent(on path: PathSnapshot, bytes: Int, packetClass: PacketClass, now: UInt64) {}
    public mutating func onAcked(on path: PathSnapshot, bytes: Int, now: UInt64) {}
    public mutating func onLost(on path: PathSnapshot, bytes: Int, now: UInt64) {}
}

/// Building blocks shared by the built-in schedulers; custom schedulers may use them too.
public enum SchedulingRules {
    /// The decision for a pinned intent: the pinned path if it can send, otherwise `.wait`.
    @inlinable
    public static func pinned(_ path: PathID, intent: SendIntent, paths: [PathSnapshot]) -> SchedulingDecision {
        for snapshot in paths where snapshot.pathID == path {
            return snapshot.canSendPinned(intent) ? .send(on: PathSelection(path)) : .wait
        }
        return .wait
    }

    /// The decision every built-in scheduler makes the same way: a pinned intent goes on its path or waits, a
    /// redundant one on every usable path. Nil for latency-sensitive and bulk intents, which are the scheduler's own.
    @inlinable
    public static func pinnedOrRedundant(_ intent: SendIntent, paths: [PathSnapshot]) -> SchedulingDecision? {
        switch intent.kind {
        case .pinned(let path): return self.pinned(path, intent: intent, paths: paths)
        case .redundant: return self.allUsable(intent: intent, paths: paths)
        case .latencySensitive, .bulk: return nil
        }
    }

    /// Every path that can send `intent` and passes `isEligible`: the `available` ones, or the `backup` ones
    /// when no `available` one can. `.wait` when none can, and when the copy for the preferred path would
    /// only wait for its pacer and still arrive first (see ``lowestRTT(intent:paths:where:)``).
    @inlinable
    public static func allUsable(
        intent: SendIntent,
        paths: [PathSnapshot],
        where isEligible: (PathSnapshot) -> Bool = { _ in true }
    ) -> SchedulingDecision {
        var available = PathSelection()
        var backup = PathSelection()
        for snapshot in paths where snapshot.canSend(intent) && isEligible(snapshot) {
            if snapshot.status == .available {
                available.append(snapshot.pathID)
            } else {
                backup.append(snapshot.pathID)
            }
        }
        if available.isEmpty, backup.isEmpty { return .wait }
        if self.lowestRTT(intent: intent, paths: paths, where: isEligible) == nil { return .wait }
        return .send(on: available.isEmpty ? backup : available)
    }

    /// The usable path with the lowest smoothed RTT among those passing `isEligible`, preferring `available`
    /// paths to `backup` ones; ties go to the lower path ID (deterministic). Nil when none can send, and nil
    /// too when a preferred path only waits for its pacer and the packet is better off waiting for it (see
    /// ``waitingIsFaster(_:than:intent:)``): a pacer spaces packets by a fraction of an RTT, and spilling the
    /// rest of a reply onto a slower path (or a backup one) delays what it carries by the difference of the
    /// RTTs, or by a whole probe timeout when that path has just died.
    @inlinable
    public static func lowestRTT(
        intent: SendIntent,
        paths: [PathSnapshot],
        where isEligible: (PathSnapshot) -> Bool = { _ in true }
    ) -> PathSnapshot? {
        var best: PathSnapshot?
        var paced: PathSnapshot?
        for snapshot in paths where isEligible(snapshot) {
            if snapshot.canSend(intent) {
                if best.map({ self.isPreferred(snapshot, over: $0) }) ?? true { best = snapshot }
            } else if snapshot.isOnlyPaced(for: intent) {
                if paced.map({ self.isPreferred(snapshot, over: $0) }) ?? true { paced = snapshot }
            }
        }
        if let best, let paced, self.isPreferred(paced, over: best),
           self.waitingIsFaster(paced, than: best, intent: intent) {
            return nil
        }
        return best
    }

    /// Whether a packet for `intent` should wait for `paced`'s pacer rather than leave now on `ready`:
    /// always when `paced` is `available` and `ready` only a backup (backups carry data only when no
    /// available path can); and, for data that is not bulk, when the pacing delay plus `paced`'s one-way
    /// delay (half its smoothed RTT) is at most `ready`'s one-way delay, so the packet still arrives first.
    /// Bulk data keeps spilling over: aggregating the paths' capacity matters more for it than the arrival
    /// time of one packet.
    @inlinable
    public static func waitingIsFaster(_ paced: PathSnapshot, than ready: PathSnapshot, intent: SendIntent) -> Bool {
        if paced.status == .available, ready.status == .backup { return true }
        if case .bulk = intent.kind { return false }
        let (waited, overflow) = paced.pacingDelay.addingReportingOverflow(paced.smoothedRTT / 2)
        return !overflow && waited <= ready.smoothedRTT / 2
    }

    /// Ordering used by `lowestRTT`: status first (available before backup), then sRTT, then path ID.
    @inlinable
    public static func isPreferred(_ lhs: PathSnapshot, over rhs: PathSnapshot) -> Bool {
        self.isPreferred(lhs, over: rhs, delay: \.smoothedRTT)
    }

    /// The same ordering with another measure of a path's delay in place of the smoothed RTT.
    @inlinable
    public static func isPreferred(_ lhs: PathSnapshot, over rhs: PathSnapshot,
                                   delay: (PathSnapshot) -> UInt64) -> Bool {
        let lhsBackup = lhs.status == .backup
        let rhsBackup = rhs.status == .backup
        if lhsBackup != rhsBackup { return rhsBackup }
        let (lhsDelay, rhsDelay) = (delay(lhs), delay(rhs))
        if lhsDelay != rhsDelay { return lhsDelay < rhsDelay }
        return lhs.pathID < rhs.pathID
    }

    /// `.send` on `path` if there is one, otherwise `.wait`.
    @inlinable
    public static func send(on path: PathSnapshot?) -> SchedulingDecision {
        guard let path else { return .wait }
        return .send(on: PathSelection(path.pathID))
    }
}
