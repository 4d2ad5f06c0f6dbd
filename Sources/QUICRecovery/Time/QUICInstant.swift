/// A point in time, in nanoseconds since an arbitrary origin chosen by whoever drives the stack.
///
/// Nothing in the transport core reads a clock: the driver (or the simulator) passes `now` into every
/// input. The value is an unsigned 64-bit count of nanoseconds, which covers about 584 years from the
/// origin; an instant is never before the origin. Adding a duration saturates at the bounds instead of
/// trapping, and the difference of two instants is a signed `QUICDuration`.
public struct QUICInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the origin.
    public var nanosecondsSinceOrigin: UInt64

    @inlinable
    public init(nanosecondsSinceOrigin: UInt64) {
        self.nanosecondsSinceOrigin = nanosecondsSinceOrigin
    }

    /// The origin itself.
    public static let origin = QUICInstant(nanosecondsSinceOrigin: 0)
    /// The latest representable instant; used as "never".
    public static let distantFuture = QUICInstant(nanosecondsSinceOrigin: .max)

    /// The instant `duration` after the origin (negative durations clamp to the origin).
    @inlinable
    public static func + (lhs: QUICInstant, rhs: QUICDuration) -> QUICInstant {
        if rhs.nanoseconds >= 0 {
            let (sum, overflow) = lhs.nanosecondsSinceOrigin.addingReportingOverflow(UInt64(rhs.nanoseconds))
            return QUICInstant(nanosecondsSinceOrigin: overflow ? .max : sum)
        }
        let back = rhs.nanoseconds == .min ? UInt64(Int64.max) + 1 : UInt64(-rhs.nanoseconds)
        let (difference, overflow) = lhs.nanosecondsSinceOrigin.subtractingReportingOverflow(back)
        return QUICInstant(nanosecondsSinceOrigin: overflow ? 0 : difference)
    }

    @inlinable
    public static func - (lhs: QUICInstant, rhs: QUICDuration) -> QUICInstant {
        if rhs.nanoseconds == .min {
            let (sum, overflow) = lhs.nanosecondsSinceOrigin.addingReportingOverflow(UInt64(Int64.max) + 1)
            return QUICInstant(nanosecondsSinceOrigin: overflow ? .max : sum)
        }
        return lhs + QUICDuration(nanoseconds: -rhs.nanoseconds)
    }

    /// The signed time from `rhs` to `lhs`, saturating at the bounds of `QUICDuration`.
    @inlinable
    public static func - (lhs: QUICInstant, rhs: QUICInstant) -> QUICDuration {
        if lhs >= rhs {
            let difference = lhs.nanosecondsSinceOrigin - rhs.nanosecondsSinceOrigin
            return QUICDuration(nanoseconds: difference > UInt64(Int64.max) ? .max : Int64(difference))
        }
        let difference = rhs.nanosecondsSinceOrigin - lhs.nanosecondsSinceOrigin
        return QUICDuration(nanoseconds: difference > UInt64(Int64.max) ? .min : -Int64(difference))
    }

    @inlinable
    public static func += (lhs: inout QUICInstant, rhs: QUICDuration) {
        lhs = lhs + rhs
    }

    @inlinable
    public static func < (lhs: QUICInstant, rhs: QUICInstant) -> Bool {
        lhs.nanosecondsSinceOrigin < rhs.nanosecondsSinceOrigin
    }

    public var description: String {
        "@\(self.nanosecondsSinceOrigin)ns"
    }
}
