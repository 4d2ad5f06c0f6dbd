import Testing
@testable import QUICWire

@Suite("Variable-length integers and byte readers")
struct VarIntTests {
    /// RFC 9000 Appendix A.1 examples.
    @Test(arguments: [
        ([0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c], UInt64(151_288_809_941_952_652)),
        ([0x9d, 0x7f, 0x3e, 0x7d], UInt64(494_878_333)),
        ([0x7b, 0xbd], UInt64(15_293)),
        ([0x25], UInt64(37)),
        ([0x40, 0x25], UInt64(37)),
    ] as [([UInt8], UInt64)])
    func rfcExamples(bytes: [UInt8], value: UInt64) throws {
        var reader = ByteReader(bytes)
        let decoded = try reader.readVarIntWithLength()
        #expect(decoded.value == value)
        #expect(decoded.length == bytes.count)
        #expect(reader.isAtEnd)
    }

    @Test func shortestEncodingRoundTrips() throws {
        let boundaries: [UInt64] = [0, 63, 64, 16_383, 16_384, 1_073_741_823, 1_073_741_824, VarInt.max]
        for value in boundaries {
            var writer = ByteWriter()
            writer.writeVarInt(value)
            #expect(writer.count == VarInt.encodedLength(value))
            var reader = ByteReader(writer.bytes)
            #expect(try reader.readVarInt() == value)
            #expect(reader.isAtEnd)
        }
    }

    @Test func forcedLengthAndPatch() throws {
        var writer = ByteWriter()
        writer.writeVarInt(0, length: 4)
        writer.writeUInt8(0xaa)
        writer.patchVarInt(1_000, at: 0, length: 4)
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readVarIntWithLength() == (1_000, 4))
        #expect(try reader.readUInt8() == 0xaa)
    }

    @Test func truncatedInputThrows() {
        for length in [2, 4, 8] {
            var writer = ByteWriter()
            writer.writeVarInt(5, length: length)
            for cut in 0..<length {
                var reader = ByteReader(Array(writer.bytes.prefix(cut)))
                #expect(throws: WireError.truncated) { try reader.readVarInt() }
            }
        }
        var reader = ByteReader([0x01, 0x02])
        #expect(throws: WireError.self) { try reader.readBytes(3) }
        #expect(throws: WireError.self) { try reader.readBytes(-1) }
        #expect(throws: WireError.self) { try reader.readUInt32() }
        #expect(reader.remaining == 2)
    }

    @Test func lengthPrefixedBytesRejectsOverlongLength() {
        var reader = ByteReader([0x80, 0x00, 0x10, 0x00, 0x01])
        #expect(throws: WireError.self) { try reader.readVarIntPrefixedBytes() }
    }

    @Test func connectionIDStoresUpToTwentyBytes() throws {
        let bytes = (0..<20).map { UInt8($0 * 7 + 1) }
        let id = try ConnectionID(bytes)
        #expect(id.bytes == bytes)
        #expect(id.length == 20)
        #expect(id != (try ConnectionID(bytes.prefix(19))))
        #expect(throws: WireError.self) { try ConnectionID([UInt8](repeating: 0, count: 21)) }
        var writer = ByteWriter()
        id.write(to: &writer)
        #expect(writer.bytes == bytes)
        #expect(ConnectionID.empty.description == "")
        #expect(ConnectionID(literal: [0x0a, 0xff]).description == "0aff")
    }
}
