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
        #expect(SignatureScheme.rsa_pkcs1_sha256.rawValue == 0x0401)
        #expect(SignatureScheme.rsa_pkcs1_sha384.rawValue == 0x0501)
        #expect(SignatureScheme.rsa_pkcs1_sha512.rawValue == 0x0601)
        #expect(SignatureScheme.ecdsa_secp256r1_sha256.rawValue == 0x0403)
        #expect(SignatureScheme.ecdsa_secp384r1_sha384.rawValue == 0x0503)
        #expect(SignatureScheme.ecdsa_secp521r1_sha512.rawValue == 0x0603)
        #expect(SignatureScheme.rsa_pss_rsae_sha256.rawValue == 0x0804)
        #expect(SignatureScheme.rsa_pss_rsae_sha384.rawValue == 0x0805)
        #expect(SignatureScheme.rsa_pss_rsae_sha512.rawValue == 0x0806)
        #expect(SignatureScheme.ed25519.rawValue == 0x0807)
        #expect(SignatureScheme.ed448.rawValue == 0x0808)
        #expect(SignatureScheme.rsa_pss_pss_sha256.rawValue == 0x0809)
        #expect(SignatureScheme.rsa_pkcs1_sha1.rawValue == 0x0201)
        #expect(SignatureScheme(rawValue: 0x0a0a).description == "unknown(0x0a0a)")
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
        (.p256, .ecdsa_secp256r1_sha256),
        (.ed25519, .ed25519),
        (.rsa2048, .rsa_pss_rsae_sha256),
        (.rsa2048, .rsa_pss_rsae_sha384),
        (.rsa2048, .rsa_pss_rsae_sha512),
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
            scheme: .ecdsa_secp256r1_sha256
        )
        #expect(signature.first == 0x30)  // SEQUENCE
        #expect(signature.count >= 8 && signature.count <= 72)
        let p384 = PrivateSigningKey(P384.Signing.PrivateKey())
        let signature384 = try p384.signCertificateVerify(
            role: .client,
            transcriptHash: Self.transcriptHash,
            scheme: .ecdsa_secp384r1_sha384
        )
        try CertificateVerifySignature.verify(
            signature: signature384,
            scheme: .ecdsa_secp384r1_sha384,
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
            scheme: .ecdsa_secp256r1_sha256
        )
        let mismatches: [(SignatureScheme, PrivateSigningKey)] = [
            (.ecdsa_secp256r1_sha256, ed), (.ed25519, p256), (.rsa_pss_rsae_sha256, p256),
            (.ecdsa_secp256r1_sha256, rsa), (.ecdsa_secp384r1_sha384, p256),
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
            scheme: .rsa_pss_rsae_sha256
        )
        let all = [SignatureScheme.rsa_pkcs1_sha256, .rsa_pkcs1_sha1, .ecdsa_sha1, SignatureScheme(rawValue: 0xfefe)]
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
                scheme: .rsa_pss_rsae_sha256,
                role: .server,
                transcriptHash: Self.transcriptHash,
                publicKey: rsa.publicKey,
                offered: [.ecdsa_secp256r1_sha256]
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
            p256.selectSignatureScheme(peerSupported: [.ed25519, .ecdsa_secp256r1_sha256]) == .ecdsa_secp256r1_sha256
        )
        #expect(p256.selectSignatureScheme(peerSupported: [.ed25519, .rsa_pss_rsae_sha256]) == nil)
        #expect(ed.selectSignatureScheme(peerSupported: [.ecdsa_secp256r1_sha256, .ed25519]) == .ed25519)
        #expect(rsa.selectSignatureScheme(peerSupported: [.rsa_pkcs1_sha256]) == nil)
        #expect(
            rsa.selectSignatureScheme(peerSupported: [.rsa_pss_rsae_sha512, .rsa_pss_rsae_sha384])
                == .rsa_pss_rsae_sha384
        )
        #expect(
            rsa.selectSignatureScheme(peerSupported: SignatureScheme.supportedForCertificateVerify)
                == .rsa_pss_rsae_sha256
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
            _ = try rsa.signCertificateVerify(role: .server, transcriptHash: [1], scheme: .rsa_pkcs1_sha256)
        }
    }
}
