import QUICWire
import Testing

@testable import QUICTLS

@Suite("TLS handshake: resumption, 0-RTT and client authentication")
struct ResumptionTests {
    /// A first connection whose ticket the tests resume with.
    static func firstTicket(earlyData: Bool, suite: CipherSuite = .aes128GCMSHA256) throws -> TLSSessionTicket {
        var server = makeServerConfiguration()
        server.earlyDataEnabled = earlyData
        var pair = try HandshakePair(client: makeClientConfiguration(suites: [suite]), server: server, now: 1_000)
        #expect(pair.run() == nil)
        return try #require(pair.ticket)
    }

    static func resumed(
        _ ticket: TLSSessionTicket, attemptEarlyData: Bool, serverEarlyData: Bool, now: UInt64 = 5_000,
        clientGroups: [NamedGroup]? = nil, serverGroups: [NamedGroup]? = nil
    ) throws -> HandshakePair {
        // Offer only the ticket's suite: the server picks the suite first, and a PSK of another hash is unusable.
        var client = makeClientConfiguration(suites: [ticket.cipherSuite], groups: clientGroups)
        client.sessionTicket = ticket
        client.attemptEarlyData = attemptEarlyData
        var server = makeServerConfiguration(groups: serverGroups)
        server.earlyDataEnabled = serverEarlyData
        return try HandshakePair(client: client, server: server, now: now)
    }

    static func sawCertificate(_ pair: HandshakePair) -> Bool {
        pair.clientEvents.contains { if case .verifyPeer = $0 { true } else { false } }
    }

    @Test("the server issues a ticket after the handshake")
    func ticketIssued() throws {
        let ticket = try Self.firstTicket(earlyData: true)
        #expect(ticket.maxEarlyDataSize == 0xffff_ffff)
        #expect(ticket.alpn == testALPN)
        #expect(ticket.receivedAtMilliseconds == 1_000)
        #expect(ticket.peerTransportParameters == [0x03, 0x02, 0x45, 0xc0])
        #expect(ticket.resumptionPSK.count == 32)
        let plain = try Self.firstTicket(earlyData: false)
        #expect(plain.maxEarlyDataSize == nil)
    }

    @Test("resumption with a PSK skips the certificate", arguments: [CipherSuite.aes128GCMSHA256, .aes256GCMSHA384])
    func resumption(_ suite: CipherSuite) throws {
        let ticket = try Self.firstTicket(earlyData: false, suite: suite)
        var pair = try Self.resumed(ticket, attemptEarlyData: false, serverEarlyData: false)
        #expect(pair.run() == nil)
        #expect(pair.client.pskAccepted)
        #expect(!Self.sawCertificate(pair))
        try HandshakeTests.expectMatchingSecrets(pair, suite: ticket.cipherSuite)
        #expect(pair.secret(client: true, .zeroRTT, .write) == nil)
        // The resumed connection hands out a fresh ticket.
        #expect(pair.ticket != nil && pair.ticket?.ticket != ticket.ticket)
    }

    @Test("resumption after a HelloRetryRequest recomputes the binder")
    func resumptionAfterRetry() throws {
        let ticket = try Self.firstTicket(earlyData: true)
        var pair = try Self.resumed(
            ticket, attemptEarlyData: true, serverEarlyData: true, clientGroups: [.secp256r1, .x25519],
            serverGroups: [.x25519])
        #expect(pair.run() == nil)
        #expect(pair.client.pskAccepted)
        #expect(pair.clientFlights.filter { $0.level == .initial }.count == 2)
        #expect(pair.clientEvents.contains(.earlyDataRejected))
        #expect(pair.serverEvents.contains(.earlyDataRejected))
        try HandshakeTests.expectMatchingSecrets(pair, suite: ticket.cipherSuite)
    }

    @Test("0-RTT accepted: both sides derive the same early secret")
    func earlyDataAccepted() throws {
        let ticket = try Self.firstTicket(earlyData: true)
        var pair = try Self.resumed(ticket, attemptEarlyData: true, serverEarlyData: true)
        #expect(pair.run() == nil)
        #expect(pair.clientEvents.contains(.earlyDataAccepted))
        #expect(pair.serverEvents.contains(.earlyDataAccepted))
        let write = try #require(pair.secret(client: true, .zeroRTT, .write))
        let read = try #require(pair.secret(client: false, .zeroRTT, .read))
        #expect(write.secret == read.secret)
        // The 0-RTT key is available before anything was received: it is the client's first secret.
        #expect(pair.clientSecrets.first?.level == .zeroRTT)
        #expect(pair.keyLog.contains { $0.hasPrefix("CLIENT_EARLY_TRAFFIC_SECRET ") })
        try HandshakeTests.expectMatchingSecrets(pair, suite: ticket.cipherSuite)
    }

    @Test("0-RTT rejected when the server does not accept early data")
    func earlyDataRejected() throws {
        let ticket = try Self.firstTicket(earlyData: true)
        var pair = try Self.resumed(ticket, attemptEarlyData: true, serverEarlyData: false)
        #expect(pair.run() == nil)
        #expect(pair.client.pskAccepted)
        #expect(pair.clientEvents.contains(.earlyDataRejected))
        #expect(pair.serverEvents.contains(.earlyDataRejected))
        #expect(pair.secret(client: false, .zeroRTT, .read) == nil)
        try HandshakeTests.expectMatchingSecrets(pair, suite: ticket.cipherSuite)
    }

    @Test("0-RTT rejected when the server's early data context changed since the ticket was issued")
    func earlyDataRejectedForContext() throws {
        let ticket = try Self.firstTicket(earlyData: true)
        var client = makeClientConfiguration()
        client.sessionTicket = ticket
        client.attemptEarlyData = true
        var server = makeServerConfiguration()
        server.earlyDataEnabled = true
        server.earlyDataContext = [0x01]
        var pair = try HandshakePair(client: client, server: server, now: 2_000)
        #expect(pair.run() == nil)
        #expect(pair.client.pskAccepted)
        #expect(pair.clientEvents.contains(.earlyDataRejected))
        #expect(pair.serverEvents.contains(.earlyDataRejected))
    }

    @Test("0-RTT rejected when the client's ticket age is far from the server's")
    func earlyDataRejectedForAge() throws {
        var ticket = try Self.firstTicket(earlyData: true)
        ticket.receivedAtMilliseconds += 30_000
        var pair = try Self.resumed(ticket, attemptEarlyData: true, serverEarlyData: true, now: 40_000)
        #expect(pair.run() == nil)
        #expect(pair.client.pskAccepted)
        #expect(pair.clientEvents.contains(.earlyDataRejected))
    }

    @Test("a ticket whose hash differs from the negotiated suite's is not used")
    func ticketOfAnotherHash() throws {
        let ticket = try Self.firstTicket(earlyData: false, suite: .aes256GCMSHA384)
        var client = makeClientConfiguration()
        client.sessionTicket = ticket
        var pair = try HandshakePair(client: client, server: makeServerConfiguration(), now: 2_000)
        #expect(pair.run() == nil)
        #expect(!pair.client.pskAccepted)
        #expect(Self.sawCertificate(pair))
    }

    @Test("an expired ticket falls back to a full handshake")
    func expiredTicket() throws {
        let ticket = try Self.firstTicket(earlyData: false)
        var server = makeServerConfiguration()
        server.ticketLifetime = 1
        var client = makeClientConfiguration()
        client.sessionTicket = ticket
        // The client still believes the ticket valid (its lifetime is a day), the server's key knows better.
        var sealed = try #require(SealedTicketState.open(ticket.ticket, with: testTicketKey))
        sealed.lifetime = 1
        client.sessionTicket?.ticket = try sealed.seal(with: testTicketKey)
        var pair = try HandshakePair(client: client, server: server, now: 10_000)
        #expect(pair.run() == nil)
        #expect(!pair.client.pskAccepted)
        #expect(Self.sawCertificate(pair))
    }

    @Test("a ticket from another server key is ignored")
    func unknownTicket() throws {
        var ticket = try Self.firstTicket(earlyData: false)
        ticket.ticket[ticket.ticket.count - 1] ^= 0x01
        var pair = try Self.resumed(ticket, attemptEarlyData: false, serverEarlyData: false)
        #expect(pair.run() == nil)
        #expect(!pair.client.pskAccepted)
        #expect(Self.sawCertificate(pair))
    }

    @Test("a wrong binder is refused with decrypt_error (51)")
    func wrongBinder() throws {
        var ticket = try Self.firstTicket(earlyData: false)
        ticket.resumptionPSK[0] ^= 0x01
        var pair = try Self.resumed(ticket, attemptEarlyData: false, serverEarlyData: false)
        let outcome = pair.run()
        let failure = try #require(outcome)
        #expect(!failure.clientFailed && failure.error.alert?.code == .decryptError)
    }

    @Test("client authentication: the server verifies the client's certificate")
    func clientAuthentication() throws {
        var client = makeClientConfiguration()
        client.common.signer = TestP256Signer()
        var server = makeServerConfiguration()
        server.requestClientCertificate = true
        server.requireClientCertificate = true
        var pair = try HandshakePair(client: client, server: server)
        #expect(pair.run() == nil)
        #expect(pair.serverEvents.contains { if case .verifyPeer(let r) = $0 { !r.peerIsServer } else { false } })
        try HandshakeTests.expectMatchingSecrets(pair, suite: .aes128GCMSHA256)
        let clientHandshake = try #require(pair.clientFlights.first { $0.level == .handshake })
        #expect(splitMessages(clientHandshake.bytes).map { $0[0] } == [11, 15, 20])
    }

    @Test("client authentication: a bad client signature is refused (51)")
    func badClientSignature() throws {
        var client = makeClientConfiguration()
        client.common.signer = TestP256Signer()
        var server = makeServerConfiguration()
        server.requestClientCertificate = true
        var pair = try HandshakePair(client: client, server: server)
        pair.tamper = { fromClient, level, bytes in
            guard fromClient, level == .handshake else { return }
            var messages = splitMessages(bytes)
            guard case .certificateVerify(var verify) = try? HandshakeMessage(decoding: messages[1]) else { return }
            verify.signature[verify.signature.count - 1] ^= 0x01
            messages[1] = verify.encoded()
            bytes = messages.flatMap { $0 }
        }
        let outcome = pair.run()
        let failure = try #require(outcome)
        #expect(!failure.clientFailed && failure.error.alert?.code == .decryptError)
    }

    @Test("client authentication: no client certificate is certificate_required (116) or accepted")
    func missingClientCertificate() throws {
        var server = makeServerConfiguration()
        server.requestClientCertificate = true
        server.requireClientCertificate = true
        var pair = try HandshakePair(client: makeClientConfiguration(), server: server)
        let outcome = pair.run()
        let failure = try #require(outcome)
        #expect(!failure.clientFailed && failure.error.alert?.code == .certificateRequired)
        server.requireClientCertificate = false
        var optional = try HandshakePair(client: makeClientConfiguration(), server: server)
        #expect(optional.run() == nil)
        #expect(optional.server.isComplete)
    }
}
