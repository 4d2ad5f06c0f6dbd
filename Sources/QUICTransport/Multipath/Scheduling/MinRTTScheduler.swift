import QUICWire

/// The default scheduler: each packet goes on the `available` path with the lowest smoothed RTT that has
/// congestion-window (and pacing) room for it; `backup` paths are used only when no `available` path can
/// send. When the fastest path's window is full, the packet spills over to the next fastest one, so all
/// paths fill up in RTT order.
public struct MinRTTScheduler: PacketScheduler, Sendable {
    public init() {}

    public mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        if let decision = SchedulingRules.pinnedOrRedundant(intent, paths: paths) { return decision }
        return SchedulingRules.send(on: SchedulingRules.lowestRTT(intent: intent, paths: paths))
    }
}
