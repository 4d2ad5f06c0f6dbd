import Foundation
import Testing
@testable import QUICQlog

@Suite struct QlogJSONWriterTests {
    private func encode(_ body: (inout QlogJSONWriter) -> Void) -> [UInt8] {
        var writer = QlogJSONWriter()
        body(&writer)
        return writer.bytes
    }

    private func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    @Test func escapesQuoteBackslashAndEveryControlCharacter() throws {
        var input = "a\"b\\c/"
        for scalar in 0..<0x20 {
            input.unicodeScalars.append(Unicode.Scalar(UInt8(scalar)))
        }
        input += "\u{7f}"
        let bytes = self.encode { $0.string(input) }
        let output = self.text(bytes)
        #expect(output.hasPrefix("\"a\\\"b\\\\c/\\u0000\\u0001"))
        #expect(output.contains("\\u000a\\u000b\\u000c\\u000d"))
        #expect(output.contains("\\u001f\u{7f}\""))
        // No raw control byte survives.
        #expect(!bytes.contains { $0 < 0x20 })
        #expect(try JSONTestSupport.parse(bytes) as? String == input)
    }

    @Test func passesValidUTF8Through() throws {
        let input = "héllo wörld — 日本語 🚀 \u{10FFFF}"
        let bytes = self.encode { $0.string(input) }
        #expect(bytes == Array("\"\(input)\"".utf8))
        #expect(try JSONTestSupport.parse(bytes) as? String == input)
    }

    @Test func seededRandomStringsRoundTripThroughFoundation() throws {
        var random = QlogTestRandom(seed: 0x9106)
        for _ in 0..<300 {
            var input = ""
            for _ in 0..<Int.random(in: 0...24, using: &random) {
                let pick = UInt32.random(in: 0...3, using: &random)
                let value: UInt32 = switch pick {
                case 0: UInt32.random(in: 0...0x7f, using: &random)
                case 1: UInt32.random(in: 0x80...0x7ff, using: &random)
                case 2: UInt32.random(in: 0xe000...0xffff, using: &random)
                default: UInt32.random(in: 0x10000...0x10ffff, using: &random)
                }
                input.unicodeScalars.append(Unicode.Scalar(value) ?? "?")
            }
            let bytes = self.encode {
                $0.beginObject()
                $0.key(input)
                $0.string(input)
                $0.endObject()
            }
            let object = try JSONTestSupport.parseObject(bytes)
            #expect(object[input] as? String == input)
        }
    }

    @Test func integersAtTheirBounds() {
        #expect(self.text(self.encode { $0.integer(UInt64(0)) }) == "0")
        #expect(self.text(self.encode { $0.integer(UInt64.max) }) == "18446744073709551615")
        #expect(self.text(self.encode { $0.integer(Int64.min) }) == "-9223372036854775808")
        #expect(self.text(self.encode { $0.integer(Int64.max) }) == "9223372036854775807")
        #expect(self.text(self.encode { $0.integer(-7) }) == "-7")
        #expect(self.text(self.encode { $0.integer(1_000_000) }) == "1000000")
    }

    @Test func doublesAreFiniteJSONNumbers() throws {
        for value in [0.0, -0.0, 1.5, 0.1, 1e-7, 1e21, -123.456, Double.leastNonzeroMagnitude,
                      Double.greatestFiniteMagnitude] {
            let bytes = self.encode { $0.double(value) }
            #expect(JSONTestSupport.number(try JSONTestSupport.parse(bytes)) == value, "\(self.text(bytes))")
        }
        for value in [Double.nan, Double.infinity, -Double.infinity] {
            #expect(self.text(self.encode { $0.double(value) }) == "null")
        }
    }

    @Test func nestedStructuresGetCommasAndColons() throws {
        let bytes = self.encode {
            $0.beginObject()
            $0.key("a")
            $0.beginArray()
            $0.integer(1)
            $0.beginArray()
            $0.endArray()
            $0.beginObject()
            $0.endObject()
            $0.null()
            $0.bool(true)
            $0.bool(false)
            $0.endArray()
            $0.key("b")
            $0.hexString([0x00, 0xab, 0xff])
            $0.key("c")
            $0.beginObject()
            $0.key("d")
            $0.string("")
            $0.endObject()
            $0.endObject()
        }
        #expect(self.text(bytes) == #"{"a":[1,[],{},null,true,false],"b":"00abff","c":{"d":""}}"#)
        let object = try JSONTestSupport.parseObject(bytes)
        #expect((object["a"] as? [Any])?.count == 6)
    }

    @Test func appendsToTheCallersBuffer() {
        var writer = QlogJSONWriter(appendingTo: Array("prefix".utf8))
        writer.beginArray()
        writer.string("x")
        writer.endArray()
        #expect(self.text(writer.bytes) == #"prefix["x"]"#)
    }
}
