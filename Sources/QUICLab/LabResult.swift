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
    /// Application bytes read (by the client, and by the server for an uplink workload), times 8, over ``seconds``.
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
    /// longer than the scenario's stall threshold; for a playback workload, its rebuffering instead.
    public var totalStall: Double
    public var longestStall: Double
    public var stallCount: Int
    public var bytesPerPath: [LabPathBytes]
    /// Bytes on metered interfaces.
    public var meteredBytes: Int
    /// When the client migrated (strategy `migration`), seconds from the start of the run.
    public var migratedAt: Double?
    /// Every request's completion time in seconds, in the order the requests left (a request still open at the end
    /// counts with the time it had waited); the source of the percentiles and of the report's CDFs.
    public var completionTimes: [Double]
    /// What the scenario's own workload measured beyond the common fields, by key (see ``LabMeasure``).
    public var measures: [String: Double]
    /// UDP payload bytes each interface delivered over time.
    public var series: LabSeries

    /// The value of `key` for this run: a common field (``LabMeasure/goodput``, ``LabMeasure/p95`` and the like) or one
    /// of ``measures``; nil when the run has no such value (no requests, or a measure another workload reports).
    public func value(of key: String) -> Double? {
        switch key {
        case LabMeasure.goodput: return self.goodputBitsPerSecond
        case LabMeasure.seconds: return self.seconds
        case LabMeasure.p50: return self.completionP50
        case LabMeasure.p95: return self.completionP95
        case LabMeasure.p99: return self.completionP99
        case LabMeasure.totalStall: return self.totalStall
        case LabMeasure.longestStall: return self.longestStall
        case LabMeasure.meteredBytes: return Double(self.meteredBytes)
        default: return self.measures[key]
        }
    }

    /// Nearest-rank percentile `p` (0...100) of `values`; nil when empty.
    public static func percentile(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension LabResult {
    /// A run's result from what it measured, derived the same way for simulated and real runs: goodput is
    /// `bytesRead` over `seconds`, the percentiles are over `completionTimes` (a request still open at the end
    /// included, with the time it had waited), metered bytes are the metered interfaces' bytes.
    init(scenario: LabScenario, strategy: LabStrategy, seed: UInt64, completed: Bool, seconds: Double, bytesRead: Int,
         requestsIssued: Int, requestsCompleted: Int, completionTimes: [Double],
         stalls: (total: Double, longest: Double, count: Int), bytesPerPath: [LabPathBytes], migratedAt: Double?,
         measures: [String: Double], series: LabSeries) {
        self.scenario = scenario.name
        self.strategy = strategy.name(in: scenario)
        self.seed = seed
        self.completed = completed
        self.seconds = seconds
        self.goodputBitsPerSecond = seconds > 0 ? Double(bytesRead) * 8 / seconds : 0
        self.bytesReceived = bytesRead
        self.requestsIssued = requestsIssued
        self.requestsCompleted = requestsCompleted
        self.completionP50 = Self.percentile(50, of: completionTimes)
        self.completionP95 = Self.percentile(95, of: completionTimes)
        self.completionP99 = Self.percentile(99, of: completionTimes)
        self.totalStall = stalls.total
        self.longestStall = stalls.longest
        self.stallCount = stalls.count
        self.bytesPerPath = bytesPerPath
        self.meteredBytes = bytesPerPath.filter(\.metered).reduce(0) { $0 + $1.bytes }
        self.migratedAt = migratedAt
        self.completionTimes = completionTimes
        self.measures = measures
        self.series = series
    }
}

/// Keys of the values a run reports (``LabResult/value(of:)``): the common ones, and the ones workloads add to
/// ``LabResult/measures``.
public enum LabMeasure {
    public static let goodput = "goodput"
    public static let seconds = "seconds"
    public static let p50 = "p50"
    public static let p95 = "p95"
    public static let p99 = "p99"
    public static let totalStall = "total-stall"
    public static let longestStall = "longest-stall"
    public static let meteredBytes = "metered-bytes"
    /// Metered bytes over the bytes of every interface, 0...1 (runs with a metered interface).
    public static let meteredShare = "metered-share"
    /// Playback: seconds and number of rebuffering events (the buffer empties while media remains).
    public static let rebufferSeconds = "rebuffer-seconds"
    public static let rebufferCount = "rebuffer-count"
    /// Playback: mean and largest first-frame time of the clips (seconds from asking for a clip to its first frame).
    public static let firstFrame = "first-frame"
    public static let firstFrameMax = "first-frame-max"
    /// Live uplink: fraction of frames not at the server within their deadline, 0...1.
    public static let lateFrames = "late-frames"
    /// Live uplink: bytes of on-time frames x 8 over the stream's duration (bit/s).
    public static let deliveredBitrate = "delivered-bitrate"
    /// Tunnel: distinct datagram bytes delivered while the offer lasted x 8 over its duration (bit/s).
    public static let aggregateRate = "aggregate-rate"
    /// Tunnel: offered datagrams that never arrived, 0...1.
    public static let datagramLoss = "datagram-loss"
    /// Tunnel: 95th percentile one-way delay of the datagrams that arrived (seconds).
    public static let datagramDelayP95 = "datagram-delay-p95"
}

/// Bytes each interface delivered per time bin, in each direction: the report's goodput-per-path charts.
public struct LabSeries: Sendable, Hashable, Codable {
    public struct Path: Sendable, Hashable, Codable {
        public var name: String
        /// Server to client, bytes delivered in bin i (UDP payloads).
        public var down: [Int]
        /// Client to server.
        public var up: [Int]

        public init(name: String, down: [Int] = [], up: [Int] = []) {
            self.name = name
            self.down = down
            self.up = up
        }
    }

    /// Seconds each bin covers; bin i starts at i x binSeconds from the start of the run.
    public var binSeconds: Double
    public var paths: [Path]

    public init(binSeconds: Double, paths: [Path]) {
        self.binSeconds = binSeconds
        self.paths = paths
    }

    /// Adds `bytes` delivered at `seconds` on path `index`, downstream or not.
    mutating func add(_ bytes: Int, at seconds: Double, path index: Int, down: Bool) {
        guard self.paths.indices.contains(index), seconds >= 0 else { return }
        let bin = Int(seconds / self.binSeconds)
        if down {
            Self.add(bytes, to: &self.paths[index].down, bin: bin)
        } else {
            Self.add(bytes, to: &self.paths[index].up, bin: bin)
        }
    }

    private static func add(_ bytes: Int, to bins: inout [Int], bin: Int) {
        if bins.count <= bin { bins.append(contentsOf: repeatElement(0, count: bin + 1 - bins.count)) }
        bins[bin] += bytes
    }
}
