import QUICTestSupport
import QUICWire
import Testing

@testable import QUICTransport

/// The QUIC-LB encodings against draft-ietf-quic-load-balancers-21 Appendix B and §5.4.2.4, and round trips over
/// every length the draft allows.
@Suite("QUIC-LB connection ID encodings")
struct QUICLBEncodingTests {
    struct Vector: Sendable, CustomStringConvertible {
        let configRotation: UInt8
        let serverID: String
        let nonce: String
        let key: String?
        let connectionID: String
        var description: String { "cr \(self.configRotation) sid \(self.serverID) nonce \(self.nonce)" }
    }

    static let vectorKey = "8f95f09245765f80256934e50c66207f"

    /// Appendix B: "In all cases, the server is configured to encode the CID length."
    static let vectors: [Vector] = [
        // B.1 Unencrypted CIDs.
        Vector(configRotation: 0, serverID: "c4605e", nonce: "4504cc4f", key: nil, connectionID: "07c4605e4504cc4f"),
        // The draft prints this row as "1 350d28b420 3487d970b 20a350d28b4203487d970b": a nine-digit nonce and a
        // first octet with the wrong length bits. Read as the five-octet nonce 0x03487d970b (the printed ID
        // ends with exactly those octets), the ID is its first octet 0x2a (rotation 1, length 10), the
        // server ID and the nonce.
        Vector(configRotation: 1, serverID: "350d28b420", nonce: "03487d970b", key: nil,
               connectionID: "2a350d28b42003487d970b"),
        // B.2 Encrypted CIDs: four-pass (odd), four-pass with the server ID longer than the nonce, single-pass.
        Vector(configRotation: 0, serverID: "ed793a", nonce: "ee080dbf", key: Self.vectorKey,
               connectionID: "0720b1d07b359d3c"),
        Vector(configRotation: 1, serverID: "ed793a51d49b8f5fab65", nonce: "ee080dbf48", key: Self.vectorKey,
               connectionID: "2fcc381bc74cb4fbad2823a3d1f8fed2"),
        Vector(configRotation: 2, serverID: "ed793a51d49b8f5f", nonce: "ee080dbf48c0d1e5", key: Self.vectorKey,
               connectionID: "504dd2d05a7b0de9b2b9907afb5ecf8cc3"),
        // The draft lists this row with cr_bits 3 but an ID starting 0x12 (rotation 0, length 18); with rotation
        // 3 the first octet is 0x72 and the ciphertext is the draft's: 5779c9cc...cdbc.
        Vector(configRotation: 3, serverID: "ed793a51d49b8f5fab", nonce: "ee080dbf48c0d1e55d", key: Self.vectorKey,
               connectionID: "725779c9cc86beb3a3a4a3ca96fce4bfe0cdbc"),
        // §5.4.2.4 Encryption Example: "cid = first_octet || left_2 || right_2 = 0x0767947d29be054a".
        Vector(configRotation: 0, serverID: "31441a", nonce: "9c69c275", key: "fdf726a9893ec05c0632d3956680baf0",
               connectionID: "0767947d29be054a"),
    ]

    static func configuration(_ vector: Vector) throws -> QUICLBConfiguration {
        try QUICLBConfiguration(configRotation: vector.configRotation, serverIDLength: hexBytes(vector.serverID).count,
                                nonceLength: hexBytes(vector.nonce).count, key: vector.key.map(hexBytes))
    }

    @Test(arguments: Self.vectors)
    func testVector(_ vector: Vector) throws {
        let configuration = try Self.configuration(vector)
        let serverID = try QUICLBServerID(hexBytes(vector.serverID))
        let nonce = try QUICLBNonce(hexBytes(vector.nonce))
        let encoded = try configuration.encode(serverID: serverID, nonce: nonce, firstOctetRandomBits: 0)
        #expect(encoded.bytes == hexBytes(vector.connectionID))
        let decoded = try configuration.decode(ConnectionID(hexBytes(vector.connectionID)))
        #expect(decoded.serverID == serverID)
        #expect(decoded.nonce == nonce)
        #expect(configuration.serverID(of: encoded) == serverID)
    }

    @Test func algorithmsFollowTheLengthsAndKey() throws {
        let key = hexBytes(Self.vectorKey)
        #expect(try QUICLBConfiguration(configRotation: 0, serverIDLength: 3, nonceLength: 4).algorithm == .plaintext)
        #expect(try QUICLBConfiguration(configRotation: 0, serverIDLength: 8, nonceLength: 8, key: key).algorithm
                == .singlePassEncryption)
        #expect(try QUICLBConfiguration(configRotation: 0, serverIDLength: 8, nonceLength: 9, key: key).algorithm
                == .fourPassEncryption)
        #expect(try QUICLBConfiguration(configRotation: 6, serverIDLength: 15, nonceLength: 4).connectionIDLength == 20)
    }

    /// Every limit of §3.1 and §5.3 is a typed error, never a trap.
    @Test func invalidConfigurationsAreTypedErrors() {
        let key = hexBytes(Self.vectorKey)
        #expect(throws: QUICLBError.invalidConfigRotation(7)) {
            try QUICLBConfiguration(configRotation: 7, serverIDLength: 3, nonceLength: 4)
        }
        #expect(throws: QUICLBError.invalidConfigRotation(200)) {
            try QUICLBConfiguration(configRotation: 200, serverIDLength: 3, nonceLength: 4)
        }
        #expect(throws: QUICLBError.invalidServerIDLength(0)) {
            try QUICLBConfiguration(configRotation: 0, serverIDLength: 0, nonceLength: 4)
        }
        #expect(throws: QUICLBError.invalidNonceLength(3)) {
            try QUICLBConfiguration(configRotation: 0, serverIDLength: 3, nonceLength: 3, key: key)
        }
        #expect(throws: QUICLBError.invalidNonceLength(3)) {
            try QUICLBConfiguration(configRotation: 0, serverIDLength: 3, nonceLength: 3)
        }
        #expect(throws: QUICLBError.plaintextTooLong(serverIDLength: 10, nonceLength: 10)) {
            try QUICLBConfiguration(configRotation: 0, serverIDLength: 10, nonceLength: 10)
        }
        #expect(throws: QUICLBError.invalidKeyLength(32)) {
            try QUICLBConfiguration(configRotation: 0, serverIDLength: 3, nonceLength: 4, key: key + key)
        }
        #expect(throws: QUICLBError.invalidServerIDLength(16)) { try QUICLBServerID([UInt8](repeating: 1, count: 16)) }
        #expect(throws: QUICLBError.invalidNonceLength(19)) { try QUICLBNonce([UInt8](repeating: 1, count: 19)) }
        #expect(throws: QUICLBError.serverIDValueTooLarge(256, length: 1)) { try QUICLBServerID(256, length: 1) }
        #expect(QUICLBError.plaintextTooLong(serverIDLength: 10, nonceLength: 10).description.contains("19"))
    }

    @Test func serverIDFromAnInteger() throws {
        #expect(try QUICLBServerID(0x0102, length: 3).bytes == [0, 1, 2])
        #expect(try QUICLBServerID(UInt64.max, length: 10).bytes == [0, 0] + [UInt8](repeating: 0xff, count: 8))
        #expect(try QUICLBServerID(7, length: 1).description == "07")
    }

    @Test func fieldsOfTheWrongLengthAreRefused() throws {
        let configuration = try QUICLBConfiguration(configRotation: 0, serverIDLength: 3, nonceLength: 4)
        #expect(throws: QUICLBError.lengthMismatch(field: .serverID, expected: 3, actual: 2)) {
            try configuration.encode(serverID: QUICLBServerID([1, 2]), nonce: QUICLBNonce([1, 2, 3, 4]),
                                     firstOctetRandomBits: 0)
        }
        #expect(throws: QUICLBError.lengthMismatch(field: .nonce, expected: 4, actual: 5)) {
            try configuration.encode(serverID: QUICLBServerID([1, 2, 3]), nonce: QUICLBNonce([1, 2, 3, 4, 5]),
                                     firstOctetRandomBits: 0)
        }
    }

    /// §4.1: the conditions that make a connection ID unroutable.
    @Test func unroutableConnectionIDsAreRecognised() throws {
        let configuration = try QUICLBConfiguration(configRotation: 2, serverIDLength: 3, nonceLength: 4,
                                                    key: hexBytes(Self.vectorKey))
        var random = SplitMix64(seed: 3)
        let good = try configuration.encode(serverID: QUICLBServerID([9, 8, 7]), nonce: QUICLBNonce([1, 2, 3, 4]),
                                            using: &random)
        #expect(configuration.unroutableReason(good) == nil)
        var bytes = good.bytes
        bytes[0] = 0x07  // rotation 0
        #expect(throws: QUICLBError.configRotationMismatch(expected: 2, actual: 0)) {
            try configuration.decode(ConnectionID(bytes))
        }
        bytes[0] = 0xe7
        #expect(configuration.unroutableReason(try ConnectionID(bytes)) == .unroutable)
        bytes[0] = 0x46  // rotation 2, self-encoded length 6 where 7 follow
        #expect(configuration.unroutableReason(try ConnectionID(bytes)) == .lengthSelfDescription(expected: 7, actual: 6))
        #expect(configuration.serverID(of: try ConnectionID(bytes)) == nil)
        #expect(configuration.serverID(of: try ConnectionID(good.bytes.dropLast())) == nil)
        #expect(configuration.serverID(of: .empty) == nil)
        #expect(throws: QUICLBError.connectionIDLength(expected: 8, actual: 9)) {
            try configuration.decode(ConnectionID(good.bytes + [0]))
        }
        let unroutable = try QUICLBConfiguration.unroutableConnectionID(length: 8, using: &random)
        #expect(unroutable.length == 8 && unroutable[0] == 0xe7)
        #expect(configuration.serverID(of: unroutable) == nil)
        #expect(throws: QUICLBError.invalidConnectionIDLength(21)) {
            try QUICLBConfiguration.unroutableConnectionID(length: 21, using: &random)
        }
    }

    /// Without self-encoded length, the first octet's low five bits are random and still decode.
    @Test func randomFirstOctetBits() throws {
        let configuration = try QUICLBConfiguration(configRotation: 5, serverIDLength: 2, nonceLength: 6,
                                                    key: hexBytes(Self.vectorKey), encodesLength: false)
        var random = SplitMix64(seed: 9)
        let serverID = try QUICLBServerID([0xab, 0xcd])
        var lowBits: Set<UInt8> = []
        for value in 0..<64 {
            let nonce = try QUICLBNonce([0, 0, 0, 0, 0, UInt8(value)])
            let cid = try configuration.encode(serverID: serverID, nonce: nonce, using: &random)
            #expect(cid[0] >> 5 == 5)
            lowBits.insert(cid[0] & 0x1f)
            #expect(try configuration.decode(cid) == QUICLBDecodedConnectionID(serverID: serverID, nonce: nonce))
        }
        #expect(lowBits.count > 8)
    }

    /// Every server ID and nonce length the draft allows, in all three encodings, with and without self-encoded
    /// length: decode(encode(x)) == x, and the router's shortcut finds the same server ID.
    @Test(arguments: [false, true])
    func roundTripsForEveryLength(encrypted: Bool) throws {
        var random = SplitMix64(seed: encrypted ? 21 : 20)
        var combinations = 0
        for serverIDLength in QUICLBServerID.lengthRange {
            for nonceLength in QUICLBNonce.lengthRange where serverIDLength + nonceLength <= 19 {
                for encodesLength in [true, false] {
                    let configuration = try QUICLBConfiguration(
                        configRotation: UInt8(random.int(0...6)), serverIDLength: serverIDLength,
                        nonceLength: nonceLength, key: encrypted ? random.bytes(16) : nil, encodesLength: encodesLength)
                    for _ in 0..<8 {
                        try Self.expectRoundTrip(configuration, random: &random)
                    }
                    combinations += 1
                }
            }
        }
        // Server ID s from 1 to 15 takes nonces from 4 to 19 - s: 15 + 14 + ... + 1 pairs, twice.
        #expect(combinations == 240)
    }

    /// Seeded property test: random configurations, server IDs and nonces.
    @Test(arguments: 0..<8)
    func decodeInvertsEncode(seed: UInt64) throws {
        var random = SplitMix64(seed: 0x9_1b00 + seed)
        for _ in 0..<200 {
            let serverIDLength = random.int(1...15)
            let nonceLength = random.int(4...(19 - serverIDLength))
            let configuration = try QUICLBConfiguration(
                configRotation: UInt8(random.int(0...6)), serverIDLength: serverIDLength, nonceLength: nonceLength,
                key: random.bool() ? random.bytes(16) : nil, encodesLength: random.bool())
            try Self.expectRoundTrip(configuration, random: &random)
        }
    }

    /// Encrypting changes the octets (the server ID does not show through) and distinct nonces give distinct IDs.
    @Test func encryptionHidesTheServerID() throws {
        let configuration = try QUICLBConfiguration(configRotation: 0, serverIDLength: 4, nonceLength: 5,
                                                    key: hexBytes(Self.vectorKey))
        let serverID = try QUICLBServerID([1, 2, 3, 4])
        var seen: Set<ConnectionID> = []
        for value in 0..<256 {
            let cid = try configuration.encode(serverID: serverID, nonce: QUICLBNonce([0, 0, 0, 0, UInt8(value)]),
                                               firstOctetRandomBits: 0)
            #expect(Array(cid.bytes[1...4]) != serverID.bytes)
            seen.insert(cid)
        }
        #expect(seen.count == 256)
    }

    static func expectRoundTrip(_ configuration: QUICLBConfiguration,
                                random: inout SplitMix64) throws {
        let serverID = try QUICLBServerID(random.bytes(configuration.serverIDLength))
        let nonce = try QUICLBNonce(random.bytes(configuration.nonceLength))
        let cid = try configuration.encode(serverID: serverID, nonce: nonce, using: &random)
        #expect(cid.length == configuration.connectionIDLength)
        #expect(cid[0] >> 5 == configuration.configRotation)
        if configuration.encodesLength {
            #expect(Int(cid[0] & 0x1f) == cid.length - 1)
        }
        let decoded = try configuration.decode(cid)
        #expect(decoded.serverID == serverID, "\(configuration.algorithm) \(serverID) \(nonce)")
        #expect(decoded.nonce == nonce, "\(configuration.algorithm) \(serverID) \(nonce)")
        #expect(configuration.serverID(of: cid) == serverID)
    }
}
