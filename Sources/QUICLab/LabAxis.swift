import Foundation

/// One axis of a chart: a domain widened to round numbers, where values fall on it (0 at the start, 1 at the end)
/// and the ticks to label. Linear axes step by 1, 2 or 5 times a power of ten; logarithmic ones by decades.
public struct LabAxis: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public var logarithmic: Bool
    public var ticks: [Double]
    /// Decimals of the tick labels.
    public var decimals: Int

    /// A linear axis covering `low...high` (and 0 when `includeZero`), with about `targetTicks` intervals.
    public static func linear(_ low: Double, _ high: Double, targetTicks: Int = 5, includeZero: Bool = true)
        -> LabAxis {
        var low = low.isFinite ? low : 0
        var high = high.isFinite ? high : 1
        if includeZero {
            low = min(low, 0)
            high = max(high, 0)
        }
        if high <= low {
            // A single value: show it in the middle of a unit-wide (or its own size) range.
            let half = low == 0 ? 0.5 : abs(low) / 2
            (low, high) = includeZero && low >= 0 ? (0, low + 2 * half) : (low - half, high + half)
        }
        let step = Self.niceStep((high - low) / Double(max(targetTicks, 1)))
        let first = (low / step).rounded(.down)
        let last = (high / step).rounded(.up)
        let count = Int(last - first)
        let ticks = (0...max(count, 1)).map { (first + Double($0)) * step }
        let decimals = max(0, -Int(log10(step).rounded(.down)))
        return LabAxis(lower: first * step, upper: ticks.last ?? high, logarithmic: false, ticks: ticks,
                       decimals: decimals)
    }

    /// A logarithmic axis from the decade at or below `low` to the one at or above `high` (both > 0).
    public static func logarithmic(_ low: Double, _ high: Double) -> LabAxis {
        let low = low > 0 && low.isFinite ? low : 1e-3
        let high = max(high.isFinite ? high : low * 10, low)
        let first = Int(log10(low).rounded(.down))
        let last = max(Int(log10(high).rounded(.up)), first + 1)
        let ticks = (first...last).map { pow(10, Double($0)) }
        return LabAxis(lower: pow(10, Double(first)), upper: pow(10, Double(last)), logarithmic: true, ticks: ticks,
                       decimals: max(0, -first))
    }

    /// Whether values from `low` to `high` (both > 0) span more than two decades: then a logarithmic axis reads
    /// better.
    public static func spansDecades(_ low: Double, _ high: Double) -> Bool {
        low > 0 && high / low > 100
    }

    /// 1, 2 or 5 times the power of ten at or above `rough`.
    public static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, log10(rough).rounded(.down))
        let fraction = rough / power
        if fraction <= 1 + 1e-9 { return power }
        if fraction <= 2 + 1e-9 { return 2 * power }
        if fraction <= 5 + 1e-9 { return 5 * power }
        return 10 * power
    }

    /// Where `value` falls: 0 at ``lower``, 1 at ``upper`` (outside for values beyond them).
    public func fraction(of value: Double) -> Double {
        if self.logarithmic {
            let low = log10(self.lower)
            let span = log10(self.upper) - low
            return span > 0 ? (log10(max(value, self.lower / 10)) - low) / span : 0
        }
        let span = self.upper - self.lower
        return span > 0 ? (value - self.lower) / span : 0
    }

    /// The label of a tick: "0", "2.5", "0.01".
    public func label(_ tick: Double) -> String {
        let decimals = self.logarithmic && tick > 0 ? max(0, -Int(log10(tick).rounded())) : self.decimals
        let text = LabFormat.fixed(tick, decimals)
        return text == "-0" ? "0" : text
    }
}
