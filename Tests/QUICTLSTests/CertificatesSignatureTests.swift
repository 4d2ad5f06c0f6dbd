import Crypto
import Foundation
import QUICTLS
import Testing
import X509
import _CryptoExtras

@Suite("CertificateVerify signatures")
struct CertificatesSignatureTests {
    static let transcriptHash: [UInt8] = (0..<32).map { UInt8($0) }

    @Test("RFC 8446 §4.2.3 codepoints")
    func codepoints() {
        #expect(SignatureScheme.rsaPKCS1SHA256.rawValue == 0x0401)
        #expect(SignatureScheme.rsaPKCS1SHA384.rawValue == 0x0501)
        #expect(SignatureScheme.rsaPKCS1SHA512.rawValue == 0x0601)
        #expect(SignatureScheme.ecdsaSecp256r1SHA256.rawValue == 0x0403)
        #expect(SignatureScheme.ecdsaSecp384r1SHA384.rawValue == 0x0503)
        #expect(SignatureScheme.ecdsaSecp521r1SHA512.rawValue == 0x0603)
        #expect(SignatureScheme.rsaPSSRSAESHA256.rawValue == 0x0804)
        #expect(SignatureScheme.rsaPSSRSAESHA384.rawValue == 0x0805)
        #expect(SignatureScheme.rsaPSSRSAESHA512.rawValue == 0x0806)
        #expect(SignatureScheme.ed25519.rawValue == 0x0807)
        #expect(SignatureScheme.ed448.rawValue == 0x0808)
        #expect(SignatureScheme.rsaPSSPSSSHA256.rawValue == 0x0809)
        #expect(SignatureScheme.rsaPKCS1SHA1.rawValue == 0x0201)
        #expect(SignatureScheme(rawValue: 0x0a0a).description == "signature scheme 0xa0a")
        #expect(SignatureScheme.ed25519.description == "ed25519")
    }

    @Test("signed content layout (RFC 8446 §4.4.3)")
    func contentLayout() {
        let hash: [UInt8] = [0xAA, 0xBB]
        let server = CertificateVerifyContent.make(role: .server, transcriptHash: hash)
        let client = CertificateVerifyContent.make(role: .client, transcriptHash: hash)
        let serverContext = Array("TLS 1.3, server CertificateVerify".utf8)
        #expect(server.count == 64 + 33 + 1 + 2)
        #expect(server.prefix(64).allSatisfy { $0 == 0x20 })
        #expect(Array(server[64..<97]) == serverContext)
        #expect(server[97] == 0)
        #expect(Array(server.suffix(2)) == hash)
        #expect(Array(client[64..<97]) == Array("TLS 1.3, client CertificateVerify".utf8))
        #expect(server != client)
    }

    static let cases: [(TestKeyKind, SignatureScheme)] = [
        (.p256, .ecdsaSecp256r1SHA256),
        (.ed25519, .ed25519),
        (.rsa2048, .rsaPSSRSAESHA256),
        (.rsa2048, .rsaPSSRSAESHA384),
        (.rsa2048, .rsaPSSRSAESHA512),
    ]

    @Test("each scheme signs and verifies, for both roles", arguments: Self.cases)
    func signAndVerify(kind: TestKeyKind, scheme: SignatureScheme) throws {
        let key = TestKeys.make(kind, index: 0)
        for role in [CertificateVerifyRole.server, .client] {
            let signature = try key.signCertificateVerify(
                role: role,
                transcriptHash: Self.transcriptHash,
                scheme: scheme
            )
            try CertificateVerifySignature.verify(
                signature: signature,
                scheme: scheme,
                role: role,
                transcriptHash: Self.transcriptHash,
                publicKey: key.publicKey
            )
            // The other role's context string must not verify.
            let otherRole: CertificateVerifyRole = role == .server ? .client : .server
            let wrongRole = #expect(throws: CertificateVerificationError.self) {
                try CertificateVerifySignature.verify(
                    signature: signature,
                    scheme: scheme,
                    role: otherRole,
                    transcriptHash: Self.transcriptHash,
                    publicKey: key.publicKey
                )
            }
            #expect(wrongRole?.alert == 51)
            #expect(wrongRole?.kind == .badSignature)
        }
    }

    @Test("ECDSA P-256 signature is DER ECDSA-Sig-Value and P-384 works")
    func ecdsaEncoding() throws {
        let key = PrivateSigningKey(P256.Signing.PrivateKey())
        let signature = try key.signCertificateVerify(
            role: .server,
            transcriptHash: Self.transcriptHash,
            scheme: .ecdsaSecp256r1SHA256
        )
        #expect(signature.first == 0x30)  // SEQUENCE
        #expect(signature.count >= 8 && signature.count <= 72)
        let p384 = PrivateSigningKey(P384.Signing.PrivateKey())
        let signature384 = try p384.signCertificateVerify(
            role: .client,
            transcriptHash: Self.transcriptHash,
            scheme: .ecdsaSecp384r1SHA384
        )
        try CertificateVerifySignature.verify(
            signature: signature384,
            scheme: .ecdsaSecp384r1SHA384,
            role: .client,
            transcriptHash: Self.transcriptHash,
            publicKey: p384.publicKey
        )
    }

    @Test("a signature made by another key fails with decrypt_error", arguments: TestKeyKind.allCases)
    func otherKeyFails(kind: TestKeyKind) throws {
        let signer = TestKeys.make(kind, index: 0)
        let other = TestKeys.make(kind, index: 1)
        let scheme = try #require(signer.signatureSchemes.first)
        let signature = try signer.signCertificateVerify(
            role: .server,
            transcriptHash: Self.transcriptHash,
            scheme: scheme
        )
        let error = #expect(throws: CertificateVerificationError.self) {
            try CertificateVerifySignature.verify(
                signature: signature,
                scheme: scheme,
                role: .server,
                transcriptHash: Self.transcriptHash,
                publicKey: other.publicKey
            )
        }
        #expect(error?.alert == 51)
    }

    @Test("a changed transcript hash or a flipped signature bit fails", arguments: TestKeyKind.allCases)
    func tamperedFails(kind: TestKeyKind) throws {
        let key = TestKeys.make(kind, index: 2)
        let scheme = try #require(key.signatureSchemes.first)
        let signature = try key.signCertificateVerify(
            role: .server,
            transcriptHash: Self.transcriptHash,
            scheme: scheme
        )
        var otherHash = Self.transcriptHash
        otherHash[5] ^= 1
        #expect(throws: CertificateVerificationError.self) {
            try CertificateVerifySignature.verify(
                signature: signature,
                scheme: scheme,
                role: .server,
                transcriptHash: otherHash,
                publicKey: key.publicKey
            )
        }
        var generator = CertificatesSplitMix64(seed: 0xC0FFEE)
        for _ in 0..<16 {
            var mutated = signature
            let index = Int.random(in: 0..<mutated.count, using: &generator)
            mutated[index] ^= UInt8.random(in: 1...255, using: &generator)
            let error = #expect(throws: CertificateVerificationError.self) {
                try CertificateVerifySignature.verify(
                    signature: mutated,
                    scheme: scheme,
                    role: .server,
                    transcriptHash: Self.transcriptHash,
                    publicKey: key.publicKey
                )
            }
            #expect(error?.alert == 51)
        }
        // Truncations never trap.
        for length in 0..<signature.count {
            #expect(throws: CertificateVerificationError.self) {
                try CertificateVerifySignature.verify(
                    signature: signature.prefix(length),
                    scheme: scheme,
                    role: .server,
                    transcriptHash: Self.transcriptHash,
                    publicKey: key.publicKey
                )
            }
        }
    }

    @Test("a scheme that does not match the certificate key is illegal_parameter")
    func schemeKeyMismatch() throws {
        let p256 = TestKeys.make(.p256, index: 0)
        let ed = TestKeys.make(.ed25519, index: 0)
        let rsa = TestKeys.make(.rsa2048, index: 0)
        let signature = try p256.signCertificateVerify(
            role: .server,
            transcriptHash: Self.transcriptHash,
            scheme: .ecdsaSecp256r1SHA256
        )
        let mismatches: [(SignatureScheme, PrivateSigningKey)] = [
            (.ecdsaSecp256r1SHA256, ed), (.ed25519, p256), (.rsaPSSRSAESHA256, p256),
            (.ecdsaSecp256r1SHA256, rsa), (.ecdsaSecp384r1SHA384, p256),
        ]
        for (scheme, key) in mismatches {
            let error = #expect(throws: CertificateVerificationError.self) {
                try CertificateVerifySignature.verify(
                    signature: signature,
                    scheme: scheme,
                    role: .server,
                    transcriptHash: Self.transcriptHash,
                    publicKey: key.publicKey
                )
            }
            #expect(error?.alert == 47)
            #expect(error?.kind == .illegalSignatureScheme)
        }
    }

    @Test("PKCS#1, SHA-1, unknown and not-offered schemes are illegal_parameter")
    func forbiddenSchemes() throws {
        let rsa = TestKeys.make(.rsa2048, index: 0)
        let signature = try rsa.signCertificateVerify(
            role: .server,
            transcriptHash: Self.transcriptHash,
            scheme: .rsaPSSRSAESHA256
        )
        let all = [SignatureScheme.rsaPKCS1SHA256, .rsaPKCS1SHA1, .ecdsaSHA1, SignatureScheme(rawValue: 0xfefe)]
        for scheme in all {
            let error = #expect(throws: CertificateVerificationError.self) {
                try CertificateVerifySignature.verify(
                    signature: signature,
                    scheme: scheme,
                    role: .server,
                    transcriptHash: Self.transcriptHash,
                    publicKey: rsa.publicKey,
                    offered: all + SignatureScheme.supportedForCertificateVerify
                )
            }
            #expect(error?.alert == 47)
        }
        // A valid signature with a scheme we did not offer.
        let error = #expect(throws: CertificateVerificationError.self) {
            try CertificateVerifySignature.verify(
                signature: signature,
                scheme: .rsaPSSRSAESHA256,
                role: .server,
                transcriptHash: Self.transcriptHash,
                publicKey: rsa.publicKey,
                offered: [.ecdsaSecp256r1SHA256]
            )
        }
        #expect(error?.alert == 47)
    }

    @Test("scheme selection from the peer's signature_algorithms")
    func selection() {
        let p256 = TestKeys.make(.p256, index: 0)
        let ed = TestKeys.make(.ed25519, index: 0)
        let rsa = TestKeys.make(.rsa2048, index: 0)
        #expect(
            p256.selectSignatureScheme(peerSupported: [.ed25519, .ecdsaSecp256r1SHA256]) == .ecdsaSecp256r1SHA256
        )
        #expect(p256.selectSignatureScheme(peerSupported: [.ed25519, .rsaPSSRSAESHA256]) == nil)
        #expect(ed.selectSignatureScheme(peerSupported: [.ecdsaSecp256r1SHA256, .ed25519]) == .ed25519)
        #expect(rsa.selectSignatureScheme(peerSupported: [.rsaPKCS1SHA256]) == nil)
        #expect(
            rsa.selectSignatureScheme(peerSupported: [.rsaPSSRSAESHA512, .rsaPSSRSAESHA384])
                == .rsaPSSRSAESHA384
        )
        #expect(
            rsa.selectSignatureScheme(peerSupported: SignatureScheme.supportedForCertificateVerify)
                == .rsaPSSRSAESHA256
        )
        #expect(p256.selectSignatureScheme(peerSupported: []) == nil)
    }

    @Test("signing with a scheme the key cannot make is refused")
    func signWrongScheme() {
        let p256 = TestKeys.make(.p256, index: 0)
        let rsa = TestKeys.make(.rsa2048, index: 0)
        #expect(throws: CertificateVerificationError.self) {
            _ = try p256.signCertificateVerify(role: .server, transcriptHash: [1], scheme: .ed25519)
        }
        #expect(throws: CertificateVerificationError.self) {
            _ = try rsa.signCertificateVerify(role: .server, transcriptHash: [1], scheme: .rsaPKCS1SHA256)
        }
    }
}
