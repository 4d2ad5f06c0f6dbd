import QUICRecovery
import QUICSimulator
@testable import QUICTransport
import QUICWire
import Testing

@Suite("Endpoint: whose datagram is it")
struct EndpointDestinationTests {
    @Test("the server holds the destination of every client datagram after the handshake, and of no forged one")
    func holdsDestination() throws {
        let harness = try EngineHarness()
        var clientDatagrams: [[UInt8]] = []
        harness.pair.network.traceHandler = { event in
            guard case .deliver(_, _, _, let datagram) = event,
                  datagram.destination == EngineFixtures.serverAddress else { return }
            clientDatagrams.append(datagram.payload)
        }
        #expect(harness.runHandshake())
        let server = harness.pair.server.endpoint
        // The client's first Initial names a connection ID of its own choice, which no table holds; everything
        // after it names one the server issued.
        let later = clientDatagrams.dropFirst()
        #expect(!later.isEmpty)
        for datagram in later { #expect(server.holdsDestination(of: datagram[...])) }
        let serverID = try #require(harness.server?.localCIDs.active.first?.connectionID)
        #expect(server.holdsDestination(of: ([0x40] + serverID.bytes + [1, 2, 3])[...]))
        #expect(!server.holdsDestination(of: ([0x40] + [UInt8](repeating: 0xaa, count: 8) + [1, 2, 3])[...]))
        #expect(!server.holdsDestination(of: [0x40, 1, 2][...]), "shorter than a connection ID")
        #expect(!server.holdsDestination(of: [0xc0, 0, 0, 0, 1][...]), "a long header cut before its DCID length")
        #expect(!server.holdsDestination(of: [0xc0, 0, 0, 0, 1, 30, 1, 2][...]), "a DCID longer than the datagram")
        #expect(!server.holdsDestination(of: [][...]))
    }
}
