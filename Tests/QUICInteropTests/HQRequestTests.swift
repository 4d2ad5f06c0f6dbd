import QUICInterop
import QUICTestSupport
import Testing

@Suite("HQRequest")
struct HQRequestTests {
    @Test("GET with CRLF, LF, or nothing at FIN")
    func lineEndings() throws {
        #expect(try HQRequest.parse(Array("GET /index.html\r\n".utf8), isFinished: false)?.path == "/index.html")
        #expect(try HQRequest.parse(Array("GET /a/b\n".utf8), isFinished: false)?.path == "/a/b")
        #expect(try HQRequest.parse(Array("GET /5000".utf8), isFinished: true)?.path == "/5000")
    }

    @Test("an incomplete line waits for more bytes")
    func incomplete() throws {
        #expect(try HQRequest.parse(Array("GET /ind".utf8), isFinished: false) == nil)
        #expect(try HQRequest.parse([UInt8](), isFinished: false) == nil)
        #expect(try HQRequest.parse(Array("GET /x\r".utf8), isFinished: false) == nil)
    }

    @Test("encode round trips through parse")
    func roundTrip() throws {
        for path in ["/", "/1000000", "/a%20b/c.txt", "/" + String(repeating: "x", count: 8_000)] {
            let request = try HQRequest(path: path)
            #expect(request.encode() == Array("GET \(path)\r\n".utf8))
            #expect(try HQRequest.parse(request.encode(), isFinished: true) == request)
        }
    }

    @Test("malformed requests throw typed errors", arguments: [
        ("", HQRequestError.empty),
        ("POST /x\r\n", .unsupportedMethod("POST /x")),
        ("get /x\r\n", .unsupportedMethod("get /x")),
        ("GET\r\n", .unsupportedMethod("GET")),
        ("GET x\r\n", .invalidPath("x")),
        ("GET \r\n", .invalidPath("")),
        ("GET /a b\r\n", .invalidPath("/a b")),
        ("GET /a\tb\n", .invalidPath("/a\tb")),
        ("GET /x\r\nmore", .trailingBytes),
        ("GET /x HTTP/1.1\r\n", .invalidPath("/x HTTP/1.1")),
    ])
    func malformed(text: String, expected: HQRequestError) {
        #expect(throws: expected) { try HQRequest.parse(Array(text.utf8), isFinished: true) }
    }

    @Test("invalid UTF-8 and control bytes are refused")
    func invalidBytes() {
        #expect(throws: HQRequestError.invalidEncoding) {
            try HQRequest.parse(Array("GET /".utf8) + [0xff, 0xfe] + Array("\n".utf8), isFinished: false)
        }
        #expect(throws: HQRequestError.self) {
            try HQRequest.parse(Array("GET /a".utf8) + [0] + Array("\n".utf8), isFinished: false)
        }
        #expect(throws: HQRequestError.self) { try HQRequest(path: "nope") }
    }

    @Test("the length bound holds with and without a newline")
    func lengthBound() throws {
        let longest = "GET /" + String(repeating: "a", count: HQRequest.maximumLength - 5)
        #expect(try HQRequest.parse(Array(longest.utf8), isFinished: true) != nil)
        #expect(try HQRequest.parse(Array((longest + "\r\n").utf8), isFinished: false) != nil)
        let tooLong = Array((longest + "b").utf8)
        #expect(throws: HQRequestError.tooLong(limit: HQRequest.maximumLength)) {
            try HQRequest.parse(tooLong, isFinished: false)
        }
        #expect(throws: HQRequestError.tooLong(limit: HQRequest.maximumLength)) {
            try HQRequest.parse(tooLong + Array("\n".utf8), isFinished: true)
        }
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        #expect(throws: HQRequestError.self) { try HQRequest.parse(huge, isFinished: false) }
    }

    @Test("random bytes never crash the parser; each prefix of a valid request parses or waits")
    func hostileBytes() throws {
        var random = SplitMix64(seed: 0x4851)
        for _ in 0..<2_000 {
            let bytes = random.bytes(random.int(0...40))
            _ = try? HQRequest.parse(bytes, isFinished: random.bool())
        }
        let valid = Array("GET /some/file.bin\r\n".utf8)
        for cut in 1..<valid.count - 1 {
            #expect(try HQRequest.parse(valid.prefix(cut), isFinished: false) == nil)
        }
    }
}
