import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire
import Testing

@Suite("Endpoint behaviour in the simulator")
struct EndpointBehaviourTests {
    @Test("A server that restarted answers the client's packets with a stateless reset; the client stops at once")
    func statelessResetAfterRestart() throws {
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        let restartAt = harness.pair.now
        // The restarted server keeps its static reset key but has no connections.
        harness.pair.server.endpoint = Endpoint(configuration: harness.serverConfiguration,
                                                random: ConnectionRandom(seed: 99))
        let client = try #require(harness.client)
        client.ping()
        harness.pair.network.poll(harness.pair.clientNode)
        harness.pair.drive(until: restartAt + .seconds(5)) {
            harness.collectEvents()
            return client.isClosed
        }
        #expect(harness.clientEvents.contains(.closed(.statelessReset)))
        // One round trip, not an idle timeout.
        #expect(harness.pair.now < restartAt + .milliseconds(100))
    }

    @Test("Beyond maxConnections a server accepts no new client")
    func connectionLimit() throws {
        let harness = try EngineHarness { _ in } server: { $0.maxConnections = 0 }
        #expect(!harness.runHandshake(deadline: .seconds(3)))
        #expect(harness.server == nil)
    }

    @Test("With too many handshakes in progress the server asks for a Retry instead of accepting at once")
    func handshakeLimitAsksForRetry() throws {
        let harness = try EngineHarness { _ in } server: { $0.maxHandshakesInProgress = 0 }
        #expect(harness.runHandshake(deadline: .seconds(3)) == false)
        // Every attempt is answered with Retry; the client processes the first and sends its token, which a
        // server still at its limit refuses to turn into a connection.
        #expect(harness.client?.retrySourceConnectionID != nil)
        #expect(harness.server == nil)
    }

    @Test("ECN: markings are validated on a clean path and CE marks slow the sender without loss")
    func ecnValidationAndCongestionExperienced() throws {
        let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 20_000_000),
                                  delay: .milliseconds(10), queueCapacity: 200_000, ceMarkingThreshold: 30_000)
        let harness = try EngineHarness(clientToServer: link, serverToClient: link)
        let application = DownloadApplication(size: 3_000_000)
        application.install(on: harness)
        harness.pair.drive(until: SimInstant.zero + .seconds(30)) { application.clientFinished }
        #expect(application.hashesMatch)
        let server = try #require(harness.server)
        #expect(server.ecnValidationState == .capable)
        // CE marks kept the queue short: nothing overflowed the 200 KB queue.
        let drops = harness.pair.network.statistics(link: "pair", direction: .bToA)
        #expect(server.stats.packetsLost == 0, "\(String(describing: drops))")
    }
}
