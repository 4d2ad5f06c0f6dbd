import QUICWire

/// Hot standby: all traffic on the primary path while it is healthy, and on the best other path the moment
/// it is not.
///
/// The primary is unhealthy when it is missing from the snapshots, abandoned, not validated, or has had
/// `failureThreshold` probe timeouts in a row (RFC 9002 §6.2: each PTO without an acknowledgment doubles
/// the back-off, so repeated PTOs mean the path has stopped delivering). The decision is made from the
/// snapshots alone, so a failure is acted on at the first decision after it becomes visible, and traffic
/// returns to the primary as soon as it is healthy again (the path manager decides when to re-validate it).
///
/// While the primary is healthy but its window is full, the scheduler waits instead of spilling over:
/// standby paths carry no traffic (and cost nothing) until they are needed. On failover the replacement is
/// the lowest-RTT healthy path, `available` before `backup`.
public struct BackupScheduler: PacketScheduler, Sendable {
    /// The path that carries traffic while healthy (by default path 0, the handshake path).
    public var primary: PathID
    /// Consecutive PTOs at which the primary counts as failed.
    public var failureThreshold: Int
    /// The path the last `.send` decision for unpinned, non-redundant traffic used (nil before the first).
    public private(set) var activePath: PathID?
    /// How many times traffic moved from one path to another.
    public private(set) var switchCount = 0

    public static let defaultFailureThreshold = 3

    public init(primary: PathID = 0, failureThreshold: Int = BackupScheduler.defaultFailureThreshold) {
        self.primary = primary
        self.failureThreshold = max(1, failureThreshold)
    }

    /// Whether `path` can be relied on: usable status, validated, and fewer PTOs in a row than the threshold.
    public func isHealthy(_ path: PathSnapshot) -> Bool {
        path.carriesTraffic && path.consecutivePTOs < self.failureThreshold
    }

    public mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        if let decision = SchedulingRules.pinnedOrRedundant(intent, paths: paths) { return decision }
        var chosen: PathID?
        if let primary = paths.first(where: { $0.pathID == self.primary }), self.isHealthy(primary) {
            chosen = primary.canSend(intent) ? primary.pathID : nil
        } else {
            chosen = SchedulingRules.lowestRTT(intent: intent, paths: paths) {
                $0.pathID != self.primary && self.isHealthy($0)
            }?.pathID
        }
        guard let chosen else { return .wait }
        if let active = self.activePath, active != chosen { self.switchCount += 1 }
        self.activePath = chosen
        return .send(on: PathSelection(chosen))
    }
}
