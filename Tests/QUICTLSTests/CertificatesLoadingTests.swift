import Crypto
import Foundation
import QUICTLS
import SwiftASN1
import Testing
import X509
import _CryptoExtras

@Suite("Certificate and key loading")
struct CertificatesLoadingTests {
    @Test("SEC1 P-256 key with EC PARAMETERS block, as written by openssl")
    func sec1P256() throws {
        let key = try PrivateSigningKey(pemEncoded: OpenSSLKeys.p256SEC1WithParameters)
        guard case .p256 = key.backing else {
            Issue.record("expected a P-256 key, got \(key.keyTypeName)")
            return
        }
        // subjectPublicKeyInfoBytes is the BIT STRING content: the SPI DER minus its 26-byte header.
        let spki = [UInt8](certificatesHex: OpenSSLKeys.p256SPKIHex)
        #expect(Array(key.publicKey.subjectPublicKeyInfoBytes) == Array(spki.dropFirst(26)))
        // Re-exported as PKCS#8 and loaded again: the same key.
        let again = try PrivateSigningKey(pemEncoded: key.pemRepresentation)
        #expect(again.publicKey == key.publicKey)
        #expect(key.pemRepresentation.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test("PKCS#8 Ed25519 key from openssl, and its export is byte-identical")
    func ed25519PKCS8() throws {
        let key = try PrivateSigningKey(pemEncoded: OpenSSLKeys.ed25519PKCS8)
        guard case .ed25519(let inner) = key.backing else {
            Issue.record("expected an Ed25519 key, got \(key.keyTypeName)")
            return
        }
        #expect(Array(inner.publicKey.rawRepresentation) == [UInt8](certificatesHex: OpenSSLKeys.ed25519PublicHex))
        let ours = try PEMDocument(pemString: key.pemRepresentation)
        let theirs = try PEMDocument(pemString: OpenSSLKeys.ed25519PKCS8)
        #expect(ours == theirs)
    }

    @Test("PEM round trip of generated keys", arguments: ["p256", "p384", "ed25519", "rsa-pkcs8", "rsa-pkcs1"])
    func keyRoundTrip(kind: String) throws {
        let key: PrivateSigningKey
        let pem: String
        switch kind {
        case "p256":
            key = PrivateSigningKey(P256.Signing.PrivateKey())
            pem = key.pemRepresentation
        case "p384":
            key = PrivateSigningKey(P384.Signing.PrivateKey())
            pem = key.pemRepresentation
        case "ed25519":
            key = PrivateSigningKey(Curve25519.Signing.PrivateKey())
            pem = key.pemRepresentation
        case "rsa-pkcs8":
            key = TestKeys.make(.rsa2048, index: 0)
            pem = key.pemRepresentation
            #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        default:
            let rsa = TestKeys.rsaKeys[1]
            key = PrivateSigningKey(rsa)
            pem = rsa.pemRepresentation
            #expect(pem.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        }
        let loaded = try PrivateSigningKey(pemEncoded: pem)
        #expect(loaded.publicKey == key.publicKey)
        #expect(loaded.signatureSchemes == key.signatureSchemes)
        // Signatures by the loaded key verify with the original public key.
        let scheme = try #require(loaded.signatureSchemes.first)
        let signature = try loaded.signCertificateVerify(role: .client, transcriptHash: [9, 9, 9], scheme: scheme)
        try CertificateVerifySignature.verify(
            signature: signature,
            scheme: scheme,
            role: .client,
            transcriptHash: [9, 9, 9],
            publicKey: key.publicKey
        )
    }

    @Test("certificate chain PEM round trip, files, and key matching", arguments: TestKeyKind.allCases)
    func chainRoundTrip(kind: TestKeyKind) throws {
        let pki = try TestPKI.make(kind)
        let chain = try CertificateChain([pki.leaf, pki.intermediate])
        let pem = chain.pemRepresentation
        let loaded = try CertificateChain(pemEncoded: pem)
        #expect(loaded == chain)
        #expect(loaded.derEncoded == pki.presentedDER)
        #expect(loaded.leaf == pki.leaf)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("quictls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificatePath = directory.appendingPathComponent("cert.pem").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        try pem.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        try pki.leafKey.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)
        let identity = try CertificateIdentity(certificateFile: certificatePath, privateKeyFile: keyPath)
        #expect(identity.chain == chain)

        // The intermediate's key does not belong to the leaf.
        let mismatch = #expect(throws: CertificateLoadingError.self) {
            _ = try CertificateIdentity(chain: chain, privateKey: pki.intermediateKey)
        }
        #expect(mismatch?.kind == .keyDoesNotMatchCertificate)
        // Nor does the leaf's key fit a chain given in the wrong order.
        let reversed = try CertificateChain([pki.intermediate, pki.leaf])
        #expect(throws: CertificateLoadingError.self) {
            _ = try CertificateIdentity(chain: reversed, privateKey: pki.leafKey)
        }
    }

    @Test("missing files give fileNotReadable with the path")
    func missingFile() {
        let path = "/nonexistent/quictls/cert.pem"
        let error = #expect(throws: CertificateLoadingError.self) { _ = try CertificateChain(pemFile: path) }
        #expect(error?.kind == .fileNotReadable)
        #expect(error?.message.contains(path) == true)
        let keyError = #expect(throws: CertificateLoadingError.self) { _ = try PrivateSigningKey(pemFile: path) }
        #expect(keyError?.kind == .fileNotReadable)
        let rootsError = #expect(throws: CertificateLoadingError.self) { _ = try TrustRoots.system(path: path) }
        #expect(rootsError?.kind == .fileNotReadable)
        #expect(rootsError?.message.contains("ca-certificates") == true)
    }

    @Test("text that is not PEM, or PEM without the expected block, is notPEM")
    func notPEM() throws {
        for text in ["", "hello", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"] {
            let error = #expect(throws: CertificateLoadingError.self) { _ = try CertificateChain(pemEncoded: text) }
            #expect(error?.kind == .notPEM)
            #expect(throws: CertificateLoadingError.self) { _ = try PrivateSigningKey(pemEncoded: text) }
        }
        // A key file where a certificate is expected, and vice versa.
        let certificateError = #expect(throws: CertificateLoadingError.self) {
            _ = try CertificateChain(pemEncoded: OpenSSLKeys.ed25519PKCS8)
        }
        #expect(certificateError?.kind == .notPEM)
        let pki = try TestPKI.make(.p256)
        let keyError = #expect(throws: CertificateLoadingError.self) {
            _ = try PrivateSigningKey(pemEncoded: CertificateChain([pki.leaf]).pemRepresentation)
        }
        #expect(keyError?.kind == .notPEM)
    }

    @Test("unsupported key types are named as such")
    func unsupportedKeys() {
        for pem in [OpenSSLKeys.x25519PKCS8, OpenSSLKeys.p521SEC1] {
            let error = #expect(throws: CertificateLoadingError.self) { _ = try PrivateSigningKey(pemEncoded: pem) }
            #expect(error?.kind == .unsupportedKeyType)
        }
        let encrypted = PEMDocument(type: "ENCRYPTED PRIVATE KEY", derBytes: [0x30, 0x00]).pemString
        let error = #expect(throws: CertificateLoadingError.self) { _ = try PrivateSigningKey(pemEncoded: encrypted) }
        #expect(error?.kind == .unsupportedKeyType)
    }

    @Test("a certificate block with bad DER is malformedContent")
    func malformedCertificateDER() {
        let pem = PEMDocument(type: "CERTIFICATE", derBytes: [0x30, 0x03, 0x02, 0x01, 0x01]).pemString
        let error = #expect(throws: CertificateLoadingError.self) { _ = try CertificateChain(pemEncoded: pem) }
        #expect(error?.kind == .malformedContent)
    }

    @Test("random mutations of key and certificate PEM never crash")
    func pemFuzz() throws {
        let pki = try TestPKI.make(.p256)
        let inputs = [
            OpenSSLKeys.p256SEC1WithParameters, OpenSSLKeys.ed25519PKCS8, pki.leafKey.pemRepresentation,
            TestKeys.make(.rsa2048, index: 0).pemRepresentation,
        ]
        var generator = CertificatesSplitMix64(seed: 7)
        var accepted = 0
        for input in inputs {
            let document = try PEMDocument(
                pemString: input.components(separatedBy: "-----END EC PARAMETERS-----\n").last ?? input
            )
            for _ in 0..<75 {
                var der = document.derBytes
                let edits = Int.random(in: 1...4, using: &generator)
                for _ in 0..<edits {
                    let index = Int.random(in: 0..<der.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: der[index] = UInt8.random(in: 0...255, using: &generator)
                    case 1: der.removeSubrange(index...)
                    default: der.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                    }
                    if der.isEmpty { der = [0] }
                }
                let mutated = PEMDocument(type: document.discriminator, derBytes: der).pemString
                if (try? PrivateSigningKey(pemEncoded: mutated)) != nil { accepted += 1 }
            }
        }
        // Most mutations must be rejected; some (in the key bytes themselves) legitimately still parse.
        #expect(accepted < 300)
    }

    @Test("a combined file with certificate and key loads as an identity")
    func combinedFile() throws {
        let identity = try DevelopmentCertificate.generate(keyType: .ed25519, now: TestPKI.now)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("quictls-\(UUID().uuidString).pem").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (identity.pemFiles.privateKey + identity.pemFiles.certificateChain)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try CertificateIdentity(certificateFile: path, privateKeyFile: path)
        #expect(loaded.chain == identity.chain)
        #expect(loaded.privateKey.publicKey == identity.privateKey.publicKey)
    }

    @Test("PKCS#8 keys truncated at every byte offset throw", arguments: ["p256", "ed25519", "rsa"])
    func pkcs8Truncation(kind: String) throws {
        let key: PrivateSigningKey
        switch kind {
        case "p256": key = PrivateSigningKey(P256.Signing.PrivateKey())
        case "ed25519": key = PrivateSigningKey(Curve25519.Signing.PrivateKey())
        default: key = TestKeys.make(.rsa2048, index: 2)
        }
        let der = try PEMDocument(pemString: key.pemRepresentation).derBytes
        #expect(try PrivateSigningKey(pkcs8DER: der).publicKey == key.publicKey)
        for length in 0..<der.count {
            #expect(throws: CertificateLoadingError.self) {
                _ = try PrivateSigningKey(pkcs8DER: Array(der.prefix(length)))
            }
        }
    }
}
