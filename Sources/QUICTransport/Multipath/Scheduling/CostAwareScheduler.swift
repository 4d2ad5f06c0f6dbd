import QUICWire

/// Cheap paths first: traffic goes on free paths (lowest RTT first), and a metered path is used only when
/// it is needed and the metered byte budget allows it.
///
/// A metered path is *needed* when
/// - a target rate is set and the free paths' estimated capacity (the sum of congestion window / smoothed
///   RTT over the free paths that carry traffic and are not in probe timeout) is below it, and no free path
///   can send the packet now; or
/// - the intent has a deadline that no free path is estimated to meet (window wait plus one-way delay, see
///   `PathSnapshot.estimatedDelivery`) while a metered path is; or
/// - no free path delivers at all (there is none, or every one is in probe timeout): without the metered
///   path the connection would stall.
/// Among metered paths the cheapest per byte wins, then the lowest RTT.
///
/// Budget: the scheduler counts every byte reported through `onPacketSent` on a metered path, and never
/// chooses a metered path for a packet whose size would take that count over `meteredBudget`. This holds for
/// pinned and redundant intents too: a metered path over budget is treated as unable to send, so a pinned
/// intent waits and a redundant one goes on the other paths only. The guarantee needs the connection to
/// report each send before asking for the next decision and never to put more than `intent.size` bytes in
/// the packet.
public struct CostAwareScheduler: PacketScheduler, Sendable {
    /// The rate the application wants, in bytes per second (0: no rate target).
    public var targetRate: UInt64
    /// The most bytes that may ever be sent on metered paths.
    public var meteredBudget: UInt64
    /// Bytes sent on metered paths so far.
    public private(set) var meteredBytesSent: UInt64 = 0

    public init(targetRate: UInt64 = 0, meteredBudget: UInt64 = 0) {
        self.targetRate = targetRate
        self.meteredBudget = meteredBudget
    }

    /// Budget left for metered paths.
    public var remainingBudget: UInt64 {
        self.meteredBudget > self.meteredBytesSent ? self.meteredBudget - self.meteredBytesSent : 0
    }

    /// Whether `bytes` more on a metered path stays within the budget.
    public func budgetAllows(_ bytes: Int) -> Bool {
        bytes >= 0 && UInt64(bytes) <= self.remainingBudget
    }

    public mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        switch intent.kind {
        case .pinned(let pinned):
            guard let path = paths.first(where: { $0.pathID == pinned }) else { return .wait }
            if path.cost.isMetered && !self.budgetAllows(intent.size) { return .wait }
            return SchedulingRules.pinned(pinned, intent: intent, paths: paths)
        case .redundant:
            return self.redundant(intent, paths: paths)
        case .latencySensitive, .bulk:
            return self.single(intent, paths: paths, now: now)
        }
    }

    public mutating func onPacketSent(on path: PathSnapshot, bytes: Int, packetClass: PacketClass, now: UInt64) {
        guard path.cost.isMetered, bytes > 0 else { return }
        let (sum, overflow) = self.meteredBytesSent.addingReportingOverflow(UInt64(bytes))
        self.meteredBytesSent = overflow ? .max : sum
    }

    /// The free paths' estimated capacity in bytes per second; a path in probe timeout delivers nothing.
    public func freeCapacity(paths: [PathSnapshot]) -> Double {
        var total = 0.0
        for path in paths where !path.cost.isMetered && path.carriesTraffic && path.consecutivePTOs == 0 {
            total += path.estimatedRate
        }
        return total
    }

    private func single(_ intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        // Free paths whose probes go unanswered come last: they most likely deliver nothing.
        let free = SchedulingRules.lowestRTT(intent: intent, paths: paths) {
            !$0.cost.isMetered && $0.consecutivePTOs == 0
        }
        if let deadline = intent.deadline, !self.freePathMeets(deadline, intent: intent, paths: paths, now: now) {
            let metered = self.cheapestMetered(intent: intent, paths: paths) {
                $0.estimatedDelivery(of: intent.size, now: now) <= deadline
            }
            if let metered { return SchedulingRules.send(on: metered) }
        }
        if let free { return SchedulingRules.send(on: free) }
        if self.targetRate > 0, self.freeCapacity(paths: paths) < Double(self.targetRate) {
            return SchedulingRules.send(on: self.cheapestMetered(intent: intent, paths: paths))
        }
        // No free path delivers at all (none left, or all in probe timeout): the metered path keeps the
        // connection alive, within the budget.
        if !paths.contains(where: { !$0.cost.isMetered && $0.carriesTraffic && $0.consecutivePTOs == 0 }),
           let metered = self.cheapestMetered(intent: intent, paths: paths) {
            return SchedulingRules.send(on: metered)
        }
        return SchedulingRules.send(on: SchedulingRules.lowestRTT(intent: intent, paths: paths) { !$0.cost.isMetered })
    }

    private func freePathMeets(_ deadline: UInt64, intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> Bool {
        paths.contains {
            !$0.cost.isMetered && $0.carriesTraffic && $0.estimatedDelivery(of: intent.size, now: now) <= deadline
        }
    }

    /// The cheapest metered path that can send `intent` within budget and passes `isEligible`.
    private func cheapestMetered(
        intent: SendIntent,
        paths: [PathSnapshot],
        where isEligible: (PathSnapshot) -> Bool = { _ in true }
    ) -> PathSnapshot? {
        guard self.budgetAllows(intent.size) else { return nil }
        var best: PathSnapshot?
        for path in paths where path.cost.isMetered && path.canSend(intent) && isEligible(path) {
            guard let current = best else {
                best = path
                continue
            }
            if path.cost.costPerByte != current.cost.costPerByte {
                if path.cost.costPerByte < current.cost.costPerByte { best = path }
            } else if SchedulingRules.isPreferred(path, over: current) {
                best = path
            }
        }
        return best
    }

    /// Every usable free path, plus metered ones (in snapshot order) while the budget covers one copy each.
    private func redundant(_ intent: SendIntent, paths: [PathSnapshot]) -> SchedulingDecision {
        var remaining = self.remainingBudget
        let size = UInt64(max(intent.size, 0))
        var admitted = PathSelection()
        // Metered paths in snapshot order; admit each while a copy still fits in the budget.
        for path in paths where path.cost.isMetered && path.canSend(intent) && size <= remaining {
            guard admitted.append(path.pathID) else { break }
            remaining -= size
        }
        return SchedulingRules.allUsable(intent: intent, paths: paths) {
            !$0.cost.isMetered || admitted.contains($0.pathID)
        }
    }
}
