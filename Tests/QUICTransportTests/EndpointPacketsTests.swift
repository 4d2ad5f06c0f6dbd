import QUICCrypto
import QUICTestSupport
import Testing

@testable import QUICTransport
@testable import QUICWire

@Suite("Stateless endpoint packets: Version Negotiation, Retry, Stateless Reset")
struct EndpointPacketsTests {
    /// RFC 9001 A.4 / RFC 9369 A.4: the client's original Destination Connection ID.
    static let odcid = ConnectionID(literal: hexBytes("8394c8f03e515708"))
    /// RFC 9001 A.4: the Retry's Source Connection ID.
    static let retrySource = ConnectionID(literal: hexBytes("f067a5502a4262b5"))
    static let v1Retry = hexBytes("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba")
    static let v2Retry = hexBytes("cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6")

    // MARK: Version Negotiation

    @Test("Version Negotiation swaps the connection IDs and lists the versions plus one reserved version")
    func versionNegotiationParses() throws {
        var random = SplitMix64(seed: 1)
        for _ in 0..<50 {
            // Connection IDs of unknown versions may exceed 20 bytes (RFC 8999 §5.1).
            let destination = random.bytes(random.int(0...40))
            let source = random.bytes(random.int(0...40))
            let header = UnsupportedVersionHeader(version: QUICVersion(rawValue: 0x1234_5678),
                                                  destinationConnectionID: destination[...],
                                                  sourceConnectionID: source[...])
            let packet = EndpointPackets.versionNegotiation(for: header, supported: [.v1, .v2], random: &random)
            #expect(packet[0] & 0xc0 == 0xc0, "long header form with the 0x40 bit set")
            guard case .versionNegotiation(let parsed) = try PacketParser(shortHeaderConnectionIDLength: 8)
                .parse(packet[...]) else {
                Issue.record("not parsed as Version Negotiation")
                return
            }
            #expect(Array(parsed.destinationConnectionID) == source)
            #expect(Array(parsed.sourceConnectionID) == destination)
            #expect(parsed.supportedVersions.count == 3)
            #expect(parsed.supportedVersions.filter { !$0.isReserved } == [QUICVersion.v1, .v2])
            #expect(parsed.supportedVersions.filter { $0.isReserved }.count == 1)
        }
    }

    @Test("Version Negotiation randomises the unused bits and the greased version")
    func versionNegotiationVaries() {
        var random = SplitMix64(seed: 2)
        let header = UnsupportedVersionHeader(version: QUICVersion(rawValue: 0xff00_001d),
                                              destinationConnectionID: [1, 2, 3], sourceConnectionID: [4])
        var firstBytes: Set<UInt8> = []
        var greases: Set<[UInt8]> = []
        for _ in 0..<40 {
            let packet = EndpointPackets.versionNegotiation(for: header, supported: [.v1], random: &random)
            firstBytes.insert(packet[0])
            greases.insert(packet.count == 19 ? Array(packet[11...]) : [])
            // The supported version itself is never altered.
            #expect(packet.count == 19)
            #expect(Array(packet[1..<5]) == [0, 0, 0, 0])
        }
        #expect(firstBytes.count > 10)
        #expect(greases.count > 10)
    }

    @Test("Version Negotiation answers a long header of a version the policy does not accept")
    func versionNegotiationForKnownVersion() throws {
        var random = SplitMix64(seed: 3)
        let header = LongHeader(version: .v2, type: .initial, destinationConnectionID: Self.odcid,
                                sourceConnectionID: Self.retrySource, token: [], packetNumberOffset: 0,
                                packetEnd: 0)
        var writer = ByteWriter()
        writer.writeBytes([0xee, 0xee])
        let length = EndpointPackets.writeVersionNegotiation(
            clientDestination: header.destinationConnectionID.bytes, clientSource: header.sourceConnectionID.bytes,
            supported: [.v1, QUICVersion(rawValue: 0x1a2a_3a4a)], random: &random, to: &writer)
        #expect(length == writer.count - 2)
        let packet = EndpointPackets.versionNegotiation(for: header, supported: [.v1], random: &random)
        guard case .versionNegotiation(let parsed) = try PacketParser(shortHeaderConnectionIDLength: 8)
            .parse(writer.bytes[2...]),
            case .versionNegotiation(let other) = try PacketParser(shortHeaderConnectionIDLength: 8)
            .parse(packet[...]) else {
            Issue.record("not parsed as Version Negotiation")
            return
        }
        // A reserved version among the caller's versions is replaced by one fresh grease value.
        #expect(parsed.supportedVersions.filter { !$0.isReserved } == [QUICVersion.v1])
        #expect(parsed.supportedVersions.count == 2)
        #expect(Array(other.destinationConnectionID) == Self.retrySource.bytes)
        #expect(Array(other.sourceConnectionID) == Self.odcid.bytes)
    }

    // MARK: Retry

    @Test("Retry packets match RFC 9001 A.4 and RFC 9369 A.4 byte for byte", arguments: [QUICVersion.v1, .v2])
    func retryVector(version: QUICVersion) throws {
        let packet = try EndpointPackets.retry(version: version, destinationCID: .empty, sourceCID: Self.retrySource,
                                               originalDestinationCID: Self.odcid, token: Array("token".utf8),
                                               unusedBits: 0x0f)
        #expect(packet == (version == .v1 ? Self.v1Retry : Self.v2Retry))
        #expect(try RetryIntegrity.isValid(version: version, originalDestinationConnectionID: Self.odcid,
                                           retryPacket: packet))
    }

    @Test("Retry packets parse and validate; the tag binds the original connection ID",
          arguments: [QUICVersion.v1, .v2])
    func retryRoundTrip(version: QUICVersion) throws {
        var random = SplitMix64(seed: 4)
        for _ in 0..<20 {
            let client = ConnectionID(literal: random.bytes(random.int(0...20)))
            let server = ConnectionID(literal: random.bytes(random.int(1...20)))
            let original = ConnectionID(literal: random.bytes(random.int(8...20)))
            let token = random.bytes(random.int(0...100))
            var writer = ByteWriter()
            writer.writeUInt8(0x99)
            let length = try EndpointPackets.writeRetry(version: version, destinationCID: client, sourceCID: server,
                                                        originalDestinationCID: original, token: token, to: &writer)
            let packet = Array(writer.bytes.dropFirst())
            #expect(length == packet.count)
            guard case .retry(let parsed) = try PacketParser(shortHeaderConnectionIDLength: 8).parse(packet[...]) else {
                Issue.record("not parsed as Retry")
                return
            }
            #expect(parsed.version == version)
            #expect(parsed.destinationConnectionID == client)
            #expect(parsed.sourceConnectionID == server)
            #expect(Array(parsed.token) == token)
            #expect(try RetryIntegrity.isValid(version: version, originalDestinationConnectionID: original,
                                               retryPacket: packet))
            #expect(try !RetryIntegrity.isValid(version: version, originalDestinationConnectionID: server,
                                                retryPacket: packet))
        }
    }

    @Test("A Retry for a version without integrity keys throws and writes nothing")
    func retryUnknownVersion() {
        var writer = ByteWriter()
        writer.writeBytes([1, 2, 3])
        #expect(throws: CryptoError.self) {
            try EndpointPackets.writeRetry(version: QUICVersion(rawValue: 0x1a1a_1a1a), destinationCID: .empty,
                                           sourceCID: Self.retrySource, originalDestinationCID: Self.odcid,
                                           token: [1], to: &writer)
        }
        #expect(writer.bytes == [1, 2, 3])
    }

    @Test("Every truncation of a Retry or Version Negotiation packet is rejected without a crash")
    func truncations() throws {
        var random = SplitMix64(seed: 10)
        let parser = PacketParser(shortHeaderConnectionIDLength: 8)
        let retry = try EndpointPackets.retry(version: .v1, destinationCID: Self.retrySource, sourceCID: Self.odcid,
                                              originalDestinationCID: Self.retrySource, token: [1, 2, 3])
        for end in 0..<retry.count {
            let prefix = retry[..<end]
            // A prefix either fails to parse or, parsed as a shorter Retry, fails its integrity check.
            if case .retry = try? parser.parse(prefix) {
                #expect(try !RetryIntegrity.isValid(version: .v1, originalDestinationConnectionID: Self.retrySource,
                                                    retryPacket: prefix))
            }
        }
        let header = UnsupportedVersionHeader(version: QUICVersion(rawValue: 9), destinationConnectionID: [1, 2],
                                              sourceConnectionID: [3, 4, 5])
        let negotiation = EndpointPackets.versionNegotiation(for: header, supported: [.v1, .v2], random: &random)
        for end in 0..<negotiation.count {
            let parsed = try? parser.parse(negotiation[..<end])
            if case .versionNegotiation(let packet) = parsed {
                // Only whole version entries may remain: cutting at a 4-byte boundary drops versions.
                #expect(packet.supportedVersions.count < 3)
            } else {
                #expect(parsed == nil)
            }
        }
    }

    // MARK: Stateless Reset

    static let token = StatelessResetToken(high: 0x0011_2233_4455_6677, low: 0x8899_aabb_ccdd_eeff)

    @Test("A Stateless Reset is shorter than its trigger, at least 21 bytes, a short header ending in the token")
    func statelessResetShape() throws {
        var random = SplitMix64(seed: 5)
        for trigger in 22...1500 {
            let reset = try #require(EndpointPackets.statelessReset(token: Self.token, triggeringPacketLength: trigger,
                                                                    random: &random))
            #expect(reset.count < trigger)
            #expect(reset.count >= 21)
            #expect(reset.count <= max(1200, 43))
            if trigger <= 43 {
                #expect(reset.count == trigger - 1)
            } else {
                #expect(reset.count >= 43)
            }
            #expect(reset[0] & 0xc0 == 0x40)
            #expect(Array(reset.suffix(16)) == Self.token.bytes)
            #expect(EndpointPackets.isStatelessReset(datagram: reset[...], knownTokens: [Self.token]))
            // It parses as a short header.
            guard case .short = try PacketParser(shortHeaderConnectionIDLength: 4).parse(reset[...]) else {
                Issue.record("a Stateless Reset must look like a short header")
                return
            }
        }
    }

    @Test("Stateless Resets vary in length and content")
    func statelessResetVaries() throws {
        var random = SplitMix64(seed: 6)
        var lengths: Set<Int> = []
        var bodies: Set<[UInt8]> = []
        for _ in 0..<50 {
            let reset = try #require(EndpointPackets.statelessReset(token: Self.token, triggeringPacketLength: 1400,
                                                                    random: &random))
            lengths.insert(reset.count)
            bodies.insert(Array(reset.prefix(21)))
        }
        #expect(lengths.count > 10)
        #expect(bodies.count == 50)
    }

    @Test("No Stateless Reset answers a trigger of 21 bytes or less, so resets cannot loop")
    func statelessResetNeverForTinyTriggers() {
        var random = SplitMix64(seed: 7)
        for trigger in -1...21 {
            #expect(EndpointPackets.statelessReset(token: Self.token, triggeringPacketLength: trigger,
                                                   random: &random) == nil)
        }
        // A loop of resets shrinks to silence.
        var length = 43
        var rounds = 0
        while rounds < 100, let reset = EndpointPackets.statelessReset(token: Self.token,
                                                                       triggeringPacketLength: length,
                                                                       random: &random) {
            #expect(reset.count < length)
            length = reset.count
            rounds += 1
        }
        #expect(rounds == 22)
        #expect(length == 21)
    }

    @Test("A small maximum length still yields a valid reset")
    func statelessResetMaximum() throws {
        var random = SplitMix64(seed: 8)
        let reset = try #require(EndpointPackets.statelessReset(token: Self.token, triggeringPacketLength: 1000,
                                                                maximumLength: 10, random: &random))
        #expect(reset.count == 43)
    }

    @Test("Stateless Reset detection matches only the trailing 16 bytes of a long enough datagram")
    func statelessResetDetection() {
        var random = SplitMix64(seed: 9)
        let other = StatelessResetToken(high: 1, low: 2)
        var datagram = random.bytes(30) + Self.token.bytes
        #expect(EndpointPackets.isStatelessReset(datagram: datagram[...], knownTokens: [other, Self.token]))
        #expect(!EndpointPackets.isStatelessReset(datagram: datagram[...], knownTokens: [other]))
        #expect(!EndpointPackets.isStatelessReset(datagram: datagram[...], knownTokens: []))
        for index in datagram.indices.suffix(16) {
            datagram[index] ^= 0x80
            #expect(!EndpointPackets.isStatelessReset(datagram: datagram[...], knownTokens: [Self.token]))
            datagram[index] ^= 0x80
        }
        let short = [0x40] + random.bytes(3) + Self.token.bytes
        #expect(short.count == 20)
        #expect(!EndpointPackets.isStatelessReset(datagram: short[...], knownTokens: [Self.token]))
        let minimal = [0x40] + random.bytes(4) + Self.token.bytes
        #expect(EndpointPackets.isStatelessReset(datagram: minimal[...], knownTokens: [Self.token]))
        // A slice that does not start at index 0.
        let embedded = random.bytes(50) + Self.token.bytes
        #expect(EndpointPackets.isStatelessReset(datagram: embedded[20...], knownTokens: [Self.token]))
    }
}
