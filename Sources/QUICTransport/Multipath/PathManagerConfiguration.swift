/// The policy knobs of the `PathManager`. All durations are nanoseconds.
public struct PathManagerConfiguration: Sendable, Hashable {
    /// The local endpoints a client opens paths from, in order of preference. Endpoints with the same address
    /// count once (the first wins). A server leaves this empty: it only watches the paths its peer opens.
    public var locals: [LocalPathEndpoint]
    /// Probe timeouts in a row (RFC 9002 §6.2 `pto_count`) at which a validated path counts as failed.
    /// Each PTO without an acknowledgment doubles the back-off, so two in a row already mean several RTTs
    /// of silence. At least 1.
    public var failureConsecutivePTOs: Int
    /// A validated path that has ack-eliciting data in flight and receives no acknowledgment for this many
    /// smoothed RTTs counts as failed. At least 1.
    public var failureSilenceRTTs: Int
    /// The shortest silence that counts as a failure, whatever the RTT: it keeps a path with a tiny RTT from
    /// failing on an ordinary delayed acknowledgment (RFC 9000 §13.2.1 `max_ack_delay`).
    public var minimumSilence: UInt64
    /// A backup path on which nothing ack-eliciting was sent for this long gets a probe, to keep it warm
    /// (NAT bindings) and its RTT estimate fresh.
    public var standbyProbeInterval: UInt64
    /// The wait before re-opening a path from a local endpoint whose last path failed, was abandoned, failed
    /// validation or could not be opened. It doubles with each further failure, up to `maxReopenBackoff`, and
    /// starts over once a path from that endpoint is validated.
    public var reopenBackoff: UInt64
    /// The longest re-open wait.
    public var maxReopenBackoff: UInt64
    /// The most paths the manager keeps open (or opening) at once. At least 1.
    public var maxPaths: Int
    /// How many closed paths keep their statistics in `PathManager.statistics`; older ones are dropped so a
    /// long-lived connection on a flapping interface does not grow without bound.
    public var closedPathHistory: Int

    public static let millisecond: UInt64 = 1_000_000
    public static let second: UInt64 = 1_000_000_000

    public init(
        locals: [LocalPathEndpoint] = [],
        failureConsecutivePTOs: Int = 2,
        failureSilenceRTTs: Int = 4,
        minimumSilence: UInt64 = 100 * PathManagerConfiguration.millisecond,
        standbyProbeInterval: UInt64 = PathManagerConfiguration.second,
        reopenBackoff: UInt64 = PathManagerConfiguration.second,
        maxReopenBackoff: UInt64 = 30 * PathManagerConfiguration.second,
        maxPaths: Int = 4,
        closedPathHistory: Int = 32
    ) {
        self.locals = locals
        self.failureConsecutivePTOs = failureConsecutivePTOs
        self.failureSilenceRTTs = failureSilenceRTTs
        self.minimumSilence = minimumSilence
        self.standbyProbeInterval = standbyProbeInterval
        self.reopenBackoff = reopenBackoff
        self.maxReopenBackoff = maxReopenBackoff
        self.maxPaths = maxPaths
        self.closedPathHistory = closedPathHistory
    }

    /// The configuration with every value brought into its valid range and duplicate local addresses removed,
    /// so that no setting can make the manager trap or spin.
    var normalized: PathManagerConfiguration {
        var result = self
        var seen = Set<NetworkAddress>()
        result.locals = self.locals.filter { seen.insert($0.address).inserted }
        result.failureConsecutivePTOs = max(1, self.failureConsecutivePTOs)
        result.failureSilenceRTTs = max(1, self.failureSilenceRTTs)
        result.standbyProbeInterval = max(1, self.standbyProbeInterval)
        result.reopenBackoff = max(1, self.reopenBackoff)
        result.maxReopenBackoff = max(result.reopenBackoff, self.maxReopenBackoff)
        result.maxPaths = max(1, self.maxPaths)
        result.closedPathHistory = max(0, self.closedPathHistory)
        return result
    }
}
