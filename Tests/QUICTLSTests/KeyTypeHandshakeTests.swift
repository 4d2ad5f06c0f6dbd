import Foundation
import Testing
import X509

@testable import QUICTLS

@Suite("Handshakes with each certificate key type")
struct KeyTypeHandshakeTests {
    @Test("a full handshake with a leaf + intermediate chain verified against its root", arguments: TestKeyKind.allCases)
    func handshake(kind: TestKeyKind) async throws {
        let time = HandshakeBenchmark.validationTime
        let pki = try TestPKI.make(kind, dnsNames: ["localhost"], leafNotBefore: time.addingTimeInterval(-86_400),
                                   leafNotAfter: time.addingTimeInterval(86_400))
        let identity = try CertificateIdentity(chain: CertificateChain([pki.leaf, pki.intermediate]),
                                               privateKey: pki.leafKey)
        let common = TLSConfiguration(alpn: [testALPN], transportParameters: [0x01, 0x02, 0x43, 0xe8])
        let client = TLSClientConfiguration(common: common, serverName: "localhost")
        var serverCommon = common
        serverCommon.signer = identity
        let server = TLSServerConfiguration(common: serverCommon)
        let verifier = PeerCertificateVerifier(trustRoots: pki.trustRoots)
        let bytes = try await HandshakeBenchmark.handshake(client: client, server: server, verifier: verifier)
        #expect(bytes > 500)

        // The same chain is refused by a client that trusts another root.
        let stranger = try DevelopmentCertificate.generate(now: time)
        let distrusting = PeerCertificateVerifier(trustRoots: TrustRoots(stranger.chain.certificates))
        let error = await #expect(throws: HandshakeBenchmark.Failure.self) {
            try await HandshakeBenchmark.handshake(client: client, server: server, verifier: distrusting)
        }
        #expect(error?.reason.contains("unknown_ca") == true, "\(String(describing: error))")
    }
}
