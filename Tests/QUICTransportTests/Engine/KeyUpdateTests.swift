import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

@Suite("1-RTT key updates in the simulator")
struct KeyUpdateTests {
    @Test("A 5 MB download with keyUpdateInterval 200 updates keys many times and stays byte-identical")
    func periodicKeyUpdates() throws {
        let size = 5_000_000
        let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 50_000_000),
                                  delay: .milliseconds(10), queueCapacity: 200_000)
        let harness = try EngineHarness(clientToServer: link, serverToClient: link) {
            $0.keyUpdateInterval = 200
        } server: { $0.connection.keyUpdateInterval = 200 }
        let application = DownloadApplication(size: size)
        application.install(on: harness)
        #expect(harness.pair.drive(until: SimInstant.zero + .seconds(60)) { application.clientFinished })
        #expect(application.hashesMatch)
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        // The server seals about 3,800 packets (18 updates in this run): each side counts the updates it starts
        // and those it answers.
        #expect(server.stats.keyUpdates > 10, "server: \(server.stats.keyUpdates)")
        #expect(client.stats.keyUpdates > 10, "client: \(client.stats.keyUpdates)")
        #expect(!client.isClosed && !server.isClosed)
        let phases = try #require(client.keyPhases)
        #expect(phases.read == phases.write)
    }

    @Test("initiateKeyUpdate: the peer follows (RFC 9001 §6.2), and a second update waits for an ACK")
    func explicitKeyUpdate() throws {
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        harness.run(for: .milliseconds(200)) { false }
        #expect(client.keyPhases?.read == false && client.keyPhases?.write == false)
        #expect(server.keyPhases?.read == false && server.keyPhases?.write == false)
        #expect(client.initiateKeyUpdate(now: harness.pair.now.quic))
        #expect(client.keyPhases?.read == false && client.keyPhases?.write == true)
        // RFC 9001 §6.1: not again before a packet of the new phase is acknowledged.
        #expect(!client.initiateKeyUpdate(now: harness.pair.now.quic))
        client.ping()
        harness.kick()
        // RFC 9001 §6.2: the server sees the new phase, updates its read keys and answers in the new phase.
        #expect(harness.run(for: .seconds(1)) { client.keyPhases?.read == true })
        #expect(server.keyPhases?.read == true && server.keyPhases?.write == true)
        #expect(client.stats.keyUpdates == 1)
        #expect(server.stats.keyUpdates == 1)
        // Data still flows in the new phase, and once acknowledged a further update is allowed.
        let id = try client.openStream(.unidirectional)
        try client.write(streamPattern(9, count: 30_000), to: id)
        try client.finish(id)
        harness.kick()
        var received: [UInt8] = []
        #expect(harness.run(for: .seconds(2)) { drain(server, id, into: &received) })
        #expect(received == streamPattern(9, count: 30_000))
        #expect(client.initiateKeyUpdate(now: harness.pair.now.quic))
        client.ping()
        harness.kick()
        #expect(harness.run(for: .seconds(1)) { client.keyPhases?.read == false })
        #expect(server.keyPhases?.read == false && server.keyPhases?.write == false)
        #expect(client.stats.keyUpdates == 2 && server.stats.keyUpdates == 2)
    }
}
