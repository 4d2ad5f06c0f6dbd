import Crypto
import Foundation
import QUICWire
import Testing
import X509

@testable import QUICTLS

@Suite("Peer verdicts from X.509 verification")
struct PeerVerdictTests {
    static let now = TestPKI.now
    static let transcriptHash = [UInt8](repeating: 0xa5, count: 32)

    /// A request as the client handshake makes it: the server's chain and its CertificateVerify.
    static func request(
        _ pki: TestPKI,
        chain: [[UInt8]]? = nil,
        serverName: String? = "server.example.com",
        role: CertificateVerifyRole = .server,
        signingKey: PrivateSigningKey? = nil,
        scheme: SignatureScheme = .ecdsaSecp256r1SHA256
    ) throws -> PeerVerificationRequest {
        let content = CertificateVerifyContent.make(role: role, transcriptHash: Self.transcriptHash)
        let key = signingKey ?? pki.leafKey
        // A scheme the key cannot make (to test a mismatch) is claimed, but the key signs with its own.
        let signingScheme = key.signatureSchemes.contains(scheme) ? scheme : key.signatureSchemes[0]
        let signature = try key.sign(content, scheme: signingScheme)
        return PeerVerificationRequest(
            certificateChain: chain ?? pki.presentedDER, scheme: scheme, signature: signature, signedContent: content,
            serverName: role == .server ? serverName : nil, peerIsServer: role == .server)
    }

    static func expectRejected(
        _ verdict: PeerVerdict,
        _ code: TLSAlert.Code,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard case .rejected(let alert) = verdict else {
            Issue.record("expected \(code.name), got \(verdict)", sourceLocation: sourceLocation)
            return
        }
        #expect(alert.code == code, "\(alert)", sourceLocation: sourceLocation)
        #expect(!alert.reason.isEmpty, sourceLocation: sourceLocation)
    }

    @Test("a trusted chain with a valid signature is trusted, for servers and clients")
    func trusted() async throws {
        let pki = try TestPKI.make(.p256)
        let verifier = PeerCertificateVerifier(trustRoots: pki.trustRoots)
        #expect(!verifier.isInsecure)
        #expect(await verifier.verdict(for: try Self.request(pki), now: Self.now) == .trusted)
        #expect(await verifier.verdict(for: try Self.request(pki, serverName: "192.0.2.7"), now: Self.now) == .trusted)
        #expect(await verifier.verdict(for: try Self.request(pki, role: .client), now: Self.now) == .trusted)
        let checked = try await verifier.check(try Self.request(pki), now: Self.now)
        #expect(checked.leaf == pki.leaf)
        #expect(checked.chain == [pki.leaf, pki.intermediate, pki.root])
    }

    @Test("each refusal maps to its alert")
    func refusals() async throws {
        let pki = try TestPKI.make(.p256)
        let other = try TestPKI.make(.p256)
        let verifier = PeerCertificateVerifier(trustRoots: pki.trustRoots)
        let good = try Self.request(pki)

        // A signature by another key, or over other content: decrypt_error (RFC 8446 §4.4.3).
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, signingKey: other.leafKey), now: Self.now), .decryptError)
        var tampered = good
        tampered.signedContent[tampered.signedContent.count - 1] ^= 1
        Self.expectRejected(await verifier.verdict(for: tampered, now: Self.now), .decryptError)
        // A client signature presented as a server one: the context string differs.
        var wrongRole = good
        wrongRole.signedContent = CertificateVerifyContent.make(role: .client, transcriptHash: Self.transcriptHash)
        Self.expectRejected(await verifier.verdict(for: wrongRole, now: Self.now), .decryptError)
        // A scheme that does not fit the P-256 key: illegal_parameter.
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, scheme: .ed25519), now: Self.now), .illegalParameter)

        // Names and addresses not in the certificate: bad_certificate.
        for name in ["other.example.com", "192.0.2.8", "wild.example.net"] {
            Self.expectRejected(
                await verifier.verdict(for: try Self.request(pki, serverName: name), now: Self.now), .badCertificate)
        }
        // A chain to another root, or missing its intermediate: unknown_ca.
        Self.expectRejected(await verifier.verdict(for: try Self.request(other), now: Self.now), .unknownCA)
        let leafOnly = [pki.presentedDER[0]]
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, chain: leafOnly), now: Self.now), .unknownCA)
        // Outside the validity window: certificate_expired after, bad_certificate before.
        Self.expectRejected(await verifier.verdict(for: good, now: Self.now.addingTimeInterval(2 * 86_400)),
                            .certificateExpired)
        Self.expectRejected(await verifier.verdict(for: good, now: Self.now.addingTimeInterval(-2 * 86_400)),
                            .badCertificate)
        // Not X.509: decode_error; an empty chain: decode_error from a server, certificate_required from a client.
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, chain: [[0x30, 0x03, 0x02, 0x01, 0x00]]), now: Self.now),
            .decodeError)
        Self.expectRejected(await verifier.verdict(for: try Self.request(pki, chain: []), now: Self.now), .decodeError)
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, chain: [], role: .client), now: Self.now),
            .certificateRequired)
        // No server name to check against: refused rather than skipping the name check.
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, serverName: nil), now: Self.now), .internalError)
    }

    @Test("the signature is checked before the chain, and a bad one wins over an untrusted chain")
    func signatureFirst() async throws {
        let pki = try TestPKI.make(.p256)
        let other = try TestPKI.make(.p256)
        let verifier = PeerCertificateVerifier(trustRoots: other.trustRoots)
        Self.expectRejected(await verifier.verdict(for: try Self.request(pki), now: Self.now), .unknownCA)
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, signingKey: other.leafKey), now: Self.now), .decryptError)
    }

    @Test("insecure mode says so, accepts any chain, and still checks the signature against the leaf key")
    func insecure() async throws {
        let pki = try TestPKI.make(.p256)
        let other = try TestPKI.make(.p256)
        let verifier = PeerCertificateVerifier.insecureAcceptingAnyCertificate()
        #expect(verifier.isInsecure)
        #expect(await verifier.verdict(for: try Self.request(pki, serverName: "anything"), now: Self.now) == .trusted)
        let expired = Self.now.addingTimeInterval(400 * 86_400)
        #expect(await verifier.verdict(for: try Self.request(pki), now: expired) == .trusted)
        let checked = try await verifier.check(try Self.request(pki), now: Self.now)
        #expect(checked.isUnverified)
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, signingKey: other.leafKey), now: Self.now), .decryptError)
        Self.expectRejected(
            await verifier.verdict(for: try Self.request(pki, chain: [[0x01, 0x02]]), now: Self.now), .decodeError)
    }

    @Test("the time the caller gives decides validity: a fresh certificate is trusted now and expired in 60 days")
    func callerTime() async throws {
        let identity = try DevelopmentCertificate.generate(now: Date())
        let content = CertificateVerifyContent.make(role: .server, transcriptHash: Self.transcriptHash)
        let request = PeerVerificationRequest(
            certificateChain: identity.certificateChain, scheme: identity.scheme,
            signature: try identity.sign(content), signedContent: content, serverName: "localhost", peerIsServer: true)
        let verifier = PeerCertificateVerifier(trustRoots: TrustRoots(identity.chain.certificates))
        #expect(await verifier.verdict(for: request, now: Date()) == .trusted)
        Self.expectRejected(await verifier.verdict(for: request, now: Date().addingTimeInterval(60 * 86_400)),
                            .certificateExpired)
    }

    @Test("full handshakes with a development certificate, verified through the entry point",
          arguments: HandshakeBenchmark.groups)
    func developmentCertificateHandshake(group: NamedGroup) async throws {
        let identity = try DevelopmentCertificate.generate(now: HandshakeBenchmark.validationTime)
        var common = TLSConfiguration(alpn: [testALPN], transportParameters: [0x01, 0x02, 0x43, 0xe8])
        common.groups = [group]
        let client = TLSClientConfiguration(common: common, serverName: "localhost")
        common.signer = identity
        let server = TLSServerConfiguration(common: common)
        let trusting = PeerCertificateVerifier(trustRoots: TrustRoots(identity.chain.certificates))
        let bytes = try await HandshakeBenchmark.handshake(client: client, server: server, verifier: trusting)
        #expect(bytes > 500, "ClientHello, ServerHello, the certificate flight and Finished")

        let stranger = try DevelopmentCertificate.generate(now: HandshakeBenchmark.validationTime)
        let distrusting = PeerCertificateVerifier(trustRoots: TrustRoots(stranger.chain.certificates))
        let error = await #expect(throws: HandshakeBenchmark.Failure.self) {
            try await HandshakeBenchmark.handshake(client: client, server: server, verifier: distrusting)
        }
        #expect(error?.reason.contains("unknown_ca") == true, "\(String(describing: error))")
    }

    @Test("the benchmark counts handshakes against the caller's clock", arguments: HandshakeBenchmark.groups)
    func benchmark(group: NamedGroup) async throws {
        var ticks: UInt64 = 0
        let result = try await HandshakeBenchmark.run(group: group, seconds: 0.0025) {
            defer { ticks += 1_000_000 }
            return ticks
        }
        // The clock reads 0 at the start, then 1, 2 and 3 ms after each handshake: three fit before 2.5 ms.
        #expect(result.group == group)
        #expect(result.handshakes == 3)
        #expect(result.elapsedNanoseconds == 3_000_000)
        #expect(abs(result.handshakesPerSecond - 1_000) < 1e-6)
        #expect(abs(result.microsecondsPerHandshake - 1_000) < 1e-6)
    }

    @Test("a zero, negative or NaN duration still runs one handshake")
    func degenerateDurations() async throws {
        for seconds in [0, -1, Double.nan, -Double.infinity] {
            let result = try await HandshakeBenchmark.run(group: .x25519, seconds: seconds) { 7 }
            #expect(result.handshakes == 1, "\(seconds)")
            #expect(result.elapsedNanoseconds == 0)
        }
    }
}

@Suite("server_name and IP literals")
struct ServerNameLiteralTests {
    /// The client's first ClientHello bytes for `serverName`.
    static func clientHello(serverName: String) throws -> [UInt8] {
        var configuration = makeClientConfiguration()
        configuration.serverName = serverName
        var client = try TLSClientHandshake(configuration: configuration)
        let flight = client.pollOutput()
        return try #require(flight).bytes
    }

    @Test("IP literals are not sent as server_name (RFC 6066 §3), host names are")
    func ipLiteralsOmitted() throws {
        for literal in ["127.0.0.1", "::1", "[2001:db8::1]", "2001:db8::1"] {
            let hello = try Self.clientHello(serverName: literal)
            let text = String(decoding: hello, as: UTF8.self)
            #expect(!text.contains(IPAddressLiteral.unbracketed(literal)), "\(literal)")
        }
        let hello = try Self.clientHello(serverName: "localhost")
        #expect(String(decoding: hello, as: UTF8.self).contains("localhost"))
        #expect(TLSClientHandshake.isIPAddressLiteral("[::1]"))
        #expect(!TLSClientHandshake.isIPAddressLiteral("example.com"))
        #expect(!TLSClientHandshake.isIPAddressLiteral("[]"))
    }
}
