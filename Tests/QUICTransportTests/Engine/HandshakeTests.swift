import QUICRecovery
import QUICSimulator
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
