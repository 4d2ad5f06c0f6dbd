import Foundation
import QUICInterop
import QUICTestSupport
import Testing

@Suite("HQBodyReader and GeneratedBody")
struct HQBodyReaderTests {
    @Test("the generated pattern is the documented formula")
    func pattern() {
        for offset: UInt64 in [0, 1, 2, 8_191, 8_192, 1 << 32, 999_999_999_999] {
            #expect(GeneratedBody.byte(at: offset) == UInt8(truncatingIfNeeded: (offset &* 2_654_435_761) >> 13))
        }
        #expect(GeneratedBody.bytes(offset: 0, count: 4) == [0, 0, 0, 0].enumerated().map {
            GeneratedBody.byte(at: UInt64($0.offset))
        })
        #expect(Set(GeneratedBody.bytes(offset: 0, count: 100_000)).count > 200)
    }

    @Test("generated chunks concatenate to the same bytes whatever the chunk sizes")
    func chunkingProperty() throws {
        var random = SplitMix64(seed: 0xb0d1)
        for _ in 0..<50 {
            let length = UInt64(random.int(0...70_000))
            let reader = try HQBodyReader(resource: .generated(length: length))
            var collected: [UInt8] = []
            while let chunk = try reader.next(maxLength: random.int(0...9_000)) {
                #expect(!chunk.isEmpty)
                collected += chunk
            }
            #expect(collected == GeneratedBody.bytes(offset: 0, count: Int(length)))
            #expect(reader.offset == length)
            #expect(try reader.next(maxLength: 10) == nil)
        }
    }

    @Test("a huge body is produced lazily, chunk by chunk")
    func huge() throws {
        let reader = try HQBodyReader(resource: .generated(length: 1_000_000_000_000))
        let chunk = try #require(try reader.next(maxLength: 65_536))
        #expect(chunk.count == 65_536)
        #expect(reader.length == 1_000_000_000_000)
        #expect(chunk == GeneratedBody.bytes(offset: 0, count: 65_536))
    }

    @Test("a file streams in chunks and ends at its size")
    func file() throws {
        let path = NSTemporaryDirectory() + "/hq-body-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var random = SplitMix64(seed: 5)
        let content = random.bytes(100_003)
        try Data(content).write(to: URL(fileURLWithPath: path))
        let reader = try HQBodyReader(resource: .file(path: path, size: UInt64(content.count)))
        var collected: [UInt8] = []
        while let chunk = try reader.next(maxLength: 4_096) {
            #expect(chunk.count <= 4_096)
            collected += chunk
        }
        #expect(collected == content)
        reader.close()
    }

    @Test("a file that shrank ends early; one that grew is cut at the resolved size")
    func changedFile() throws {
        let path = NSTemporaryDirectory() + "/hq-body-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: path))
        let shrunk = try HQBodyReader(resource: .file(path: path, size: 10))
        #expect(try shrunk.next(maxLength: 100) == [1, 2, 3, 4, 5])
        #expect(try shrunk.next(maxLength: 100) == nil)
        let grown = try HQBodyReader(resource: .file(path: path, size: 3))
        #expect(try grown.next(maxLength: 2) == [1, 2])
        #expect(try grown.next(maxLength: 100) == [3])
        #expect(try grown.next(maxLength: 100) == nil)
    }

    @Test("a missing file fails to open with a readable error")
    func missing() {
        #expect(throws: HQResourceError.self) {
            try HQBodyReader(resource: .file(path: "/nonexistent/\(UUID().uuidString)", size: 1))
        }
    }
}
