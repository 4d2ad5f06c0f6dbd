/// A span of time with nanosecond resolution.
///
/// Stored as a signed 64-bit count of nanoseconds (about ±292 years), so that the difference of two
/// instants can be negative without trapping. All arithmetic saturates at the bounds instead of
/// trapping, because durations are often derived from values a peer sent (ACK Delay, max_ack_delay).
public struct QUICDuration: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The length of this duration in nanoseconds.
    public var nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static let zero = QUICDuration(nanoseconds: 0)
    /// The largest representable duration; used as "infinity".
    public static let infinite = QUICDuration(nanoseconds: .max)

    @inlinable
    public static func nanoseconds(_ value: Int64) -> QUICDuration {
        QUICDuration(nanoseconds: value)
    }

    @inlinable
    public static func microseconds(_ value: Int64) -> QUICDuration {
        QUICDuration(nanoseconds: Self.saturatingMultiply(value, 1_000))
    }

    @inlinable
    public static func milliseconds(_ value: Int64) -> QUICDuration {
        QUICDuration(nanoseconds: Self.saturatingMultiply(value, 1_000_000))
    }

    @inlinable
    public static func seconds(_ value: Int64) -> QUICDuration {
        QUICDuration(nanoseconds: Self.saturatingMultiply(value, 1_000_000_000))
    }

    /// A duration from a number of seconds, rounded to the nearest nanosecond and clamped to the
    /// representable range.
    @inlinable
    public init(seconds value: Double) {
        let nanos = (value * 1e9).rounded()
        if !(nanos < 9.2e18) {
            self.init(nanoseconds: nanos.isNaN ? 0 : .max)
        } else if nanos < -9.2e18 {
            self.init(nanoseconds: .min)
        } else {
            self.init(nanoseconds: Int64(nanos))
        }
    }

    /// This duration in seconds, as a floating-point number (for rate and CUBIC computations).
    @inlinable
    public var seconds: Double {
        Double(self.nanoseconds) / 1e9
    }

    /// Whole microseconds, truncated toward zero.
    @inlinable
    public var microseconds: Int64 {
        self.nanoseconds / 1_000
    }

    @inlinable
    public var isNegative: Bool {
        self.nanoseconds < 0
    }

    @inlinable
    public static func < (lhs: QUICDuration, rhs: QUICDuration) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    @inlinable
    public static func + (lhs: QUICDuration, rhs: QUICDuration) -> QUICDuration {
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(rhs.nanoseconds)
        if overflow { return QUICDuration(nanoseconds: rhs.nanoseconds > 0 ? .max : .min) }
        return QUICDuration(nanoseconds: sum)
    }

    @inlinable
    public static func - (lhs: QUICDuration, rhs: QUICDuration) -> QUICDuration {
        let (difference, overflow) = lhs.nanoseconds.subtractingReportingOverflow(rhs.nanoseconds)
        if overflow { return QUICDuration(nanoseconds: rhs.nanoseconds < 0 ? .max : .min) }
        return QUICDuration(nanoseconds: difference)
    }

    @inlinable
    public static func += (lhs: inout QUICDuration, rhs: QUICDuration) {
        lhs = lhs + rhs
    }

    @inlinable
    public static func -= (lhs: inout QUICDuration, rhs: QUICDuration) {
        lhs = lhs - rhs
    }

    @inlinable
    public static func * (lhs: QUICDuration, rhs: Int64) -> QUICDuration {
        QUICDuration(nanoseconds: Self.saturatingMultiply(lhs.nanoseconds, rhs))
    }

    /// Division truncating toward zero. Dividing by zero yields `.infinite` (or its negative) rather
    /// than trapping.
    @inlinable
    public static func / (lhs: QUICDuration, rhs: Int64) -> QUICDuration {
        if rhs == 0 { return QUICDuration(nanoseconds: lhs.nanoseconds < 0 ? .min : .max) }
        if lhs.nanoseconds == .min && rhs == -1 { return .infinite }
        return QUICDuration(nanoseconds: lhs.nanoseconds / rhs)
    }

    /// `self * 2^exponent`, saturating; used for PTO backoff.
    @inlinable
    public func shifted(left exponent: Int) -> QUICDuration {
        if exponent <= 0 { return self }
        if exponent >= 63 {
            if self.nanoseconds == 0 { return self }
            return QUICDuration(nanoseconds: self.nanoseconds > 0 ? .max : .min)
        }
        return self * (Int64(1) << Int64(exponent))
    }

    /// The absolute value, saturating at `Int64.max`.
    @inlinable
    public var magnitude: QUICDuration {
        if self.nanoseconds == .min { return .infinite }
        return QUICDuration(nanoseconds: Swift.abs(self.nanoseconds))
    }

    @usableFromInline
    static func saturatingMultiply(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        if overflow { return (lhs < 0) == (rhs < 0) ? .max : .min }
        return product
    }

    public var description: String {
        if self.nanoseconds % 1_000_000 == 0 { return "\(self.nanoseconds / 1_000_000)ms" }
        if self.nanoseconds % 1_000 == 0 { return "\(self.nanoseconds / 1_000)µs" }
        return "\(self.nanoseconds)ns"
    }
}
