import Foundation

/// Numbers as the report shows them: a few significant digits, no locale, no exponent.
public enum LabFormat {
    /// `value` with `decimals` digits after the point.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "-∞") }
        return String(format: "%.\(max(0, min(decimals, 9)))f", value)
    }

    /// `value` with about `digits` significant digits (whole numbers keep all of theirs).
    public static func significant(_ value: Double, _ digits: Int = 3) -> String {
        // Rounding noise (a standard deviation of equal values) shows as 0, not as a string of zeros.
        guard value.isFinite, abs(value) >= 1e-9 else { return value.isFinite ? "0" : Self.fixed(value, 0) }
        let magnitude = Int(log10(abs(value)).rounded(.down))
        return Self.fixed(value, digits - 1 - magnitude)
    }

    /// A whole number without decimals, anything else with three significant digits: "30", "0.5", "12.5".
    public static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return Self.significant(value)
    }

    /// "69%" for 0.69.
    public static func percent(_ fraction: Double) -> String {
        Self.fixed(fraction * 100, fraction < 0.1 ? 1 : 0) + "%"
    }
}

/// The unit of a value, read from an objective label ("p95 request time (s)") or a measure key: how to show it
/// and in which unit to plot it.
public enum LabUnit: Sendable, Hashable {
    case seconds
    case bitsPerSecond
    case bytes
    case percent
    /// A unit the report knows nothing about, shown as written.
    case other(String)
    case none

    /// The unit named in parentheses at the end of `label`, or else the one a known key implies.
    public init(label: String?, key: String) {
        if let label, let open = label.lastIndex(of: "("), label.hasSuffix(")") {
            let unit = String(label[label.index(after: open)..<label.index(before: label.endIndex)])
            switch unit {
            case "s", "seconds": self = .seconds
            case "bit/s", "bits/s": self = .bitsPerSecond
            case "B", "bytes": self = .bytes
            case "%": self = .percent
            default: self = .other(unit)
            }
            return
        }
        switch key {
        case LabMeasure.goodput: self = .bitsPerSecond
        case LabMeasure.meteredBytes: self = .bytes
        case LabMeasure.seconds, LabMeasure.p50, LabMeasure.p95, LabMeasure.p99, LabMeasure.totalStall,
             LabMeasure.longestStall:
            self = .seconds
        default:
            if key.hasSuffix("seconds") {
                self = .seconds
            } else if key.hasSuffix("bytes") {
                self = .bytes
            } else {
                self = .none
            }
        }
    }

    /// The unit values are shown and plotted in: "s", "Mbit/s", "MB".
    public var symbol: String {
        switch self {
        case .seconds: return "s"
        case .bitsPerSecond: return "Mbit/s"
        case .bytes: return "MB"
        case .percent: return "%"
        case .other(let unit): return unit
        case .none: return ""
        }
    }

    /// `value` converted to ``symbol``'s unit.
    public func scaled(_ value: Double) -> Double {
        switch self {
        case .bitsPerSecond, .bytes: return value / 1e6
        default: return value
        }
    }

    /// `value` in ``symbol``'s unit, without the unit: "0.383", "18.2".
    public func number(_ value: Double) -> String {
        self.number(scaled: self.scaled(value))
    }

    /// A value already in ``symbol``'s unit, without the unit.
    public func number(scaled: Double) -> String {
        switch self {
        case .seconds:
            return LabFormat.fixed(scaled, abs(scaled) < 1 ? 3 : (abs(scaled) < 100 ? 2 : 1))
        case .percent:
            return LabFormat.fixed(scaled, 1)
        case .other, .none:
            return LabFormat.number(scaled)
        default:
            if scaled == scaled.rounded(), abs(scaled) >= 100 { return LabFormat.fixed(scaled, 0) }
            return LabFormat.significant(scaled)
        }
    }

    /// `value` with its unit: "0.383 s", "18.2 Mbit/s", "12".
    public func format(_ value: Double) -> String {
        let symbol = self.symbol
        return symbol.isEmpty ? self.number(value) : "\(self.number(value)) \(symbol)"
    }
}

extension LabObjective {
    /// The label without its unit: "p95 request time".
    public var name: String {
        guard let open = self.label.lastIndex(of: "("), self.label.hasSuffix(")") else { return self.label }
        return String(self.label[..<open]).trimmingCharacters(in: .whitespaces)
    }

    public var unit: LabUnit { LabUnit(label: self.label, key: self.measure) }

    /// "p95 request time 0.383 s".
    public func describe(_ value: Double?) -> String {
        "\(self.name) " + (value.map { self.unit.format($0) } ?? "n/a")
    }
}
