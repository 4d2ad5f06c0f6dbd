/// A point in simulated time: nanoseconds since the start of a simulation.
///
/// The simulator never reads a real clock; every run starts at ``zero``. The representation is a plain
/// `UInt64` of nanoseconds so that converting to and from the transport's own instant type is trivial.
public struct SimInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the simulation.
    public var nanoseconds: UInt64

    /// The start of every simulation.
    public static let zero = SimInstant(nanoseconds: 0)
    /// A time later than any a simulation reaches; used as "never".
    public static let distantFuture = SimInstant(nanoseconds: .max)

    @inlinable
    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    @inlinable
    public static func < (lhs: SimInstant, rhs: SimInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// `self + duration`, saturating at ``distantFuture`` instead of overflowing.
    @inlinable
    public static func + (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(rhs.nanoseconds)
        return SimInstant(nanoseconds: overflow ? .max : sum)
    }

    /// The duration from `rhs` to `lhs`, or zero when `rhs` is later.
    @inlinable
    public static func - (lhs: SimInstant, rhs: SimInstant) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds >= rhs.nanoseconds ? lhs.nanoseconds - rhs.nanoseconds : 0)
    }

    public var description: String {
        "\(self.nanoseconds)ns"
    }
}

/// A span of simulated time in nanoseconds.
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in nanoseconds.
    public var nanoseconds: UInt64

    public static let zero = SimDuration(nanoseconds: 0)

    @inlinable
    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// A duration of `value` microseconds (saturating).
    @inlinable
    public static func microseconds(_ value: UInt64) -> SimDuration {
        SimDuration(nanoseconds: value.multipliedReportingOverflow(by: 1_000).overflow ? .max : value &* 1_000)
    }

    /// A duration of `value` milliseconds (saturating).
    @inlinable
    public static func milliseconds(_ value: UInt64) -> SimDuration {
        let (product, overflow) = value.multipliedReportingOverflow(by: 1_000_000)
        return SimDuration(nanoseconds: overflow ? .max : product)
    }

    /// A duration of `value` seconds (saturating).
    @inlinable
    public static func seconds(_ value: UInt64) -> SimDuration {
        let (product, overflow) = value.multipliedReportingOverflow(by: 1_000_000_000)
        return SimDuration(nanoseconds: overflow ? .max : product)
    }

    @inlinable
    public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// Saturating sum.
    @inlinable
    public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(rhs.nanoseconds)
        return SimDuration(nanoseconds: overflow ? .max : sum)
    }

    public var description: String {
        "\(self.nanoseconds)ns"
    }
}
