import Foundation

/// Human-readable numbers for progress and summary lines (decimal units, as network rates are quoted).
public enum Formatting {
    /// `999 B`, `1.2 kB`, `104.9 MB`, `1.00 GB`...
    public static func bytes(_ count: UInt64) -> String {
        if count < 1_000 { return "\(count) B" }
        let units = ["kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(count) / 1_000
        var unit = 0
        while value >= 999.95, unit < units.count - 1 {
            value /= 1_000
            unit += 1
        }
        return String(format: "%.1f %@", value, units[unit])
    }

    /// `812.3 Mbit/s`, `1.23 Gbit/s`, `56.0 kbit/s`, from bytes per second.
    public static func rate(bytesPerSecond: Double) -> String {
        let bits = bytesPerSecond.isFinite ? max(0, bytesPerSecond * 8) : 0
        if bits >= 1e9 { return String(format: "%.2f Gbit/s", bits / 1e9) }
        if bits >= 1e6 { return String(format: "%.1f Mbit/s", bits / 1e6) }
        return String(format: "%.1f kbit/s", bits / 1e3)
    }

    /// `0.8s`, `59.9s`, `1:05`, `2:03:04` (elapsed time).
    public static func duration(seconds: Double) -> String {
        let value = seconds.isFinite ? max(0, seconds) : 0
        if value < 60 { return String(format: "%.1fs", value) }
        let whole = Int(min(value, 1e9))
        if whole < 3_600 { return String(format: "%d:%02d", whole / 60, whole % 60) }
        return String(format: "%d:%02d:%02d", whole / 3_600, (whole / 60) % 60, whole % 60)
    }

    /// Megabits per second of `bytes` over `seconds` (0 when no time passed).
    public static func megabitsPerSecond(bytes: UInt64, seconds: Double) -> Double {
        seconds > 0 ? Double(bytes) * 8 / seconds / 1e6 : 0
    }

    /// Parses a size typed on a command line: decimal digits with an optional k, M, G or T suffix (powers of
    /// 1000, as network sizes are quoted): "100M" is 100,000,000. Nil when malformed or above `UInt64.max`.
    public static func parseByteCount(_ text: String) -> UInt64? {
        let multipliers: [Character: UInt64] = [
            "k": 1_000, "K": 1_000, "M": 1_000_000, "G": 1_000_000_000, "T": 1_000_000_000_000,
        ]
        guard let last = text.last else { return nil }
        let multiplier = multipliers[last]
        let digits = multiplier == nil ? Substring(text) : text.dropLast()
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt64(digits) else {
            return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier ?? 1)
        return overflow ? nil : product
    }
}
