import QUICWire
import Testing

@testable import QUICTLS

@Suite("TLS handshake: full 1-RTT")
struct HandshakeTests {
    static let suites: [CipherSuite] = [.aes128GCMSHA256, .aes256GCMSHA384, .chacha20Poly1305SHA256]
    static let groups: [NamedGroup] = [.x25519MLKEM768, .x25519, .secp256r1]

    /// Checks that both sides completed and derived matching secrets at every level.
    static func expectMatchingSecrets(_ pair: HandshakePair, suite: CipherSuite) throws {
        #expect(pair.client.isComplete)
        #expect(pair.server.isComplete)
        for level in [EncryptionLevel.handshake, .oneRTT] {
            let clientWrite = try #require(pair.secret(client: true, level, .write))
            let serverRead = try #require(pair.secret(client: false, level, .read))
            let serverWrite = try #require(pair.secret(client: false, level, .write))
            let clientRead = try #require(pair.secret(client: true, level, .read))
            #expect(clientWrite.secret == serverRead.secret)
            #expect(serverWrite.secret == clientRead.secret)
            #expect(clientWrite.secret != serverWrite.secret)
            #expect(clientWrite.secret.count == suite.hashLength)
            #expect(clientWrite.cipherSuite == suite && serverWrite.cipherSuite == suite)
        }
    }

    @Test("completes for every cipher suite", arguments: HandshakeTests.suites)
    func everySuite(_ suite: CipherSuite) throws {
        var pair = try HandshakePair(
            client: makeClientConfiguration(suites: [suite]), server: makeServerConfiguration())
        let failure = pair.run()
        #expect(failure == nil, "\(String(describing: failure))")
        try Self.expectMatchingSecrets(pair, suite: suite)
        #expect(pair.clientEvents.contains(.peerTransportParameters([0x03, 0x02, 0x45, 0xc0])))
        #expect(pair.serverEvents.contains(.peerTransportParameters([0x01, 0x02, 0x43, 0xe8])))
        #expect(pair.clientEvents.contains(.negotiatedALPN(testALPN)))
        #expect(pair.serverEvents.contains(.negotiatedALPN(testALPN)))
        #expect(pair.clientEvents.contains(.handshakeComplete))
        #expect(pair.serverEvents.contains(.handshakeComplete))
        // The server's certificate went through the verifier.
        #expect(pair.clientEvents.contains { if case .verifyPeer(let r) = $0 { r.peerIsServer } else { false } })
    }

    @Test("completes for every group", arguments: HandshakeTests.groups)
    func everyGroup(_ group: NamedGroup) throws {
        var pair = try HandshakePair(
            client: makeClientConfiguration(groups: [group]), server: makeServerConfiguration(groups: [group]))
        #expect(pair.run() == nil)
        try Self.expectMatchingSecrets(pair, suite: .aes128GCMSHA256)
        // One ClientHello: no HelloRetryRequest was needed.
        #expect(pair.clientFlights.filter { $0.level == .initial }.count == 1)
    }

    @Test("levels are used in QUIC order and key-log lines cover every secret")
    func levelsAndKeyLog() throws {
        var pair = try HandshakePair(client: makeClientConfiguration(), server: makeServerConfiguration())
        #expect(pair.run() == nil)
        #expect(pair.serverFlights.map(\.level) == [.initial, .handshake, .oneRTT])
        #expect(pair.clientFlights.map(\.level) == [.initial, .handshake])
        let serverHandshake = try #require(pair.serverFlights.first { $0.level == .handshake })
        #expect(splitMessages(serverHandshake.bytes).map { $0[0] } == [8, 11, 15, 20])
        for label in ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                      "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"] {
            // Each secret is logged by both sides, with the same line.
            let lines = pair.keyLog.filter { $0.hasPrefix(label + " ") }
            #expect(lines.count == 1, "\(label)")
        }
        let clientTraffic = try #require(pair.secret(client: true, .oneRTT, .write))
        #expect(pair.keyLog.contains { $0.hasSuffix(KeyLog.hex(clientTraffic.secret)) })
    }

    @Test("handshake bytes fed one at a time still complete")
    func byteAtATime() throws {
        var client = try TLSClientHandshake(configuration: makeClientConfiguration())
        var server = TLSServerHandshake(configuration: makeServerConfiguration())
        var rounds = 0
        while !(client.isComplete && server.isComplete), rounds < 10 {
            rounds += 1
            while let flight = client.pollOutput() {
                for byte in flight.bytes { try server.receive([byte], at: flight.level) }
            }
            while let flight = server.pollOutput() {
                for byte in flight.bytes { try client.receive([byte], at: flight.level) }
            }
            while let event = client.pollEvent() {
                if case .verifyPeer(let request) = event {
                    try client.provideVerdict(TestP256Verifier.verdict(for: request))
                }
            }
        }
        #expect(client.isComplete && server.isComplete)
    }

    @Test("the handshake waits for the verdict before checking the server's Finished")
    func waitsForVerdict() throws {
        var client = try TLSClientHandshake(configuration: makeClientConfiguration())
        var server = TLSServerHandshake(configuration: makeServerConfiguration())
        while let flight = client.pollOutput() { try server.receive(flight.bytes[...], at: flight.level) }
        while let flight = server.pollOutput() { try client.receive(flight.bytes[...], at: flight.level) }
        #expect(!client.isComplete)
        #expect(client.pollOutput() == nil)
        var request: PeerVerificationRequest?
        while let event = client.pollEvent() {
            if case .verifyPeer(let pending) = event { request = pending }
        }
        let pending = try #require(request)
        #expect(pending.serverName == "example.test")
        #expect(pending.signedContent.prefix(64).allSatisfy { $0 == 0x20 })
        try client.provideVerdict(.trusted)
        #expect(client.isComplete)
        #expect(client.pollOutput()?.level == .handshake)
    }
}
