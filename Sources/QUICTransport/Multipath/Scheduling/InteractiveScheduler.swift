import QUICWire

/// For interactive traffic (calls, games, remote desktops): every packet is placed on its own, on the
/// lowest-RTT path that can send it now, so a change in RTT takes effect on the very next packet.
///
/// Two refinements over `MinRTTScheduler`:
/// - a retransmission avoids the path its data was lost on whenever another path can carry it, since the
///   loss suggests that path is congested or failing and a second loss there doubles the delay;
/// - a path that is in probe timeout (one or more PTOs in a row) is used only when no path without a PTO
///   can send: its RTT estimate is stale and its packets may be sitting in a dead queue.
/// Within each of these steps `available` paths come before `backup` ones.
public struct InteractiveScheduler: PacketScheduler, Sendable {
    public init() {}

    public mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        if let decision = SchedulingRules.pinnedOrRedundant(intent, paths: paths) { return decision }
        let avoid = intent.isRetransmission ? intent.lostOnPath : nil
        // Most to least preferred: another path with no PTO, another path, then any path.
        if let path = SchedulingRules.lowestRTT(intent: intent, paths: paths, where: {
            $0.pathID != avoid && $0.consecutivePTOs == 0
        }) {
            return SchedulingRules.send(on: path)
        }
        if let path = SchedulingRules.lowestRTT(intent: intent, paths: paths, where: { $0.pathID != avoid }) {
            return SchedulingRules.send(on: path)
        }
        return SchedulingRules.send(on: SchedulingRules.lowestRTT(intent: intent, paths: paths))
    }
}
