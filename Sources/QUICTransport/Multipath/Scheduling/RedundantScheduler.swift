import QUICWire

/// Sends every packet on every usable path: all `available` paths that can send it now, or all `backup`
/// paths when no `available` one can. The receiver discards the duplicates (stream data by offset,
/// datagrams by the application). Trades capacity for the lowest tail latency and loss resilience.
///
/// A path without window room is skipped rather than waited for, so one slow path does not hold the others
/// back; `.wait` only when no path can send. Pinned intents still go on their path only.
public struct RedundantScheduler: PacketScheduler, Sendable {
    public init() {}

    public mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        if let pinned = intent.pinnedPath {
            return SchedulingRules.pinned(pinned, intent: intent, paths: paths)
        }
        return SchedulingRules.allUsable(intent: intent, paths: paths)
    }
}
