import Crypto
import Foundation
import QUICTLS
import SwiftASN1
import Testing
import X509

@Suite("Peer certificate verification")
struct CertificatesVerificationTests {
    static let now = TestPKI.now

    func expectFailure(
        _ verifier: PeerCertificateVerifier,
        chain: [[UInt8]],
        identity: PeerIdentity,
        at time: Date = Self.now,
        kind: CertificateVerificationError.Kind,
        alert: UInt8,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            let result = try await verifier.verify(chain: chain, identity: identity, validationTime: time)
            Issue.record(
                "expected \(kind), but the chain verified: \(result.chain.count)",
                sourceLocation: sourceLocation
            )
        } catch {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.alert == alert, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a valid chain verifies for its DNS names and IP addresses", arguments: TestKeyKind.allCases)
    func validChain(kind: TestKeyKind) async throws {
        let pki = try TestPKI.make(kind)
        let verifier = PeerCertificateVerifier(trustRoots: pki.trustRoots)
        let names = [
            "server.example.com", "SERVER.Example.COM", "a.wild.example.net", "192.0.2.7", "2001:db8::1",
            "[2001:db8::1]", "2001:DB8:0:0::1",
        ]
        for name in names {
            let result = try await verifier.verify(
                chain: pki.presentedDER,
                identity: .server(name: name),
                validationTime: Self.now
            )
            #expect(result.leaf == pki.leaf)
            #expect(result.chain == [pki.leaf, pki.intermediate, pki.root])
            #expect(!result.isUnverified)
        }
        // Client authentication: no name is checked.
        let client = try await verifier.verify(chain: pki.presentedDER, identity: .client, validationTime: Self.now)
        #expect(client.chain.count == 3)
    }

    @Test("wrong host names and addresses fail with bad_certificate", arguments: TestKeyKind.allCases)
    func wrongName(kind: TestKeyKind) async throws {
        let pki = try TestPKI.make(kind)
        let verifier = PeerCertificateVerifier(trustRoots: pki.trustRoots)
        // Wildcards match exactly one label (RFC 6125 §6.4.3), not the bare domain or deeper names.
        for name in [
            "other.example.com", "example.com", "a.b.wild.example.net", "wild.example.net", "192.0.2.8", "::1",
        ] {
            await self.expectFailure(
                verifier,
                chain: pki.presentedDER,
                identity: .server(name: name),
                kind: .wrongIdentity,
                alert: 42
            )
        }
    }

    @Test("an untrusted root or a missing intermediate fails with unknown_ca", arguments: TestKeyKind.allCases)
    func untrusted(kind: TestKeyKind) async throws {
        let pki = try TestPKI.make(kind)
        let stranger = try TestPKI.make(.p256)
        let verifier = PeerCertificateVerifier(trustRoots: stranger.trustRoots)
        await self.expectFailure(
            verifier,
            chain: pki.presentedDER,
            identity: .server(name: "server.example.com"),
            kind: .untrustedRoot,
            alert: 48
        )
        await self.expectFailure(verifier, chain: pki.presentedDER, identity: .client, kind: .untrustedRoot, alert: 48)
        let trusting = PeerCertificateVerifier(trustRoots: pki.trustRoots)
        await self.expectFailure(
            trusting,
            chain: [TestPKI.der(pki.leaf)],
            identity: .server(name: "server.example.com"),
            kind: .untrustedRoot,
            alert: 48
        )
        // The intermediate alone as a trust root is enough (the verifier accepts a chain to any trust root).
        let intermediateTrusted = PeerCertificateVerifier(trustRoots: TrustRoots([pki.intermediate]))
        let result = try await intermediateTrusted.verify(
            chain: [TestPKI.der(pki.leaf)],
            identity: .server(name: "server.example.com"),
            validationTime: Self.now
        )
        #expect(result.chain.count == 2)
    }

    @Test("an expired leaf fails with certificate_expired, a not-yet-valid one with bad_certificate")
    func validityWindow() async throws {
        let expired = try TestPKI.make(
            .p256,
            leafNotBefore: Self.now.addingTimeInterval(-7200),
            leafNotAfter: Self.now.addingTimeInterval(-1)
        )
        await self.expectFailure(
            PeerCertificateVerifier(trustRoots: expired.trustRoots),
            chain: expired.presentedDER,
            identity: .server(name: "server.example.com"),
            kind: .expired,
            alert: 45
        )
        let future = try TestPKI.make(
            .ed25519,
            leafNotBefore: Self.now.addingTimeInterval(60),
            leafNotAfter: Self.now.addingTimeInterval(7200)
        )
        await self.expectFailure(
            PeerCertificateVerifier(trustRoots: future.trustRoots),
            chain: future.presentedDER,
            identity: .client,
            kind: .notYetValid,
            alert: 42
        )
        // The same chain is fine once the caller-supplied time is inside the window.
        let later = try await PeerCertificateVerifier(trustRoots: future.trustRoots).verify(
            chain: future.presentedDER,
            identity: .client,
            validationTime: Self.now.addingTimeInterval(120)
        )
        #expect(later.chain.count == 3)
        // Expiry is checked against the caller's time, not the clock: far past, the whole PKI is not yet valid.
        await self.expectFailure(
            PeerCertificateVerifier(trustRoots: future.trustRoots),
            chain: future.presentedDER,
            identity: .client,
            at: Date(timeIntervalSince1970: 0),
            kind: .notYetValid,
            alert: 42
        )
    }

    @Test("an expired intermediate fails with certificate_expired")
    func expiredIntermediate() async throws {
        let pki = try TestPKI.make(.p256)
        let intermediate = try TestPKI.certificate(
            key: pki.intermediateKey,
            subject: pki.intermediate.subject,
            issuer: pki.root.subject,
            issuerKey: pki.rootKey,
            extensions: pki.intermediate.extensions,
            notBefore: Self.now.addingTimeInterval(-86_400 * 30),
            notAfter: Self.now.addingTimeInterval(-60)
        )
        await self.expectFailure(
            PeerCertificateVerifier(trustRoots: pki.trustRoots),
            chain: [TestPKI.der(pki.leaf), TestPKI.der(intermediate)],
            identity: .server(name: "server.example.com"),
            kind: .expired,
            alert: 45
        )
    }

    @Test("insecure mode accepts an untrusted chain and says so")
    func insecure() async throws {
        let pki = try TestPKI.make(.p256)
        let verifier = PeerCertificateVerifier.insecureAcceptingAnyCertificate()
        let result = try await verifier.verify(
            chain: pki.presentedDER,
            identity: .server(name: "wrong.invalid"),
            validationTime: Date(timeIntervalSince1970: 0)
        )
        #expect(result.isUnverified)
        #expect(result.leaf == pki.leaf)
        // Still rejects garbage.
        await self.expectFailure(
            verifier,
            chain: [[0x30, 0x00]],
            identity: .client,
            kind: .malformedCertificate,
            alert: 50
        )
    }

    @Test("empty chains: decode_error from a server, certificate_required from a client")
    func emptyChain() async {
        let verifier = PeerCertificateVerifier(trustRoots: TrustRoots([]))
        await self.expectFailure(
            verifier,
            chain: [],
            identity: .server(name: "x.example"),
            kind: .emptyChain,
            alert: 50
        )
        await self.expectFailure(verifier, chain: [], identity: .client, kind: .emptyChain, alert: 116)
    }

    @Test("a P-521 leaf is unsupported_certificate")
    func unsupportedLeafKey() async throws {
        let pki = try TestPKI.make(.p256)
        let p521 = P521.Signing.PrivateKey()
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(p521.publicKey),
            notValidBefore: Self.now.addingTimeInterval(-60),
            notValidAfter: Self.now.addingTimeInterval(60),
            issuer: pki.intermediate.subject,
            subject: try DistinguishedName { CommonName("p521") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions(),
            issuerPrivateKey: pki.intermediateKey.certificatePrivateKey
        )
        await self.expectFailure(
            PeerCertificateVerifier(trustRoots: pki.trustRoots),
            chain: [TestPKI.der(leaf), TestPKI.der(pki.intermediate)],
            identity: .client,
            kind: .unsupportedCertificate,
            alert: 43
        )
    }

    @Test(
        "development certificates validate as their own root",
        arguments: [DevelopmentCertificate.KeyType.p256, .ed25519]
    )
    func developmentCertificate(keyType: DevelopmentCertificate.KeyType) async throws {
        let identity = try DevelopmentCertificate.generate(keyType: keyType, now: Self.now)
        let leaf = identity.chain.leaf
        #expect(try leaf.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        #expect(leaf.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        let usage = try #require(try leaf.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.digitalSignature)
        #expect(leaf.notValidBefore <= Self.now && Self.now < leaf.notValidAfter)

        // Written out as PEM and read back, as a user would with cert.pem and key.pem.
        let files = identity.pemFiles
        let roots = try TrustRoots(pemEncoded: files.certificateChain)
        let reloaded = try CertificateIdentity(
            chain: CertificateChain(pemEncoded: files.certificateChain),
            privateKey: PrivateSigningKey(pemEncoded: files.privateKey)
        )
        let verifier = PeerCertificateVerifier(trustRoots: roots)
        for name in ["localhost", "127.0.0.1", "::1"] {
            let result = try await verifier.verify(
                chain: reloaded.chain.derEncoded,
                identity: .server(name: name),
                validationTime: Self.now
            )
            #expect(result.chain == [leaf])
        }
        await self.expectFailure(
            verifier,
            chain: reloaded.chain.derEncoded,
            identity: .server(name: "example.com"),
            kind: .wrongIdentity,
            alert: 42
        )
        await self.expectFailure(
            verifier,
            chain: reloaded.chain.derEncoded,
            identity: .server(name: "localhost"),
            at: Self.now.addingTimeInterval(31 * 24 * 3600),
            kind: .expired,
            alert: 45
        )
        // The key signs CertificateVerify that verifies against the certificate.
        let scheme = try #require(
            reloaded.privateKey.selectSignatureScheme(peerSupported: SignatureScheme.supportedForCertificateVerify)
        )
        let signature = try reloaded.privateKey.signCertificateVerify(
            role: .server,
            transcriptHash: [1, 2, 3],
            scheme: scheme
        )
        try CertificateVerifySignature.verify(
            signature: signature,
            scheme: scheme,
            role: .server,
            transcriptHash: [1, 2, 3],
            publicKey: leaf.publicKey
        )
    }

    @Test("development certificate names are configurable and bad IPs are rejected")
    func developmentNames() async throws {
        let identity = try DevelopmentCertificate.generate(
            dnsNames: ["dev.example"],
            ipAddresses: ["10.1.2.3"],
            now: Self.now
        )
        let verifier = PeerCertificateVerifier(trustRoots: TrustRoots(identity.chain.certificates))
        _ = try await verifier.verify(
            chain: identity.chain.derEncoded,
            identity: .server(name: "dev.example"),
            validationTime: Self.now
        )
        _ = try await verifier.verify(
            chain: identity.chain.derEncoded,
            identity: .server(name: "10.1.2.3"),
            validationTime: Self.now
        )
        await self.expectFailure(
            verifier,
            chain: identity.chain.derEncoded,
            identity: .server(name: "localhost"),
            kind: .wrongIdentity,
            alert: 42
        )
        let error = #expect(throws: CertificateLoadingError.self) {
            _ = try DevelopmentCertificate.generate(ipAddresses: ["localhost"], now: Self.now)
        }
        #expect(error?.kind == .generationFailed)
    }

    @Test("system trust roots load when the bundle is present")
    func systemRoots() throws {
        guard FileManager.default.fileExists(atPath: TrustRoots.debianSystemBundlePath) else { return }
        let roots = try TrustRoots.system()
        #expect(roots.certificates.count > 10)
    }

    @Test("malformed DER never crashes: every truncation and 300 random mutations")
    func derFuzz() async throws {
        let pki = try TestPKI.make(.p256)
        let verifier = PeerCertificateVerifier(trustRoots: pki.trustRoots)
        let leafDER = TestPKI.der(pki.leaf)
        let intermediateDER = TestPKI.der(pki.intermediate)
        for length in 0..<leafDER.count {
            await self.expectFailure(
                verifier,
                chain: [Array(leafDER.prefix(length)), intermediateDER],
                identity: .client,
                kind: .malformedCertificate,
                alert: 50
            )
        }
        var generator = CertificatesSplitMix64(seed: 0x5EED)
        var verified = 0
        for _ in 0..<300 {
            var der = leafDER
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<der.count, using: &generator)
                der[index] ^= UInt8.random(in: 1...255, using: &generator)
            }
            do {
                _ = try await verifier.verify(
                    chain: [der, intermediateDER],
                    identity: .client,
                    validationTime: Self.now
                )
                verified += 1
            } catch {
                #expect([42, 43, 45, 48, 50].contains(error.alert), "\(error)")
            }
        }
        // Every byte is DER structure, signed content or the signature itself, so no mutation may verify.
        #expect(verified == 0)
    }
}
