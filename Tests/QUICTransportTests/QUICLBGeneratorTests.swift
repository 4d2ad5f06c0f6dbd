import QUICTestSupport
import QUICWire
import Testing

@testable import QUICTransport

@Suite("QUIC-LB connection ID generator and routing")
struct QUICLBGeneratorTests {
    static let key = hexBytes("8f95f09245765f80256934e50c66207f")

    static func generator(serverIDLength: Int = 2, nonceLength: Int = 6, key: [UInt8]? = Self.key,
                          serverID: UInt64 = 0x0102, nonceLimit: UInt64? = nil) throws -> QUICLBConnectionIDGenerator {
        let configuration = try QUICLBConfiguration(configRotation: 1, serverIDLength: serverIDLength,
                                                    nonceLength: nonceLength, key: key)
        return try QUICLBConnectionIDGenerator(configuration: configuration,
                                               serverID: QUICLBServerID(serverID, length: serverIDLength),
                                               nonceLimit: nonceLimit)
    }

    /// Copies share one counter: IDs from several copies (as every connection holds one) never repeat, and with
    /// a key the nonces are consecutive from a random start (§9.6).
    @Test(arguments: [6, 10, 14])
    func copiesShareTheNonceCounter(nonceLength: Int) throws {
        let original = try Self.generator(nonceLength: nonceLength)
        var copies = [original, original, original]
        var random = SplitMix64(seed: 5)
        var seen: Set<ConnectionID> = []
        var nonces: [[UInt8]] = []
        for round in 0..<3_000 {
            let cid = copies[round % copies.count].generate(using: &random)
            #expect(cid.length == original.length)
            seen.insert(cid)
            let decoded = try original.configuration.decode(cid)
            #expect(decoded.serverID == original.serverID)
            nonces.append(decoded.nonce.bytes)
        }
        #expect(seen.count == 3_000)
        #expect(original.issuedCount == 3_000)
        for (previous, next) in zip(nonces, nonces.dropFirst()) {
            #expect(Self.increment(previous) == next)
        }
        if nonceLength < 8 {
            #expect(original.remainingNonces == (UInt64(1) << UInt64(8 * nonceLength)) - 3_000)
        } else {
            #expect(original.remainingNonces == nil)
        }
    }

    /// The starting nonce comes from the generator the connection hands in: another seed, another start.
    @Test func theStartingNonceIsRandom() throws {
        var starts: Set<[UInt8]> = []
        for seed in 0..<16 {
            var generator = try Self.generator()
            var random = SplitMix64(seed: UInt64(seed))
            let cid = generator.generate(using: &random)
            starts.insert(try generator.configuration.decode(cid).nonce.bytes)
        }
        #expect(starts.count == 16)
    }

    /// §9.6: "A server that has exhausted its nonces MUST either switch to a different configuration, or if none
    /// exists, use the 4-tuple routing config rotation codepoint."
    @Test func exhaustedNoncesGiveUnroutableIDs() throws {
        var generator = try Self.generator(nonceLimit: 5)
        var random = SplitMix64(seed: 8)
        for _ in 0..<5 {
            #expect(generator.configuration.serverID(of: generator.generate(using: &random)) == generator.serverID)
        }
        #expect(generator.remainingNonces == 0)
        let fallback = generator.generate(using: &random)
        #expect(fallback.length == generator.length)
        #expect(fallback[0] == 0xe0 | UInt8(generator.length - 1))
        #expect(generator.configuration.serverID(of: fallback) == nil)
    }

    @Test func theCounterWrapsThroughItsWholeSpaceOnce() {
        let counter = QUICLBNonceCounter(length: 1)
        var random = SplitMix64(seed: 1)
        var values: Set<UInt8> = []
        let taken = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { buffer in
            var count = 0
            while counter.take(into: buffer, seedingFrom: &random) {
                values.insert(buffer[0])
                count += 1
            }
            return count
        }
        #expect(taken == 256)
        #expect(values.count == 256)
        #expect(counter.remaining == 0)
    }

    /// Without a key nonces are random (§5.4: "no observable relationship"), and still decode to the server ID.
    @Test func plaintextNoncesAreRandom() throws {
        var generator = try Self.generator(nonceLength: 8, key: nil)
        var random = SplitMix64(seed: 12)
        var nonces: [[UInt8]] = []
        for _ in 0..<100 {
            let decoded = try generator.configuration.decode(generator.generate(using: &random))
            #expect(decoded.serverID == generator.serverID)
            nonces.append(decoded.nonce.bytes)
        }
        #expect(Set(nonces).count == 100)
        #expect(zip(nonces, nonces.dropFirst()).contains { Self.increment($0) != $1 })
        #expect(generator.remainingNonces == nil)
    }

    @Test func aServerIDOfTheWrongLengthIsRefused() throws {
        let configuration = try QUICLBConfiguration(configRotation: 0, serverIDLength: 3, nonceLength: 4)
        #expect(throws: QUICLBError.lengthMismatch(field: .serverID, expected: 3, actual: 2)) {
            try QUICLBConnectionIDGenerator(configuration: configuration, serverID: QUICLBServerID([1, 2]))
        }
    }

    /// A router reads the Destination Connection ID of short and long headers (RFC 8999 §5) and finds the loop.
    @Test func serverIDOfDatagrams() throws {
        var generator = try Self.generator()
        let configuration = generator.configuration
        var random = SplitMix64(seed: 2)
        let cid = generator.generate(using: &random)
        let short: [UInt8] = [0x43] + cid.bytes + [1, 2, 3, 4, 5, 6]
        #expect(configuration.serverID(ofDatagram: short) == generator.serverID)
        #expect(configuration.serverID(ofDatagram: short[...]) == generator.serverID)
        let long: [UInt8] = [0xc0, 0, 0, 0, 1, UInt8(cid.length)] + cid.bytes + [8] + random.bytes(8) + [0, 0]
        #expect(configuration.serverID(ofDatagram: long) == generator.serverID)
        // A client's first Initial: an ID of its own choice, of another length.
        let initial: [UInt8] = [0xc0, 0, 0, 0, 1, 8] + random.bytes(8) + [0]
        #expect(configuration.serverID(ofDatagram: initial) == nil)
        #expect(configuration.serverID(ofDatagram: Array(short.prefix(4))) == nil)
        #expect(configuration.serverID(ofDatagram: [UInt8]()) == nil)
        #expect(configuration.serverID(ofDatagram: [0xc0, 0, 0]) == nil)
    }

    /// A multi-loop driver's table: each loop's generator, one server ID per loop, every ID routes to its maker.
    @Test func loopsAreFoundByServerID() throws {
        let configuration = try QUICLBConfiguration(configRotation: 3, serverIDLength: 1, nonceLength: 7, key: Self.key)
        var loops: [QUICLBConnectionIDGenerator] = []
        var table: [QUICLBServerID: Int] = [:]
        for index in 0..<4 {
            let serverID = try QUICLBServerID(UInt64(index + 10), length: 1)
            loops.append(try QUICLBConnectionIDGenerator(configuration: configuration, serverID: serverID))
            table[serverID] = index
        }
        var random = SplitMix64(seed: 4)
        for round in 0..<400 {
            let owner = round % loops.count
            let cid = loops[owner].generate(using: &random)
            #expect(configuration.serverID(of: cid).flatMap { table[$0] } == owner)
        }
    }

    static func increment(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for index in result.indices.reversed() {
            result[index] &+= 1
            if result[index] != 0 { break }
        }
        return result
    }
}
