import Crypto
import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire
import Testing

@Suite("Session resumption, 0-RTT and NEW_TOKEN through the connection engine")
struct EngineResumptionTests {
    /// One round trip on the default 10 ms + 10 ms link.
    static let rtt = SimDuration(nanoseconds: 20_000_000)

    /// A server TLS setting that accepts 0-RTT with a fixed ticket key (so a second server can share it).
    static func earlyDataServer(key: SymmetricKey, enabled: Bool = true) -> (inout TLSServerConfiguration) -> Void {
        { tls in
            tls.ticketKey = key
            tls.earlyDataEnabled = enabled
        }
    }

    /// Runs a first, full connection and returns its ticket (and NEW_TOKEN token, when asked).
    static func firstConnection(_ harness: ResumptionHarness,
                                token: Bool = false) throws -> (ConnectionHandle, TLSSessionTicket, [UInt8]?) {
        let handle = try harness.connect()
        #expect(harness.runExchange(handle))
        #expect(harness.runUntilTicket(handle, token: token))
        let exchange = try #require(harness.clients[handle])
        #expect(exchange.response == harness.expectedResponse)
        #expect(harness.client(handle)?.isResumedSession == false)
        return (handle, try #require(exchange.ticket), exchange.token)
    }

    @Test("A connection with a session ticket resumes without the server's certificate")
    func resumption() throws {
        let harness = ResumptionHarness()
        let (firstHandle, ticket, _) = try Self.firstConnection(harness)
        let second = try harness.connect(sessionTicket: ticket)
        #expect(harness.runExchange(second))
        let client = try #require(harness.client(second))
        #expect(client.isResumedSession)
        #expect(client.zeroRTTPacketsSent == 0)
        #expect(!client.canSendEarlyData)
        #expect(harness.clients[second]?.response == harness.expectedResponse)
        // Neither handshake used early data; the first connection still works.
        #expect(harness.clients[second]?.requestSentInEarlyData == false)
        #expect(harness.client(firstHandle)?.isClosed == false)
    }

    @Test("0-RTT: the request leaves in the first flight and the response arrives after one round trip")
    func earlyDataAccepted() throws {
        let harness = ResumptionHarness(serverTLS: Self.earlyDataServer(key: SymmetricKey(size: .bits256)))
        let (_, ticket, _) = try Self.firstConnection(harness)
        #expect(ticket.maxEarlyDataSize == 0xffff_ffff)

        // Baseline: resumed without early data, the request waits for the handshake.
        let resumed = try harness.connect(sessionTicket: ticket)
        #expect(harness.runExchange(resumed))
        let oneRTT = try #require(harness.clients[resumed]?.timeToFirstByte)

        let early = try harness.connect(sessionTicket: ticket, attemptEarlyData: true)
        let exchange0 = try #require(harness.clients[early])
        #expect(exchange0.requestSentInEarlyData)
        #expect(harness.runExchange(early))
        let exchange = try #require(harness.clients[early])
        let client = try #require(harness.client(early))
        let server = try #require(harness.server(2))
        #expect(client.isResumedSession)
        #expect(exchange.earlyDataAccepted == true)
        #expect(harness.servers[harness.acceptedOrder[2]]?.earlyDataAccepted == true)
        #expect(client.zeroRTTPacketsSent >= 1)
        #expect(server.zeroRTTPacketsReceived >= 1)
        #expect(harness.servers[harness.acceptedOrder[2]]?.request == harness.request)
        #expect(exchange.response == harness.expectedResponse)
        let zeroRTT = try #require(exchange.timeToFirstByte)
        // 0-RTT: request and ClientHello together, response with the server's first flight: about 1 RTT.
        // Without it: handshake (1 RTT), then request and response (1 more).
        #expect(zeroRTT.nanoseconds < Self.rtt.nanoseconds * 3 / 2, "0-RTT first byte after \(zeroRTT)")
        #expect(oneRTT.nanoseconds >= Self.rtt.nanoseconds * 2, "1-RTT first byte after \(oneRTT)")
        print("first response byte: 1-RTT resumption \(oneRTT.nanoseconds / 1_000) µs, "
              + "0-RTT \(zeroRTT.nanoseconds / 1_000) µs (RTT \(Self.rtt.nanoseconds / 1_000) µs)")
    }

    @Test("0-RTT rejected: the early request is sent again in 1-RTT packets and the exchange completes")
    func earlyDataRejected() throws {
        let key = SymmetricKey(size: .bits256)
        let issuing = ResumptionHarness(serverTLS: Self.earlyDataServer(key: key))
        let (_, ticket, _) = try Self.firstConnection(issuing)
        // Another server instance with the same ticket key, but early data turned off. A first connection
        // moves its clock past the ticket's issue time, as a real server's would be.
        let refusing = ResumptionHarness(serverTLS: Self.earlyDataServer(key: key, enabled: false))
        _ = try Self.firstConnection(refusing)
        #expect(refusing.pair.now >= issuing.pair.now)
        let handle = try refusing.connect(sessionTicket: ticket, attemptEarlyData: true)
        #expect(refusing.clients[handle]?.requestSentInEarlyData == true)
        #expect(refusing.runExchange(handle))
        let exchange = try #require(refusing.clients[handle])
        let client = try #require(refusing.client(handle))
        let server = try #require(refusing.server(1))
        #expect(client.isResumedSession)
        #expect(exchange.earlyDataAccepted == false)
        #expect(client.zeroRTTPacketsSent >= 1)
        #expect(server.zeroRTTPacketsReceived == 0)
        #expect(refusing.servers[refusing.acceptedOrder[1]]?.request == refusing.request)
        #expect(exchange.response == refusing.expectedResponse)
        #expect(!client.canSendEarlyData)
        // The resent request costs the round trip 0-RTT would have saved, not a loss timeout.
        let firstByte = try #require(exchange.timeToFirstByte)
        #expect(firstByte.nanoseconds < Self.rtt.nanoseconds * 3, "first byte after \(firstByte)")
    }

    @Test("After the handshake the client sends no more 0-RTT packets")
    func noEarlyDataAfterHandshake() throws {
        let harness = ResumptionHarness(serverTLS: Self.earlyDataServer(key: SymmetricKey(size: .bits256)))
        let (_, ticket, _) = try Self.firstConnection(harness)
        let handle = try harness.connect(sessionTicket: ticket, attemptEarlyData: true)
        #expect(harness.runExchange(handle))
        let client = try #require(harness.client(handle))
        #expect(client.isHandshakeComplete && !client.canSendEarlyData)
        let sent = client.zeroRTTPacketsSent
        let stream = try client.openStream(.bidirectional)
        #expect(try client.write(Array(repeating: 0x61, count: 5_000), to: stream) == 5_000)
        try client.finish(stream)
        harness.pair.network.poll(harness.pair.clientNode)
        harness.pair.drive(until: harness.pair.now + .milliseconds(200)) { false }
        #expect(client.zeroRTTPacketsSent == sent)
        #expect(harness.server(1)?.zeroRTTPacketsReceived == sent)
    }

    @Test("0-RTT after a Retry: the early packets the Retry dropped are sent again and accepted")
    func earlyDataAfterRetry() throws {
        let harness = ResumptionHarness(
            serverTLS: Self.earlyDataServer(key: SymmetricKey(size: .bits256)),
            server: { configuration in
                configuration.requireRetry = true
                configuration.issueNewTokens = false
            })
        let (_, ticket, token) = try Self.firstConnection(harness)
        #expect(token == nil)
        let handle = try harness.connect(sessionTicket: ticket, attemptEarlyData: true)
        #expect(harness.runExchange(handle))
        let client = try #require(harness.client(handle))
        let exchange = try #require(harness.clients[handle])
        #expect(client.retrySourceConnectionID != nil)
        #expect(exchange.earlyDataAccepted == true)
        #expect(try #require(harness.server(1)).zeroRTTPacketsReceived >= 1)
        #expect(exchange.response == harness.expectedResponse)
    }

    @Test("NEW_TOKEN: a second connection to a Retry-requiring server skips the Retry round trip")
    func newTokenSkipsRetry() throws {
        let harness = ResumptionHarness(server: { $0.requireRetry = true })
        let (first, _, token) = try Self.firstConnection(harness, token: true)
        #expect(harness.client(first)?.retrySourceConnectionID != nil)
        let issued = try #require(token)
        let withToken = try harness.connect(token: issued)
        #expect(harness.runExchange(withToken))
        let client = try #require(harness.client(withToken))
        #expect(client.retrySourceConnectionID == nil)
        #expect(harness.server(1)?.retrySourceConnectionID == nil)
        let fast = try #require(harness.clients[withToken]?.timeToFirstByte)

        // A damaged token is ignored (RFC 9000 §8.1.3) and the server asks for a Retry again.
        var damaged = issued
        damaged[damaged.count - 1] ^= 0x01
        let withBadToken = try harness.connect(token: damaged)
        #expect(harness.runExchange(withBadToken))
        #expect(harness.client(withBadToken)?.retrySourceConnectionID != nil)
        let slow = try #require(harness.clients[withBadToken]?.timeToFirstByte)
        #expect(fast.nanoseconds + Self.rtt.nanoseconds <= slow.nanoseconds, "token \(fast), Retry \(slow)")
    }

    @Test("A server sends exactly one NEW_TOKEN, and none when issueNewTokens is off")
    func newTokenIssuance() throws {
        let harness = ResumptionHarness()
        let (first, _, token) = try Self.firstConnection(harness, token: true)
        #expect(token != nil)
        harness.pair.drive(until: harness.pair.now + .milliseconds(500)) { false }
        #expect(harness.clients[first]?.tokensReceived == 1)
        let quiet = ResumptionHarness(server: { $0.issueNewTokens = false })
        let handle = try quiet.connect()
        #expect(quiet.runExchange(handle))
        quiet.pair.drive(until: quiet.pair.now + .milliseconds(500)) { false }
        #expect(quiet.clients[handle]?.ticket != nil)
        #expect(quiet.clients[handle]?.token == nil)
    }
}
