import QUICWire
import Testing

@testable import QUICTLS

/// Bytes from hex text; anything that is not a hex digit (spaces, newlines) is skipped.
func hexBytes(_ text: String) -> [UInt8] {
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

/// A small deterministic generator (SplitMix64) for seeded property tests in this target.
struct TLSTestRandom {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9e37_79b9_7f4a_7c15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A value in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(self.next() % width)
    }

    mutating func bool() -> Bool { self.next() & 1 == 1 }

    mutating func uint16() -> UInt16 { UInt16(truncatingIfNeeded: self.next()) }

    mutating func uint32() -> UInt32 { UInt32(truncatingIfNeeded: self.next()) }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: self.next()) }
    }

    mutating func bytes(_ range: ClosedRange<Int>) -> [UInt8] {
        self.bytes(self.int(range))
    }
}

/// Runs `body` and returns the alert it threw, or nil when it did not throw (or threw something else,
/// which is recorded as an issue).
func alertThrown(_ body: () throws -> Void) -> TLSAlert? {
    do {
        try body()
        return nil
    } catch let alert as TLSAlert {
        return alert
    } catch {
        Issue.record("threw \(error) instead of a TLS alert")
        return nil
    }
}
