import QUICTestSupport
import Testing
@testable import QUICWire

@Suite("Packet headers and packet numbers")
struct PacketTests {
    private let parser = PacketParser(shortHeaderConnectionIDLength: 8)

    // MARK: Packet numbers

    /// RFC 9000 Appendix A.3: "if the highest successfully authenticated packet had a packet number of
    /// 0xa82f30ea, then a packet containing a 16-bit value of 0x9b32 will be decoded as 0xa82f9b32."
    @Test func appendixA3Example() {
        #expect(PacketNumber.decode(truncated: 0x9b32, length: 2, largestReceived: 0xa82f30ea) == 0xa82f9b32)
    }

    /// RFC 9000 Appendix A.2: 0xac5c02 with 0xabe8b3 acknowledged needs 16 bits; 0xace8fe needs 24.
    @Test func appendixA2Examples() {
        #expect(PacketNumber.encodedLength(of: 0xac5c02, largestAcknowledged: 0xabe8b3) == 2)
        #expect(PacketNumber.encodedLength(of: 0xace8fe, largestAcknowledged: 0xabe8b3) == 3)
        #expect(PacketNumber.encodedLength(of: 0, largestAcknowledged: nil) == 1)
        #expect(PacketNumber.encodedLength(of: 200, largestAcknowledged: nil) == 2)
    }

    /// Whatever the receiver has seen between the sender's largest acknowledged packet and the new one,
    /// the truncated number decodes back to the full one.
    @Test(arguments: [UInt64(11), 12, 13, 14])
    func encodeThenDecodeRoundTrips(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            let acknowledged = random.next() % (PacketNumber.maximum - (1 << 31))
            let packetNumber = acknowledged + 1 + random.next() % (1 << UInt64(random.next() % 30 + 1))
            let length = PacketNumber.encodedLength(of: packetNumber, largestAcknowledged: acknowledged)
            let truncated = packetNumber & ((1 << UInt64(length * 8)) - 1)
            let received = acknowledged + random.next() % (packetNumber - acknowledged)
            #expect(PacketNumber.decode(truncated: truncated, length: length, largestReceived: received) == packetNumber)
        }
        #expect(PacketNumber.decode(truncated: 5, length: 1, largestReceived: nil) == 5)
        #expect(PacketNumber.decode(truncated: 0xff, length: 1, largestReceived: PacketNumber.maximum - 1)
            == PacketNumber.maximum)
    }

    // MARK: Long headers

    @Test func versionTwoTypeMapping() {
        #expect(LongPacketType.initial.bits(for: .v2) == 0b01)
        #expect(LongPacketType.zeroRTT.bits(for: .v2) == 0b10)
        #expect(LongPacketType.handshake.bits(for: .v2) == 0b11)
        #expect(LongPacketType.retry.bits(for: .v2) == 0b00)
        for type in LongPacketType.allCases {
            for version in [QUICVersion.v1, .v2] {
                #expect(LongPacketType(bits: type.bits(for: version), version: version) == type)
            }
            #expect(type.bits(for: .v1) == [LongPacketType.initial, .zeroRTT, .handshake, .retry].firstIndex(of: type)
                .map(UInt8.init))
        }
    }

    /// The unprotected header of RFC 9001 Appendix A.2's client Initial:
    /// c300000001088394c8f03e5157080000449e00000002.
    @Test func rfc9001ClientInitialHeader() throws {
        var writer = ByteWriter()
        let offsets = PacketHeaderWriter.writeLong(
            type: .initial, version: .v1, destination: ConnectionID(literal: hexBytes("8394c8f03e515708")),
            source: .empty, packetNumber: 2, packetNumberLength: 4, to: &writer)
        writer.patchVarInt(1_182, at: try #require(offsets.lengthOffset), length: 2)
        #expect(writer.bytes == hexBytes("c300000001088394c8f03e5157080000449e00000002"))
        writer.writeZeros(1_178)
        let header = try self.parser.parse(writer.bytes[...])
        guard case .long(let long) = header else {
            Issue.record("not a long header")
            return
        }
        #expect(long.type == .initial && long.version == .v1)
        #expect(long.packetNumberOffset == 18 && long.packetEnd == 1_200)
        #expect(long.destinationConnectionID == ConnectionID(literal: hexBytes("8394c8f03e515708")))
    }

    @Test func longHeadersRoundTrip() throws {
        let ids = [ConnectionID.empty, ConnectionID(literal: [7]), ConnectionID(literal: Array(repeating: 0xee, count: 20))]
        let tokens: [[UInt8]] = [[], [1, 2, 3], Array(repeating: 9, count: 100)]
        for version in [QUICVersion.v1, .v2] {
            for type in [LongPacketType.initial, .zeroRTT, .handshake] {
                for destination in ids {
                    for source in ids {
                        for token in type == .initial ? tokens : [[]] {
                            for pnLength in 1...4 {
                                var writer = ByteWriter()
                                let offsets = PacketHeaderWriter.writeLong(
                                    type: type, version: version, destination: destination, source: source,
                                    token: token, packetNumber: 0x01020304, packetNumberLength: pnLength, to: &writer)
                                writer.writeZeros(30)
                                PacketHeaderWriter.patchLength(offsets, packetEnd: writer.count, tagLength: 16,
                                                               in: &writer)
                                writer.writeZeros(16)
                                writer.writeBytes([0x40, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0])
                                guard case .long(let long) = try self.parser.parse(writer.bytes[...]) else {
                                    Issue.record("not a long header")
                                    continue
                                }
                                #expect(long.version == version && long.type == type)
                                #expect(long.destinationConnectionID == destination && long.sourceConnectionID == source)
                                #expect(Array(long.token) == token)
                                #expect(long.packetNumberOffset == offsets.packetNumberOffset)
                                #expect(long.packetEnd == writer.count - 11)
                                let pnByte = writer.bytes[offsets.packetNumberOffset + pnLength - 1]
                                #expect(pnByte == 0x04)
                                #expect(ProtectedBits.packetNumberLength(firstByte: writer.bytes[0]) == pnLength)
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func shortHeaderRoundTrip() throws {
        var writer = ByteWriter()
        let id = ConnectionID(literal: [1, 2, 3, 4, 5, 6, 7, 8])
        let offsets = PacketHeaderWriter.writeShort(destination: id, packetNumber: 0xabcd, packetNumberLength: 2,
                                                    keyPhase: true, spinBit: true, to: &writer)
        writer.writeZeros(20)
        guard case .short(let short) = try self.parser.parse(writer.bytes[...]) else {
            Issue.record("not a short header")
            return
        }
        #expect(short.destinationConnectionID == id)
        #expect(short.packetNumberOffset == offsets.packetNumberOffset)
        #expect(short.packetEnd == writer.count)
        #expect(ProtectedBits.keyPhase(firstByte: writer.bytes[0]) && ProtectedBits.spinBit(firstByte: writer.bytes[0]))
        #expect(throws: Never.self) { try ProtectedBits.checkReservedBits(firstByte: writer.bytes[0]) }
        #expect(throws: WireError.self) { try ProtectedBits.checkReservedBits(firstByte: 0x48) }
        #expect(throws: WireError.self) { try ProtectedBits.checkReservedBits(firstByte: 0xc4) }
    }

    @Test func retryAndVersionNegotiation() throws {
        var writer = ByteWriter()
        let token: [UInt8] = [0xaa, 0xbb, 0xcc]
        PacketHeaderWriter.writeRetryWithoutTag(version: .v2, destination: ConnectionID(literal: [1]),
                                                source: ConnectionID(literal: [2, 2]), token: token, to: &writer)
        let withoutTag = writer.bytes
        writer.writeBytes([UInt8](repeating: 0x77, count: 16))
        guard case .retry(let retry) = try self.parser.parse(writer.bytes[...]) else {
            Issue.record("not a Retry")
            return
        }
        #expect(retry.version == .v2 && Array(retry.token) == token)
        #expect(Array(retry.integrityTag) == [UInt8](repeating: 0x77, count: 16))
        #expect(Array(retry.bytesWithoutTag) == withoutTag)
        #expect(retry.pseudoPacket(originalDestinationConnectionID: ConnectionID(literal: [9, 9])) == [2, 9, 9] + withoutTag)

        var negotiation = ByteWriter()
        PacketHeaderWriter.writeVersionNegotiation(destination: [1, 2], source: [UInt8](repeating: 3, count: 40),
                                                   versions: [.v1, .v2, QUICVersion(rawValue: 0x1a2a3a4a)],
                                                   unusedBits: 0x55, to: &negotiation)
        guard case .versionNegotiation(let packet) = try self.parser.parse(negotiation.bytes[...]) else {
            Issue.record("not Version Negotiation")
            return
        }
        #expect(packet.supportedVersions == [.v1, .v2, QUICVersion(rawValue: 0x1a2a3a4a)])
        #expect(packet.sourceConnectionID.count == 40)
        #expect(throws: WireError.self) { try self.parser.parse((negotiation.bytes + [0])[...]) }
    }

    @Test func unsupportedVersionGivesTheInvariantFields() throws {
        let bytes: [UInt8] = [0xc0, 0xff, 0x00, 0x00, 0x1d, 25] + [UInt8](repeating: 1, count: 25) + [0] + [1, 2, 3]
        guard case .unsupportedVersion(let header) = try self.parser.parse(bytes[...]) else {
            Issue.record("not an unsupported version")
            return
        }
        #expect(header.version.rawValue == 0xff00_001d)
        #expect(header.destinationConnectionID.count == 25)
    }

    @Test func fixedBitAndOversizedConnectionIDs() {
        #expect(throws: WireError.self) { try self.parser.parse([0x80, 0, 0, 0, 1, 0, 0, 0][...]) }
        #expect(throws: WireError.self) { try self.parser.parse(([0xc0, 0, 0, 0, 1, 21] + [UInt8](repeating: 0, count: 30))[...]) }
        let lenient = PacketParser(shortHeaderConnectionIDLength: 0, requireFixedBit: false)
        #expect(throws: Never.self) { try lenient.parse([0x00, 1, 2][...]) }
    }

    @Test func everyTruncationOfALongHeaderPacketThrows() {
        var writer = ByteWriter()
        let offsets = PacketHeaderWriter.writeLong(type: .initial, version: .v1, destination: ConnectionID(literal: [1, 2]),
                                                   source: ConnectionID(literal: [3]), token: [4, 5],
                                                   packetNumber: 1, packetNumberLength: 2, to: &writer)
        writer.writeZeros(40)
        PacketHeaderWriter.patchLength(offsets, packetEnd: writer.count, tagLength: 0, in: &writer)
        for cut in 0..<writer.count {
            #expect(throws: WireError.self) { try self.parser.parse(writer.bytes.prefix(cut)) }
        }
    }

    @Test func coalescedPacketsSplit() throws {
        var writer = ByteWriter()
        var ends: [Int] = []
        for type in [LongPacketType.initial, .handshake] {
            let offsets = PacketHeaderWriter.writeLong(type: type, version: .v1, destination: ConnectionID(literal: [1]),
                                                       source: .empty, packetNumber: 0, packetNumberLength: 1, to: &writer)
            writer.writeZeros(25)
            PacketHeaderWriter.patchLength(offsets, packetEnd: writer.count, tagLength: 0, in: &writer)
            ends.append(writer.count)
        }
        _ = PacketHeaderWriter.writeShort(destination: ConnectionID(literal: [1, 1, 1, 1, 1, 1, 1, 1]), packetNumber: 0,
                                          packetNumberLength: 1, keyPhase: false, to: &writer)
        writer.writeZeros(30)
        let datagram = ([0xee] + writer.bytes)[1...]
        let (packets, error) = self.parser.split(datagram)
        #expect(error == nil)
        #expect(packets.map(\.range) == [1..<(ends[0] + 1), (ends[0] + 1)..<(ends[1] + 1), (ends[1] + 1)..<(writer.count + 1)])
        // A broken second packet: the first still comes back, with the error.
        var broken = Array(writer.bytes.prefix(ends[0]))
        broken += [0xe0, 0, 0, 0, 1]
        let partial = self.parser.split(broken[...])
        #expect(partial.packets.count == 1 && partial.error != nil)
    }

    @Test func resetTokenNeedsTwentyOneBytes() {
        #expect(PacketParser.trailingResetToken(of: [UInt8](repeating: 1, count: 20)[...]) == nil)
        let datagram = [UInt8](repeating: 0x40, count: 5) + [UInt8](repeating: 0xab, count: 16)
        #expect(PacketParser.trailingResetToken(of: datagram[...]) == StatelessResetToken(high: 0xabab_abab_abab_abab,
                                                                                          low: 0xabab_abab_abab_abab))
    }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<20_000 {
            let length = Int(random.next() % 80)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if !bytes.isEmpty, random.next() % 2 == 0 {
                bytes[0] |= 0xc0
                if bytes.count > 5 { bytes[1...4] = [0, 0, 0, UInt8(random.next() % 2 == 0 ? 1 : 0)] }
            }
            _ = try? self.parser.parse(bytes[...])
            _ = self.parser.split(bytes[...])
        }
    }
}
