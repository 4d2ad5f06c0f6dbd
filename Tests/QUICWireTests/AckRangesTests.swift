import QUICTestSupport
import Testing
@testable import QUICWire

@Suite("AckRanges")
struct AckRangesTests {
    /// The ranges of a plain set of packet numbers, largest first: the model the real type must match.
    private func modelRanges(_ values: Set<UInt64>) -> [ClosedRange<UInt64>] {
        var result: [ClosedRange<UInt64>] = []
        for value in values.sorted(by: >) {
            if let last = result.last, last.lowerBound == value + 1 {
                result[result.count - 1] = value...last.upperBound
            } else {
                result.append(value...value)
            }
        }
        return result
    }

    @Test func inOrderInsertionStaysOneRange() {
        var ranges = AckRanges()
        for value in UInt64(0)..<10_000 {
            let inserted = ranges.insert(value)
            #expect(inserted)
        }
        #expect(ranges.rangeCount == 1)
        #expect(Array(ranges) == [0...9_999])
        #expect(ranges.packetCount == 10_000)
        let duplicate = ranges.insert(5_000)
        #expect(!duplicate)
    }

    @Test func gapsMergeWhenFilled() {
        var ranges = AckRanges()
        for value: UInt64 in [1, 3, 5, 7, 9, 11] {
            ranges.insert(value)
        }
        #expect(ranges.rangeCount == 6)
        #expect(ranges.largest == 11)
        #expect(ranges.smallest == 1)
        for value: UInt64 in [2, 4, 6, 8, 10] {
            let inserted = ranges.insert(value)
            #expect(inserted)
        }
        #expect(Array(ranges) == [1...11])
    }

    @Test func rangeInsertionMergesOverlapsAndNeighbours() {
        var ranges = AckRanges([10...12, 20...22, 30...32, 40...42, 50...52, 60...62])
        #expect(ranges.rangeCount == 6)
        ranges.insert(13...19)
        #expect(Array(ranges) == [60...62, 50...52, 40...42, 30...32, 10...22])
        ranges.insert(0...100)
        #expect(Array(ranges) == [0...100])
        ranges.insert(UInt64.max - 1...UInt64.max)
        ranges.insert(101...101)
        #expect(Array(ranges) == [UInt64.max - 1...UInt64.max, 0...101])
    }

    @Test func removeBelowAndKeepLargest() {
        var ranges = AckRanges([1...5, 10...15, 20...25, 30...35, 40...45, 50...55])
        ranges.removeAll(below: 12)
        #expect(Array(ranges) == [50...55, 40...45, 30...35, 20...25, 12...15])
        ranges.keepLargest(2)
        #expect(Array(ranges) == [50...55, 40...45])
        ranges.keepLargest(0)
        #expect(ranges.isEmpty)
        #expect(ranges.largest == nil)
    }

    @Test func appendBelowBuildsDescendingRanges() {
        var ranges = AckRanges()
        ranges.appendBelow(100...120)
        ranges.appendBelow(50...98)
        ranges.appendBelow(0...10)
        #expect(ranges[0] == 100...120)
        #expect(ranges[1] == 50...98)
        #expect(ranges[2] == 0...10)
        #expect(ranges == AckRanges([0...10, 50...98, 100...120]))
    }

    /// Seeded random insertions, checked against a `Set` after every step, crossing the inline capacity.
    @Test(arguments: [UInt64(1), 2, 3, 42, 1_234_567])
    func matchesSetModel(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var ranges = AckRanges()
        var model = Set<UInt64>()
        for _ in 0..<2_000 {
            let value = UInt64.random(in: 0..<300, using: &generator)
            if Bool.random(using: &generator) {
                let inserted = ranges.insert(value)
                #expect(inserted == model.insert(value).inserted)
            } else {
                let length = UInt64.random(in: 0..<6, using: &generator)
                ranges.insert(value...(value + length))
                for member in value...(value + length) {
                    model.insert(member)
                }
            }
            #expect(Array(ranges) == self.modelRanges(model))
            let probe = UInt64.random(in: 0..<310, using: &generator)
            #expect(ranges.contains(probe) == model.contains(probe))
            if UInt64.random(in: 0..<50, using: &generator) == 0 {
                let floor = UInt64.random(in: 0..<300, using: &generator)
                ranges.removeAll(below: floor)
                model = model.filter { $0 >= floor }
                #expect(Array(ranges) == self.modelRanges(model))
            }
        }
    }

    @Test func equalityIgnoresStorageKind() {
        var spilled = AckRanges([0...0, 2...2, 4...4, 6...6, 8...8, 10...10])
        spilled.keepLargest(3)
        let inline = AckRanges([6...6, 8...8, 10...10])
        #expect(spilled == inline)
        #expect(spilled.hashValue == inline.hashValue)
        #expect(inline.description == "[10, 8, 6]")
    }
}
