import QUICWire
import Testing

@testable import QUICCrypto

@Suite("Key derivation (RFC 9001 A.1, RFC 9369 A.1)")
struct KeyDerivationTests {
    @Test("HkdfLabel bytes match RFC 9001 A.1 and RFC 9369 A.1")
    func hkdfLabels() throws {
        let cases: [(String, Int, String)] = [
            ("client in", 32, "00200f746c73313320636c69656e7420696e00"),
            ("server in", 32, "00200f746c7331332073657276657220696e00"),
            ("quic key", 16, "00100e746c7331332071756963206b657900"),
            ("quic iv", 12, "000c0d746c733133207175696320697600"),
            ("quic hp", 16, "00100d746c733133207175696320687000"),
            ("quicv2 key", 16, "001010746c73313320717569637632206b657900"),
            ("quicv2 iv", 12, "000c0f746c7331332071756963763220697600"),
            ("quicv2 hp", 16, "00100f746c7331332071756963763220687000"),
        ]
        for (label, length, expected) in cases {
            let info = try QUICHKDF.hkdfLabel(label: label, context: [], length: length)
            #expect(hexString(info) == expected, "label \(label)")
        }
    }

    @Test("v1 Initial secrets and keys")
    func v1InitialKeys() throws {
        let dcid = ConnectionID(literal: try #require(hexBytes(Vectors.dcid)))
        let secrets = try InitialSecrets(version: .v1, destinationConnectionID: dcid)
        #expect(hexString(secrets.initialSecret) == "7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44")
        #expect(hexString(secrets.clientSecret) == "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea")
        #expect(hexString(secrets.serverSecret) == "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b")

        let client = try secrets.clientProtection()
        #expect(hexString(client.packetKeys.keyBytes) == "1f369613dd76d5467730efcbe3b1a22d")
        #expect(hexString(client.packetKeys.iv) == "fa044b2f42a3fd3b46fb255c")
        #expect(hexString(client.headerProtectionKey.keyBytes) == "9f50449e04a0e810283a1e9933adedd2")

        let server = try secrets.serverProtection()
        #expect(hexString(server.packetKeys.keyBytes) == "cf3a5331653c364c88f0f379b6067e37")
        #expect(hexString(server.packetKeys.iv) == "0ac1493ca1905853b0bba03e")
        #expect(hexString(server.headerProtectionKey.keyBytes) == "c206b8d9b9f0f37644430b490eeaa314")
    }

    @Test("v2 Initial secrets and keys")
    func v2InitialKeys() throws {
        let dcid = ConnectionID(literal: try #require(hexBytes(Vectors.dcid)))
        let secrets = try InitialSecrets(version: .v2, destinationConnectionID: dcid)
        #expect(hexString(secrets.initialSecret) == "2062e8b3cd8d52092614b8071d0aa1fb7c2e3ac193f78b280e72d8f5751f6aba")
        #expect(hexString(secrets.clientSecret) == "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b")
        #expect(hexString(secrets.serverSecret) == "0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1")

        let client = try secrets.clientProtection()
        #expect(hexString(client.packetKeys.keyBytes) == "8b1a0bc121284290a29e0971b5cd045d")
        #expect(hexString(client.packetKeys.iv) == "91f73e2351d8fa91660e909f")
        #expect(hexString(client.headerProtectionKey.keyBytes) == "45b95e15235d6f45a6b19cbcb0294ba9")

        let server = try secrets.serverProtection()
        #expect(hexString(server.packetKeys.keyBytes) == "82db637861d55e1d011f19ea71d5d2a7")
        #expect(hexString(server.packetKeys.iv) == "dd13c276499c0249d3310652")
        #expect(hexString(server.headerProtectionKey.keyBytes) == "edf6d05c83121201b436e16877593c3a")
    }

    @Test("Unsupported versions have no Initial secrets")
    func unsupportedVersion() {
        #expect(throws: CryptoError.unsupportedVersion(0xff00_001d)) {
            _ = try InitialSecrets(version: QUICVersion(rawValue: 0xff00_001d), destinationConnectionID: .empty)
        }
    }

    @Test("Retry key and nonce derive from the published secrets")
    func retryKeysFromSecrets() throws {
        let v1Secret = try #require(hexBytes("d9c9943e6101fd200021506bcc02814c73030f25c79d71ce876eca876e6fca8e"))
        let v1Key = try QUICHKDF.expandLabel(secret: v1Secret, label: "quic key", length: 16, hash: .sha256)
        let v1Nonce = try QUICHKDF.expandLabel(secret: v1Secret, label: "quic iv", length: 12, hash: .sha256)
        #expect(v1Key == VersionParameters.v1.retryKey)
        #expect(v1Nonce == VersionParameters.v1.retryNonce)

        let v2Secret = try #require(hexBytes("c4dd2484d681aefa4ff4d69c2c20299984a765a5d3c31982f38fc74162155e9f"))
        let v2Key = try QUICHKDF.expandLabel(secret: v2Secret, label: "quicv2 key", length: 16, hash: .sha256)
        let v2Nonce = try QUICHKDF.expandLabel(secret: v2Secret, label: "quicv2 iv", length: 12, hash: .sha256)
        #expect(hexString(v2Key) == "8fb4b01b56ac48e260fbcbcead7ccc92")
        #expect(hexString(v2Nonce) == "d86969bc2d7c6d9990efb04a")
        #expect(v2Key == VersionParameters.v2.retryKey)
        #expect(v2Nonce == VersionParameters.v2.retryNonce)
    }

    @Test("expandLabel rejects short secrets and bad lengths")
    func expandLabelRejects() {
        #expect(throws: CryptoError.invalidKeyLength) {
            _ = try QUICHKDF.expandLabel(
                secret: [UInt8](repeating: 1, count: 31), label: "x", length: 16, hash: .sha256)
        }
        #expect(throws: CryptoError.invalidKeyLength) {
            _ = try QUICHKDF.expandLabel(secret: [UInt8](repeating: 1, count: 32), label: "x", length: 0, hash: .sha256)
        }
        #expect(throws: CryptoError.invalidKeyLength) {
            _ = try PacketKeys(cipherSuite: .aes256GCMSHA384, secret: [UInt8](repeating: 1, count: 32), parameters: .v1)
        }
    }

    @Test("AEAD limits per suite (RFC 9001 §6.6)")
    func aeadLimits() {
        #expect(CipherSuite.aes128GCMSHA256.confidentialityLimit == 8_388_608)
        #expect(CipherSuite.aes256GCMSHA384.confidentialityLimit == 8_388_608)
        #expect(CipherSuite.chacha20Poly1305SHA256.confidentialityLimit == nil)
        #expect(CipherSuite.aes128GCMSHA256.integrityLimit == 4_503_599_627_370_496)
        #expect(CipherSuite.aes256GCMSHA384.integrityLimit == 4_503_599_627_370_496)
        #expect(CipherSuite.chacha20Poly1305SHA256.integrityLimit == 68_719_476_736)
    }
}
