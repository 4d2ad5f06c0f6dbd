import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire
import Testing

@Suite("Connection handshake in the simulator")
struct ConnectionHandshakeTests {
    @Test("A client and a server complete the handshake over a 20 ms RTT link within 2 RTT of virtual time")
    func handshakeCompletes() throws {
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        #expect(client.alpn == EngineFixtures.alpn)
        #expect(server.alpn == EngineFixtures.alpn)
        // Client Initial -> server flight -> client Finished + HANDSHAKE_DONE back: about 2 RTT.
        #expect(harness.pair.now < SimInstant(nanoseconds: 50_000_000))
        harness.collectEvents()
        #expect(harness.clientEvents.contains(.handshakeCompleted(alpn: EngineFixtures.alpn)))
        #expect(harness.serverEvents.contains(.handshakeCompleted(alpn: EngineFixtures.alpn)))
    }
}

@Suite("Connection handshake under adverse conditions")
struct ConnectionHandshakeAdversityTests {
    @Test("The handshake completes with random loss", arguments: [
        (0.01, 2.0), (0.10, 10.0), (0.30, 30.0),
    ])
    func handshakeUnderLoss(loss: Double, budgetSeconds: Double) throws {
        for seed in UInt64(1)...4 {
            let link = LinkParameters(delay: .milliseconds(20), loss: .bernoulli(probability: loss))
            let harness = try EngineHarness(clientToServer: link, serverToClient: link, seed: seed)
            let budget = SimDuration(nanoseconds: UInt64(budgetSeconds * 1e9))
            #expect(harness.runHandshake(deadline: budget), "seed \(seed), loss \(loss)")
            #expect(harness.client?.isClosed == false)
        }
    }

    @Test("A server that requires Retry validates the client's address first, and the handshake completes")
    func retry() throws {
        let harness = try EngineHarness { _ in } server: { $0.requireRetry = true }
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        #expect(client.retrySourceConnectionID != nil)
        #expect(client.retrySourceConnectionID == server.retrySourceConnectionID)
    }

    @Test("Version negotiation: a v2-only server makes a v1 client start over in v2")
    func versionNegotiation() throws {
        let harness = try EngineHarness { _ in } server: { $0.supportedVersions = [.v2] }
        #expect(harness.runHandshake())
        #expect(harness.client?.version == .v2)
        #expect(harness.server?.version == .v2)
    }

    @Test("Version negotiation without a common version ends the client's attempt with a clear reason")
    func versionNegotiationFails() throws {
        let harness = try EngineHarness { $0.supportedVersions = [.v1] } server: { $0.supportedVersions = [.v2] }
        #expect(!harness.runHandshake(deadline: .seconds(5)))
        harness.collectEvents()
        #expect(harness.clientEvents.contains(.closed(.versionNegotiationFailed([.v2]))))
    }

    @Test("A certificate chain larger than three times the client's Initial respects the amplification limit")
    func amplificationLimit() throws {
        var clientBytes = 0
        var serverBytesBeforeValidation = 0
        var validated = false
        var worstRatioExceeded = false
        let harness = try EngineHarness { _ in } server: { configuration in
            var tls = EngineFixtures.serverTLS()
            tls.common.signer = PaddedChainSigner(base: EngineFixtures.identity, extraCertificateBytes: 6_000)
            configuration.serverTLS = tls
        }
        harness.pair.network.traceHandler = { event in
            guard case .deliver(_, _, _, let datagram) = event else { return }
            if datagram.destination == EngineFixtures.serverAddress {
                clientBytes += datagram.size
                // A Handshake packet from the client validates its address (RFC 9000 §8.1).
                let parser = PacketParser(shortHeaderConnectionIDLength: 8)
                for (_, header) in parser.split(datagram.payload[...]).packets {
                    if case .long(let long) = header, long.type == .handshake { validated = true }
                }
            } else if !validated {
                serverBytesBeforeValidation += datagram.size
                if serverBytesBeforeValidation > 3 * clientBytes { worstRatioExceeded = true }
            }
        }
        #expect(harness.runHandshake())
        #expect(!worstRatioExceeded)
        #expect(serverBytesBeforeValidation > 3_000)
    }
}

/// Presents the development certificate followed by filler "certificates", to make the server's flight large.
struct PaddedChainSigner: TLSCertificateSigner {
    let base: CertificateIdentity
    let extraCertificateBytes: Int

    var scheme: SignatureScheme { self.base.scheme }
    var certificateChain: [[UInt8]] {
        self.base.certificateChain + [[UInt8](repeating: 0x30, count: self.extraCertificateBytes)]
    }

    func sign(_ content: [UInt8]) throws -> [UInt8] {
        try self.base.sign(content)
    }
}
