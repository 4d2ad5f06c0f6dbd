import Histogram

/// Durations recorded into an HdrHistogram (microsecond resolution, three significant digits), so that the tail
/// percentiles of many thousands of samples cost a fixed amount of memory.
public struct LatencyRecorder: Sendable {
    /// One hour: longer samples are clamped to it (a benchmark's timeout ends the run long before).
    public static let highestMicroseconds: UInt64 = 3_600_000_000

    private var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1,
                                              highestTrackableValue: LatencyRecorder.highestMicroseconds,
                                              numberOfSignificantValueDigits: .three)

    public init() {}

    /// How many durations were recorded.
    public var count: UInt64 { self.histogram.totalCount }

    /// Records one duration given in seconds (negative ones count as zero).
    public mutating func record(seconds: Double) {
        let microseconds = seconds.isFinite ? (seconds * 1e6).rounded() : 0
        let clamped = min(max(microseconds, 0), Double(Self.highestMicroseconds))
        _ = self.histogram.record(UInt64(clamped))
    }

    /// Adds every sample of `other`.
    public mutating func add(_ other: LatencyRecorder) {
        self.histogram.add(other.histogram)
    }

    /// The percentiles a report shows; nil when nothing was recorded.
    public var summary: LatencySummary? {
        guard self.histogram.totalCount > 0 else { return nil }
        func milliseconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1_000 }
        return LatencySummary(
            count: self.histogram.totalCount,
            p50Ms: milliseconds(self.histogram.valueAtPercentile(50)),
            p99Ms: milliseconds(self.histogram.valueAtPercentile(99)),
            p999Ms: milliseconds(self.histogram.valueAtPercentile(99.9)),
            maxMs: milliseconds(self.histogram.max),
            meanMs: self.histogram.mean / 1_000)
    }
}

/// Percentiles of a set of durations, in milliseconds.
public struct LatencySummary: Codable, Hashable, Sendable {
    public var count: UInt64
    public var p50Ms: Double
    public var p99Ms: Double
    public var p999Ms: Double
    public var maxMs: Double
    public var meanMs: Double

    public init(count: UInt64, p50Ms: Double, p99Ms: Double, p999Ms: Double, maxMs: Double, meanMs: Double) {
        self.count = count
        self.p50Ms = p50Ms
        self.p99Ms = p99Ms
        self.p999Ms = p999Ms
        self.maxMs = maxMs
        self.meanMs = meanMs
    }

    /// "p50 1.23 ms  p99 4.56 ms  p99.9 7.89 ms  max 9.99 ms (1000 samples)".
    public var text: String {
        "p50 \(BenchFormat.milliseconds(self.p50Ms))  p99 \(BenchFormat.milliseconds(self.p99Ms))  "
            + "p99.9 \(BenchFormat.milliseconds(self.p999Ms))  max \(BenchFormat.milliseconds(self.maxMs)) "
            + "(\(self.count) samples)"
    }
}

/// Number formatting shared by the benchmark reports (no Foundation: these are pure).
public enum BenchFormat {
    /// A value with a fixed number of decimals: `fixed(1.005, decimals: 2)` is "1.01" (half away from zero).
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let places = max(0, min(decimals, 9))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e18 else { return "\(value)" }
        let integer = UInt64(scaled)
        let divisor = UInt64(scale)
        let whole = integer / divisor
        let fraction = integer % divisor
        let sign = value < 0 && integer > 0 ? "-" : ""
        guard places > 0 else { return "\(sign)\(whole)" }
        let digits = String(fraction)
        return "\(sign)\(whole)." + String(repeating: "0", count: places - digits.count) + digits
    }

    /// Milliseconds with a precision that suits their size: "0.412 ms", "12.4 ms", "1520 ms".
    public static func milliseconds(_ value: Double) -> String {
        if value < 1 { return Self.fixed(value, decimals: 3) + " ms" }
        if value < 100 { return Self.fixed(value, decimals: 1) + " ms" }
        return Self.fixed(value, decimals: 0) + " ms"
    }

    /// Bytes in binary units: "512 B", "3.2 KiB", "45.1 MiB".
    public static func bytes(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude < 1_024 { return Self.fixed(value, decimals: 0) + " B" }
        if magnitude < 1_048_576 { return Self.fixed(value / 1_024, decimals: 1) + " KiB" }
        if magnitude < 1_073_741_824 { return Self.fixed(value / 1_048_576, decimals: 1) + " MiB" }
        return Self.fixed(value / 1_073_741_824, decimals: 2) + " GiB"
    }

    /// A share as a percentage: "99.50%".
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "-" }
        return Self.fixed(Double(part) * 100 / Double(whole), decimals: 2) + "%"
    }
}
