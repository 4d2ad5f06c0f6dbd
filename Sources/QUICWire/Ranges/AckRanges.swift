/// A set of packet numbers kept as disjoint, non-adjacent closed ranges: what a receiver has seen in a
/// packet-number space, and what an ACK frame carries (RFC 9000 §19.3.1).
///
/// Up to four ranges live inline, which covers the usual case of in-order delivery with a few gaps
/// without allocating; more spill to an array. Iteration and indexing go from the largest range down,
/// the order in which ACK frames list them. Inserting the next packet number in order is O(1).
public struct AckRanges: Hashable, Sendable, Sequence, CustomStringConvertible {
    public typealias Element = ClosedRange<UInt64>

    /// How many ranges are kept inline before the storage spills to the heap.
    public static let inlineCapacity = 4

    // Ranges in ascending order. While `spilled` is nil they live in `inline` (lower, upper pairs).
    @usableFromInline
    internal var inline: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    @usableFromInline
    internal var inlineCount: Int
    @usableFromInline
    internal var spilled: [ClosedRange<UInt64>]?

    /// The empty set.
    @inlinable
    public init() {
        self.inline = (0, 0, 0, 0, 0, 0, 0, 0)
        self.inlineCount = 0
        self.spilled = nil
    }

    /// The union of `ranges`, in any order, overlapping or not.
    public init(_ ranges: some Sequence<ClosedRange<UInt64>>) {
        self.init()
        for range in ranges {
            self.insert(range)
        }
    }

    // MARK: Ascending-order primitives

    @inlinable
    internal var count: Int { self.spilled?.count ?? self.inlineCount }

    @inlinable
    internal func ascending(_ index: Int) -> ClosedRange<UInt64> {
        if let spilled = self.spilled {
            return spilled[index]
        }
        switch index {
        case 0: return self.inline.0...self.inline.1
        case 1: return self.inline.2...self.inline.3
        case 2: return self.inline.4...self.inline.5
        default: return self.inline.6...self.inline.7
        }
    }

    @inlinable
    internal mutating func setAscending(_ index: Int, _ range: ClosedRange<UInt64>) {
        if self.spilled != nil {
            self.spilled![index] = range
            return
        }
        switch index {
        case 0: self.inline.0 = range.lowerBound; self.inline.1 = range.upperBound
        case 1: self.inline.2 = range.lowerBound; self.inline.3 = range.upperBound
        case 2: self.inline.4 = range.lowerBound; self.inline.5 = range.upperBound
        default: self.inline.6 = range.lowerBound; self.inline.7 = range.upperBound
        }
    }

    @usableFromInline
    internal mutating func insertAscending(_ range: ClosedRange<UInt64>, at index: Int) {
        if self.spilled == nil, self.inlineCount == AckRanges.inlineCapacity {
            var array: [ClosedRange<UInt64>] = []
            array.reserveCapacity(AckRanges.inlineCapacity * 4)
            for position in 0..<self.inlineCount {
                array.append(self.ascending(position))
            }
            self.spilled = array
        }
        if self.spilled != nil {
            self.spilled!.insert(range, at: index)
            return
        }
        var position = self.inlineCount
        self.inlineCount += 1
        while position > index {
            self.setAscending(position, self.ascending(position - 1))
            position -= 1
        }
        self.setAscending(index, range)
    }

    @usableFromInline
    internal mutating func removeAscending(_ indices: Range<Int>) {
        guard !indices.isEmpty else { return }
        if self.spilled != nil {
            self.spilled!.removeSubrange(indices)
            return
        }
        var target = indices.lowerBound
        var source = indices.upperBound
        while source < self.inlineCount {
            self.setAscending(target, self.ascending(source))
            target += 1
            source += 1
        }
        self.inlineCount -= indices.count
    }

    /// The first ascending index whose range ends at or after `value - 1` (could absorb `value`).
    @usableFromInline
    internal func firstIndex(reaching value: UInt64) -> Int {
        var low = 0
        var high = self.count
        while low < high {
            let middle = (low + high) / 2
            let upper = self.ascending(middle).upperBound
            // upper + 1 >= value, written so it cannot overflow.
            if upper >= value || value - upper == 1 {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }

    // MARK: Public interface

    @inlinable
    public var isEmpty: Bool { self.count == 0 }

    /// The number of disjoint ranges.
    @inlinable
    public var rangeCount: Int { self.count }

    /// The largest packet number in the set.
    @inlinable
    public var largest: UInt64? {
        self.count == 0 ? nil : self.ascending(self.count - 1).upperBound
    }

    /// The smallest packet number in the set.
    @inlinable
    public var smallest: UInt64? {
        self.count == 0 ? nil : self.ascending(0).lowerBound
    }

    /// The range at `index`, counting from the largest (index 0) down.
    @inlinable
    public subscript(index: Int) -> ClosedRange<UInt64> {
        precondition(index >= 0 && index < self.count, "AckRanges index out of range")
        return self.ascending(self.count - 1 - index)
    }

    /// The number of packet numbers in the set, saturating at UInt64.max.
    public var packetCount: UInt64 {
        var total: UInt64 = 0
        for range in self {
            let (sum, overflow) = total.addingReportingOverflow(range.upperBound - range.lowerBound)
            if overflow { return .max }
            let (next, overflowAgain) = sum.addingReportingOverflow(1)
            if overflowAgain { return .max }
            total = next
        }
        return total
    }

    /// Adds one packet number; returns false when it was already present (a duplicate packet).
    @inlinable
    @discardableResult
    public mutating func insert(_ value: UInt64) -> Bool {
        let count = self.count
        if count > 0 {
            let last = self.ascending(count - 1)
            if value > last.upperBound {
                if value - last.upperBound == 1 {
                    self.setAscending(count - 1, last.lowerBound...value)
                } else {
                    self.insertAscending(value...value, at: count)
                }
                return true
            }
            if value >= last.lowerBound {
                return false
            }
        }
        if self.contains(value) {
            return false
        }
        self.insert(value...value)
        return true
    }

    /// Adds every packet number in `range`.
    public mutating func insert(_ range: ClosedRange<UInt64>) {
        let first = self.firstIndex(reaching: range.lowerBound)
        var end = first
        var lower = range.lowerBound
        var upper = range.upperBound
        while end < self.count {
            let existing = self.ascending(end)
            // existing.lowerBound <= upper + 1, without overflow.
            guard existing.lowerBound <= upper || existing.lowerBound - upper == 1 else { break }
            lower = Swift.min(lower, existing.lowerBound)
            upper = Swift.max(upper, existing.upperBound)
            end += 1
        }
        if end == first {
            self.insertAscending(lower...upper, at: first)
        } else {
            self.setAscending(first, lower...upper)
            self.removeAscending((first + 1)..<end)
        }
    }

    /// Adds a range below every range in the set, separated by a gap of at least one packet number:
    /// the order in which an ACK frame lists its ranges.
    ///
    /// - Precondition: `range.upperBound + 1 < smallest` (callers decoding ACK frames check this and
    ///   report FRAME_ENCODING_ERROR instead).
    @inlinable
    public mutating func appendBelow(_ range: ClosedRange<UInt64>) {
        if let smallest = self.smallest {
            precondition(range.upperBound < smallest && smallest - range.upperBound >= 2,
                         "ranges must be appended in descending order with a gap")
        }
        self.insertAscending(range, at: 0)
    }

    public func contains(_ value: UInt64) -> Bool {
        let index = self.firstIndex(reaching: value)
        guard index < self.count else { return false }
        return self.ascending(index).contains(value)
    }

    /// Removes every packet number below `value` (for example those whose ACKs have been acknowledged).
    public mutating func removeAll(below value: UInt64) {
        var drop = 0
        while drop < self.count, self.ascending(drop).upperBound < value {
            drop += 1
        }
        self.removeAscending(0..<drop)
        if self.count > 0 {
            let first = self.ascending(0)
            if first.lowerBound < value {
                self.setAscending(0, value...first.upperBound)
            }
        }
    }

    /// Keeps only the `count` largest ranges, dropping the smallest (ACK frames have a size budget).
    public mutating func keepLargest(_ count: Int) {
        let excess = self.count - Swift.max(count, 0)
        if excess > 0 {
            self.removeAscending(0..<excess)
        }
    }

    /// Removes every packet number.
    public mutating func removeAll() {
        self.inlineCount = 0
        self.spilled = nil
    }

    // MARK: Sequence, Hashable

    public struct Iterator: IteratorProtocol {
        @usableFromInline
        internal let ranges: AckRanges
        @usableFromInline
        internal var position: Int

        @inlinable
        internal init(_ ranges: AckRanges) {
            self.ranges = ranges
            self.position = ranges.count - 1
        }

        @inlinable
        public mutating func next() -> ClosedRange<UInt64>? {
            guard self.position >= 0 else { return nil }
            defer { self.position -= 1 }
            return self.ranges.ascending(self.position)
        }
    }

    @inlinable
    public func makeIterator() -> Iterator {
        Iterator(self)
    }

    @inlinable
    public var underestimatedCount: Int { self.count }

    public static func == (lhs: AckRanges, rhs: AckRanges) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs.ascending(index) != rhs.ascending(index) {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.count)
        for range in self {
            hasher.combine(range.lowerBound)
            hasher.combine(range.upperBound)
        }
    }

    public var description: String {
        "[" + self.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ", ") + "]"
    }
}
