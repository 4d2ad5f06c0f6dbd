/// A small deterministic generator (SplitMix64) for seeded property tests: the same seed always yields
/// the same values, so a failing case can be replayed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9e37_79b9_7f4a_7c15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }

    /// A value in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(self.next() % width)
    }

    /// A value in `range` (the same as ``int(_:)``; modulo bias is irrelevant for tests).
    public mutating func next(in range: ClosedRange<Int>) -> Int {
        self.int(range)
    }

    /// A value in `0..<bound` (bound > 0).
    public mutating func next(below bound: UInt64) -> UInt64 {
        self.next() % bound
    }

    public mutating func bool() -> Bool { self.next() & 1 == 1 }

    public mutating func uint16() -> UInt16 { UInt16(truncatingIfNeeded: self.next()) }

    public mutating func uint32() -> UInt32 { UInt32(truncatingIfNeeded: self.next()) }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: self.next()) }
    }

    public mutating func bytes(_ range: ClosedRange<Int>) -> [UInt8] {
        self.bytes(self.int(range))
    }
}

/// Bytes from hex text; anything that is not a hex digit (spaces, newlines) is skipped.
public func hexBytes(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var high: UInt8?
    for character in text.unicodeScalars {
        guard let digit = UInt8(String(character), radix: 16) else { continue }
        if let pending = high {
            bytes.append(pending << 4 | digit)
            high = nil
        } else {
            high = digit
        }
    }
    return bytes
}
