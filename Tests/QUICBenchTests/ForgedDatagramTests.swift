import QUICBench
import QUICCrypto
import QUICRecovery
import QUICTransport
import QUICWire
import Testing

/// A fixed-seed generator, so that every run builds the same datagrams.
private struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        self.state &+= 0x9e37_79b9_7f4a_7c15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }
}

@Suite("Forged datagrams")
struct ForgedDatagramTests {
    private let parser = PacketParser(shortHeaderConnectionIDLength: 8)

    @Test("forged Initials parse as v1 Initial long headers with the requested lengths",
          arguments: [(8, 0), (8, 8), (12, 20), (20, 5), (20, 20)])
    func initialShape(destinationLength: Int, sourceLength: Int) throws {
        var random = SeededRandom(state: UInt64(destinationLength * 100 + sourceLength))
        let datagram = ForgedDatagram.initial(destinationLength: destinationLength, sourceLength: sourceLength,
                                              using: &random)
        #expect(datagram.count == 1_200)
        guard case .long(let header) = try self.parser.parse(datagram[...]) else {
            Issue.record("not a long header")
            return
        }
        #expect(header.version == .v1)
        #expect(header.type == .initial)
        #expect(header.destinationConnectionID.length == destinationLength)
        #expect(header.sourceConnectionID.length == sourceLength)
        #expect(header.token.isEmpty)
        // The Length field covers the rest of the datagram: one packet, no coalesced data after it.
        #expect(header.packetEnd == datagram.count)
    }

    @Test("sizes other than 1,200 bytes, and lengths out of range clamped")
    func otherSizes() throws {
        var random = SeededRandom(state: 7)
        let large = ForgedDatagram.initial(size: 1_452, destinationLength: 30, sourceLength: -1, using: &random)
        #expect(large.count == 1_452)
        guard case .long(let header) = try self.parser.parse(large[...]) else {
            Issue.record("not a long header")
            return
        }
        #expect(header.destinationConnectionID.length == 20)
        #expect(header.sourceConnectionID.length == 0)
        // Too small for a header and a sample: grown to the smallest packet header protection can work on.
        let tiny = ForgedDatagram.initial(size: 10, destinationLength: 8, sourceLength: 0, using: &random)
        #expect(tiny.count == 1 + 4 + 1 + 8 + 1 + 0 + 1 + 2 + 21)
        #expect(throws: Never.self) { try self.parser.parse(tiny[...]) }
    }

    @Test("random Initials vary their connection IDs within 8...20 and 0...20 bytes")
    func randomInitials() throws {
        var random = SeededRandom(state: 42)
        var destinations = Set<ConnectionID>()
        for _ in 0..<200 {
            let datagram = ForgedDatagram.randomInitial(using: &random)
            guard case .long(let header) = try self.parser.parse(datagram[...]) else {
                Issue.record("not a long header")
                return
            }
            #expect((8...20).contains(header.destinationConnectionID.length))
            #expect((0...20).contains(header.sourceConnectionID.length))
            destinations.insert(header.destinationConnectionID)
        }
        #expect(destinations.count == 200)
    }

    @Test("garbage shapes")
    func garbage() throws {
        var random = SeededRandom(state: 3)
        for _ in 0..<100 {
            let bytes = ForgedDatagram.garbage(.randomBytes, using: &random)
            #expect((1...1_500).contains(bytes.count))
            let short = ForgedDatagram.garbage(.shortHeader, using: &random)
            #expect(short[0] & 0xc0 == 0x40)
            guard case .short(let header) = try self.parser.parse(short[...]) else {
                Issue.record("not a short header")
                return
            }
            #expect(header.destinationConnectionID.length == 8)
            let truncated = ForgedDatagram.garbage(.truncatedInitial, using: &random)
            #expect(truncated.count >= 1 && truncated.count <= 600)
            #expect(truncated[0] & 0xf0 == 0xc0)
            // Cut inside the header or before the end its Length announces: never a complete packet.
            #expect(throws: WireError.self) { try self.parser.parse(truncated[...]) }
        }
    }

    @Test("a client first flight made with the engine is a padded v1 Initial, and seeds change its IDs")
    func firstFlight() throws {
        let server = NetworkAddress.ipv4(127, 0, 0, 1, port: 4_433)
        let client = NetworkAddress.ipv4(127, 0, 0, 2, port: 50_000)
        let first = try ClientFirstFlight().datagrams(from: client, to: server, seed: 1)
        let second = try ClientFirstFlight().datagrams(from: client, to: server, seed: 2)
        #expect(first.count >= 1)
        var destinations = Set<ConnectionID>()
        for datagram in [first[0], second[0]] {
            #expect(datagram.count >= 1_200)
            guard case .long(let header) = try self.parser.parse(datagram[...]) else {
                Issue.record("not a long header")
                return
            }
            #expect(header.version == .v1)
            #expect(header.type == .initial)
            #expect(header.destinationConnectionID.length >= 8)
            destinations.insert(header.destinationConnectionID)
        }
        #expect(destinations.count == 2)
    }
}
