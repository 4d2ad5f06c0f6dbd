import QUICWire

/// Takes the usable paths in turn, by ascending path ID: after path `n`, the next usable path with an ID
/// above `n`, wrapping to the lowest. A path that cannot send now (window or pacer full) is skipped for this
/// packet rather than waited for, so the scheduler is work-conserving; among paths that keep room, every
/// path gets the same number of packets (within one). `backup` paths are used only when no `available`
/// path can send.
///
/// The only state is the last path chosen, so the rotation survives paths appearing and disappearing.
public struct RoundRobinScheduler: PacketScheduler, Sendable {
    /// The path that carried the previous round-robin packet.
    public private(set) var lastPath: PathID?

    public init() {}

    public mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        if let decision = SchedulingRules.pinnedOrRedundant(intent, paths: paths) { return decision }
        let anyAvailable = paths.contains { $0.status == .available && $0.canSend(intent) }
        let tier: PathStatus = anyAvailable ? .available : .backup
        guard let next = self.next(after: self.lastPath, intent: intent, paths: paths, tier: tier) else {
            return .wait
        }
        self.lastPath = next
        return .send(on: PathSelection(next))
    }

    /// The smallest usable ID above `last`, else the smallest usable ID overall.
    private func next(after last: PathID?, intent: SendIntent, paths: [PathSnapshot], tier: PathStatus) -> PathID? {
        var above: PathID?
        var lowest: PathID?
        for snapshot in paths where snapshot.status == tier && snapshot.canSend(intent) {
            let id = snapshot.pathID
            if lowest.map({ id < $0 }) ?? true { lowest = id }
            if let last, id > last, above.map({ id < $0 }) ?? true { above = id }
        }
        return above ?? lowest
    }
}
