import QUICWire
import QUICTestSupport
import Testing

@testable import QUICTLS

@Suite("Truncated and corrupted input")
struct TruncationTests {
    static let encodings: [[UInt8]] = RFC8448.all + SampleMessages.all.map { $0.encoded() }

    /// Every encoding cut at every offset throws an alert, both as a framed message (the header then
    /// disagrees with the length) and as a body with a matching header (the body itself is short).
    @Test func everyPrefixThrowsDecodeError() {
        for bytes in Self.encodings {
            for cut in 0..<bytes.count {
                let prefix = Array(bytes.prefix(cut))
                let framed = alertThrown { _ = try HandshakeMessage(decoding: prefix) }
                #expect(framed?.code == .decodeError, "cut \(cut) of \(bytes.count)")

                guard cut >= 4 else { continue }
                let reframed = RawHandshakeMessage(type: HandshakeType(rawValue: bytes[0]), body: prefix.dropFirst(4))
                let hashLength = bytes[0] == HandshakeType.finished.rawValue ? bytes.count - 4 : nil
                let alert = alertThrown { _ = try HandshakeMessage(decoding: reframed, finishedLength: hashLength) }
                #expect(alert != nil, "body cut at \(cut) of \(bytes.count) decoded")
            }
        }
    }

    /// Flipping any single byte never traps; whatever still decodes re-encodes to the same bytes.
    @Test func everySingleByteCorruptionIsHandled() throws {
        for bytes in Self.encodings {
            for index in 0..<bytes.count {
                for mask: UInt8 in [0x01, 0x80, 0xff] {
                    var corrupted = bytes
                    corrupted[index] ^= mask
                    if let message = try? HandshakeMessage(decoding: corrupted) {
                        #expect(message.encoded() == corrupted)
                    }
                }
            }
        }
    }

    @Test func fuzzingEntryPointSurvivesTheVectorsAndNoise() {
        var random = TLSTestRandom(seed: 0xf0f0)
        for bytes in Self.encodings {
            #expect(TLSMessageFuzzing.decodeAll(bytes) > 0)
            #expect(TLSMessageFuzzing.decodeAll(Array(bytes.dropFirst(4))) > 0)
        }
        for _ in 0..<2000 {
            _ = TLSMessageFuzzing.decodeAll(random.bytes(0...80))
        }
        _ = TLSMessageFuzzing.decodeAll([])
    }
}
