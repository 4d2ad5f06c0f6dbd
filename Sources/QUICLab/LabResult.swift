/// Bytes one interface carried in a run (UDP payloads, both directions).
public struct LabPathBytes: Sendable, Hashable, Codable {
    public var name: String
    public var bytes: Int
    public var metered: Bool
}

/// The measured outcome of one scenario x strategy x seed run. Times are virtual seconds.
public struct LabResult: Sendable, Hashable, Codable {
    public var scenario: String
    public var strategy: String
    public var seed: UInt64
    /// Whether the whole workload finished before the scenario's duration limit.
    public var completed: Bool
    /// Virtual seconds from the first request to the end of the workload (or of the run).
    public var seconds: Double
    /// Application bytes the client read, times 8, over ``seconds``.
    public var goodputBitsPerSecond: Double
    public var bytesReceived: Int
    public var requestsIssued: Int
    public var requestsCompleted: Int
    /// Request completion-time percentiles (nearest rank); a request still open at the end counts with the time it
    /// had waited by then. Nil without requests.
    public var completionP50: Double?
    public var completionP95: Double?
    public var completionP99: Double?
    /// Sum and maximum of the gaps in data reaching the client application, while it waited for data, that were
    /// longer than the scenario's stall threshold.
    public var totalStall: Double
    public var longestStall: Double
    public var stallCount: Int
    public var bytesPerPath: [LabPathBytes]
    /// Bytes on metered interfaces.
    public var meteredBytes: Int
    /// When the client migrated (strategy `migration`), seconds from the start of the run.
    public var migratedAt: Double?

    /// Nearest-rank percentile `p` (0...100) of `values`; nil when empty.
    public static func percentile(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
