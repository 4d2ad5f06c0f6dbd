/// Readers for the unit-suffixed values of relay settings: rates, durations, percentages and sizes.
///
/// Rates and sizes follow `tc`: `kbit`/`mbit`/`gbit` are powers of 1000 bits per second, `kb`/`mb` are
/// powers of 1024 bytes. A number without a unit is refused so that `delay=15` cannot silently mean 15 ns.
public enum RelayUnits {
    /// Bits per second from `20mbit`, `500kbit`, `1.5gbit`, `64000bit` (also `bps`, `kbps`, `mbps`, `gbps`).
    /// `0` and `unlimited` mean no rate limit and return 0.
    public static func bitsPerSecond(_ text: String, key: String = "rate") throws(RelayError) -> UInt64 {
        let lower = text.lowercased()
        if lower == "0" || lower == "unlimited" || lower == "none" {
            return 0
        }
        let units: [(String, Double)] = [
            ("gbit", 1e9), ("gbps", 1e9), ("mbit", 1e6), ("mbps", 1e6), ("kbit", 1e3), ("kbps", 1e3),
            ("bit", 1), ("bps", 1),
        ]
        let expected = "a rate such as 20mbit, 500kbit or 1gbit"
        return try Self.scaled(lower, units: units, key: key, original: text, expected: expected, limit: 1e12)
    }

    /// Nanoseconds from `15ms`, `250us`, `2s`, `1.5ms` or `100ns`.
    public static func nanoseconds(_ text: String, key: String = "delay") throws(RelayError) -> UInt64 {
        let lower = text.lowercased()
        if lower == "0" {
            return 0
        }
        let units: [(String, Double)] = [("ms", 1e6), ("us", 1e3), ("µs", 1e3), ("ns", 1), ("s", 1e9)]
        let expected = "a duration such as 15ms, 250us or 2s"
        return try Self.scaled(lower, units: units, key: key, original: text, expected: expected, limit: 1e14)
    }

    /// A probability in 0...1 from a percentage such as `0.5%`.
    public static func probability(_ text: String, key: String = "loss") throws(RelayError) -> Double {
        let expected = "a percentage between 0% and 100%, such as 0.5%"
        let trimmed = text.hasSuffix("%") ? String(text.dropLast()) : ""
        guard text == "0" || !trimmed.isEmpty, let value = Double(text == "0" ? "0" : trimmed),
              value.isFinite, value >= 0, value <= 100 else {
            throw .invalidValue(key: key, value: text, expected: expected)
        }
        return value / 100
    }

    /// Bytes from `64kb`, `1mb`, `1500b`.
    public static func bytes(_ text: String, key: String = "queue") throws(RelayError) -> Int {
        let lower = text.lowercased()
        let units: [(String, Double)] = [("mb", 1_048_576), ("kb", 1_024), ("b", 1)]
        let expected = "a size such as 64kb, 1mb or 1500b"
        return Int(try Self.scaled(lower, units: units, key: key, original: text, expected: expected, limit: 1e12))
    }

    private static func scaled(
        _ lower: String, units: [(String, Double)], key: String, original: String, expected: String, limit: Double
    ) throws(RelayError) -> UInt64 {
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            let number = lower.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number),
                  value.isFinite, value >= 0 else {
                break
            }
            let result = (value * factor).rounded()
            guard result <= limit else {
                throw .invalidValue(key: key, value: original, expected: expected + " (the value is too large)")
            }
            return UInt64(result)
        }
        throw .invalidValue(key: key, value: original, expected: expected)
    }
}
