import Crypto
import QUICWire
import Testing

@testable import QUICTLS

@Suite("Key exchange: X25519, secp256r1, X25519MLKEM768")
struct KeyExchangeTests {
    /// RFC 8448 §3: both ephemeral private keys give the logged public keys and the logged shared secret.
    @Test func x25519FromRFC8448PrivateKeys() throws {
        let clientKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: RFC8448Secrets.clientPrivateKey)
        let serverKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: RFC8448Secrets.serverPrivateKey)
        let client = ClientKeyShare(privateKey: .x25519(clientKey))
        #expect(client.entry == KeyShareEntry(group: .x25519, keyExchange: RFC8448Secrets.clientPublicKey))

        // The client's share is the one in the RFC's ClientHello.
        let hello = try ClientHello(body: try RawHandshakeMessage(bytes: RFC8448.clientHello).body)
        #expect(hello.extensions.contains(.keyShares([client.entry])))

        let response = try ServerKeyShare.respondX25519(to: client.entry, privateKey: serverKey)
        #expect(response.entry == KeyShareEntry(group: .x25519, keyExchange: RFC8448Secrets.serverPublicKey))
        #expect(response.sharedSecret == RFC8448Secrets.ecdheSharedSecret)
        #expect(try client.sharedSecret(serverShare: response.entry) == RFC8448Secrets.ecdheSharedSecret)
    }

    @Test(arguments: [NamedGroup.x25519, .secp256r1, .x25519MLKEM768])
    func bothSidesAgree(group: NamedGroup) throws {
        let client = try ClientKeyShare(group: group)
        #expect(client.group == group)
        let expectedClientLength = [NamedGroup.x25519: 32, .secp256r1: 65, .x25519MLKEM768: 1216][group]
        #expect(client.entry.keyExchange.count == expectedClientLength)
        let response = try ServerKeyShare.respond(to: client.entry)
        #expect(response.entry.group == group)
        let expectedServerLength = [NamedGroup.x25519: 32, .secp256r1: 65, .x25519MLKEM768: 1120][group]
        #expect(response.entry.keyExchange.count == expectedServerLength)
        let expectedSecretLength = [NamedGroup.x25519: 32, .secp256r1: 32, .x25519MLKEM768: 64][group]
        #expect(response.sharedSecret.count == expectedSecretLength)
        #expect(try client.sharedSecret(serverShare: response.entry) == response.sharedSecret)
        // A second exchange yields a different secret: keys are fresh each time.
        let again = try ServerKeyShare.respond(to: client.entry)
        #expect(again.sharedSecret != response.sharedSecret)
    }

    /// The hybrid secret is the ML-KEM secret followed by the X25519 secret, and the shares put ML-KEM first.
    @Test func hybridLayoutIsMLKEMFirst() throws {
        let mlkem = try MLKEM768.PrivateKey()
        let x25519 = Curve25519.KeyAgreement.PrivateKey()
        let client = ClientKeyShare(privateKey: .x25519MLKEM768(mlkem, x25519))
        #expect(Array(client.entry.keyExchange.prefix(1184)) == Array(mlkem.publicKey.rawRepresentation))
        #expect(Array(client.entry.keyExchange.suffix(32)) == Array(x25519.publicKey.rawRepresentation))

        let serverX25519 = Curve25519.KeyAgreement.PrivateKey()
        let result = try X25519MLKEM768KeyExchange.respond(to: client.entry.keyExchange, x25519: serverX25519)
        let ciphertext = Array(result.serverShare.prefix(1088))
        let mlkemSecret = try mlkem.decapsulate(ciphertext).withUnsafeBytes { Array($0) }
        let x25519Secret = try x25519.sharedSecretFromKeyAgreement(with: serverX25519.publicKey)
            .withUnsafeBytes { Array($0) }
        #expect(result.sharedSecret == mlkemSecret + x25519Secret)
        #expect(Array(result.serverShare.suffix(32)) == Array(serverX25519.publicKey.rawRepresentation))
    }

    /// Every truncation and one-byte extension of a valid share is rejected with illegal_parameter, on both sides.
    @Test(arguments: [NamedGroup.x25519, .secp256r1, .x25519MLKEM768])
    func wrongLengthsAreIllegalParameter(group: NamedGroup) throws {
        let client = try ClientKeyShare(group: group)
        let response = try ServerKeyShare.respond(to: client.entry)
        let clientValue = client.entry.keyExchange
        let serverValue = response.entry.keyExchange
        for length in 0..<clientValue.count {
            let alert = alertThrown {
                let truncated = KeyShareEntry(group: group, keyExchange: Array(clientValue.prefix(length)))
                _ = try ServerKeyShare.respond(to: truncated)
            }
            #expect(alert?.code == .illegalParameter, "client share of \(length) bytes")
        }
        let serverLengths = Array(0..<serverValue.count) + [serverValue.count + 1]
        for length in serverLengths {
            let value = length > serverValue.count ? serverValue + [0] : Array(serverValue.prefix(length))
            let alert = alertThrown {
                _ = try client.sharedSecret(serverShare: KeyShareEntry(group: group, keyExchange: value))
            }
            #expect(alert?.code == .illegalParameter, "server share of \(length) bytes")
        }
        let long = alertThrown {
            _ = try ServerKeyShare.respond(to: KeyShareEntry(group: group, keyExchange: clientValue + [4]))
        }
        #expect(long?.code == .illegalParameter)
    }

    @Test func serverShareForAnotherGroupIsIllegalParameter() throws {
        let client = try ClientKeyShare(group: .x25519)
        let other = try ClientKeyShare(group: .secp256r1)
        let response = try ServerKeyShare.respond(to: other.entry)
        let alert = alertThrown { _ = try client.sharedSecret(serverShare: response.entry) }
        #expect(alert?.code == .illegalParameter)
    }

    @Test func unsupportedGroupIsInternalError() {
        let generate = alertThrown { _ = try ClientKeyShare(group: .x448) }
        #expect(generate?.code == .internalError)
        let respond = alertThrown {
            let share = KeyShareEntry(group: .secp384r1, keyExchange: [4] + [UInt8](repeating: 1, count: 96))
            _ = try ServerKeyShare.respond(to: share)
        }
        #expect(respond?.code == .internalError)
        #expect(ServerKeyShare.supports(.x25519MLKEM768))
        #expect(!ServerKeyShare.supports(.secp521r1))
    }

    /// RFC 8446 §7.4.2: an X25519 result of all zeros (from a low-order point) aborts the handshake.
    @Test func x25519LowOrderPointIsRejected() throws {
        let client = try ClientKeyShare(group: .x25519)
        let lowOrder: [[UInt8]] = [
            [UInt8](repeating: 0, count: 32),
            [1] + [UInt8](repeating: 0, count: 31),
        ]
        for point in lowOrder {
            let server = alertThrown {
                _ = try ServerKeyShare.respond(to: KeyShareEntry(group: .x25519, keyExchange: point))
            }
            #expect(server?.code == .illegalParameter)
            let clientSide = alertThrown {
                _ = try client.sharedSecret(serverShare: KeyShareEntry(group: .x25519, keyExchange: point))
            }
            #expect(clientSide?.code == .illegalParameter)
        }
    }

    /// RFC 8446 §4.2.8.2: points off the curve, compressed points and the wrong legacy_form are rejected.
    @Test func invalidP256PointsAreRejected() throws {
        let client = try ClientKeyShare(group: .secp256r1)
        let valid = client.entry.keyExchange
        var offCurve = valid
        offCurve[64] ^= 0x01
        var wrongForm = valid
        wrongForm[0] = 0x05
        var compressedForm = valid
        compressedForm[0] = 0x02
        let infinity = [UInt8](repeating: 0, count: 65)
        let outOfField = [0x04] + [UInt8](repeating: 0xff, count: 64)
        for value in [offCurve, wrongForm, compressedForm, infinity, outOfField] {
            let alert = alertThrown {
                _ = try ServerKeyShare.respond(to: KeyShareEntry(group: .secp256r1, keyExchange: value))
            }
            #expect(alert?.code == .illegalParameter)
        }
        let compressed = Array(valid.prefix(33))
        let alert = alertThrown {
            _ = try ServerKeyShare.respond(to: KeyShareEntry(group: .secp256r1, keyExchange: compressed))
        }
        #expect(alert?.code == .illegalParameter)
    }

    /// FIPS 203 §7.2: an encapsulation key with a coefficient >= q fails the modulus check.
    @Test func invalidMLKEMEncapsulationKeyIsRejected() throws {
        let client = try ClientKeyShare(group: .x25519MLKEM768)
        var value = client.entry.keyExchange
        // The first 12-bit coefficient set to 0xfff (4095 >= q = 3329).
        value[0] = 0xff
        value[1] |= 0x0f
        let alert = alertThrown {
            _ = try ServerKeyShare.respond(to: KeyShareEntry(group: .x25519MLKEM768, keyExchange: value))
        }
        #expect(alert?.code == .illegalParameter)
    }

    /// A tampered ML-KEM ciphertext of the right length decapsulates (implicit rejection) to another secret, so
    /// the two sides disagree and the handshake fails later at Finished.
    @Test func tamperedCiphertextGivesAnotherSecret() throws {
        let client = try ClientKeyShare(group: .x25519MLKEM768)
        let response = try ServerKeyShare.respond(to: client.entry)
        var tampered = response.entry.keyExchange
        tampered[10] ^= 0x80
        let secret = try client.sharedSecret(serverShare: KeyShareEntry(group: .x25519MLKEM768, keyExchange: tampered))
        #expect(secret.count == 64)
        #expect(Array(secret.prefix(32)) != Array(response.sharedSecret.prefix(32)))
        #expect(Array(secret.suffix(32)) == Array(response.sharedSecret.suffix(32)))
    }
}
