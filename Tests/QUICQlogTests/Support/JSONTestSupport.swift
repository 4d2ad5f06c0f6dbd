import Foundation
import Testing

/// Helpers that parse our output with Foundation's independent JSON parser.
enum JSONTestSupport {
    struct ParseFailure: Error, CustomStringConvertible {
        var text: String
        var description: String { "not valid JSON: \(self.text)" }
    }

    static func parse(_ bytes: some Collection<UInt8>) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw ParseFailure(text: String(decoding: Array(bytes), as: UTF8.self))
        }
    }

    static func parseObject(_ bytes: some Collection<UInt8>) throws -> [String: Any] {
        let value = try self.parse(bytes)
        return try #require(value as? [String: Any], "not an object: \(value)")
    }

    /// Splits a JSON-SEQ byte stream into record bodies, checking RFC 7464 framing: every record starts with
    /// RS and ends with LF.
    static func records(_ bytes: [UInt8]) throws -> [ArraySlice<UInt8>] {
        #expect(bytes.first == 0x1e, "a JSON-SEQ stream starts with RS")
        let parts = bytes.split(separator: 0x1e, omittingEmptySubsequences: false).dropFirst()
        var records: [ArraySlice<UInt8>] = []
        for part in parts {
            #expect(part.last == 0x0a, "every record ends with LF")
            records.append(part)
        }
        return records
    }

    static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }
}
