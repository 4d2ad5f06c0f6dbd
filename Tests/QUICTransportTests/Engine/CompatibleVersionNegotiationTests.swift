import QUICRecovery
import QUICSimulator
import QUICTLS
@testable import QUICTransport
import QUICWire
import Testing

/// The long header packets seen on the wire, per direction, in the order they were delivered.
final class LongHeaderLog {
    struct Entry: Hashable {
        var fromClient: Bool
        var type: LongPacketType
        var version: QUICVersion
    }

    var entries: [Entry] = []

    init(_ harness: EngineHarness) {
        harness.pair.network.traceHandler = { [weak self] event in
            guard case .deliver(_, _, _, let datagram) = event else { return }
            let fromClient = datagram.destination == EngineFixtures.serverAddress
            let parser = PacketParser(shortHeaderConnectionIDLength: 8)
            for (_, header) in parser.split(datagram.payload[...]).packets {
                switch header {
                case .long(let long):
                    self?.entries.append(Entry(fromClient: fromClient, type: long.type, version: long.version))
                case .retry(let retry):
                    self?.entries.append(Entry(fromClient: fromClient, type: .retry, version: retry.version))
                default:
                    break
                }
            }
        }
    }

    func versions(fromClient: Bool, type: LongPacketType) -> [QUICVersion] {
        self.entries.filter { $0.fromClient == fromClient && $0.type == type }.map(\.version)
    }
}

@Suite("Compatible version negotiation (RFC 9368, RFC 9369 §4)")
struct CompatibleVersionNegotiationTests {
    @Test("A v1 client offering v2 to a server that prefers v2 ends up in v2 without an extra round trip")
    func clientMovesToV2() throws {
        let harness = try EngineHarness { _ in } server: { $0.connection.serverSupportedVersions = [.v2, .v1] }
        let log = LongHeaderLog(harness)
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        #expect(client.version == .v2)
        #expect(server.version == .v2)
        // Client Initial -> server flight -> client Finished, as without negotiation: about 2 RTT of 20 ms.
        #expect(harness.pair.now < SimInstant(nanoseconds: 50_000_000))
        // The client's first flight is v1; everything the server sends is v2, and so is everything the client
        // sends once it heard the server.
        #expect(log.versions(fromClient: true, type: .initial).first == .v1)
        #expect(log.versions(fromClient: false, type: .initial).allSatisfy { $0 == .v2 })
        let handshakeVersions = log.versions(fromClient: false, type: .handshake)
            + log.versions(fromClient: true, type: .handshake)
        #expect(!handshakeVersions.isEmpty && handshakeVersions.allSatisfy { $0 == .v2 })
        let clientInitials = log.versions(fromClient: true, type: .initial)
        if let firstV2 = clientInitials.firstIndex(of: .v2) {
            #expect(clientInitials[firstV2...].allSatisfy { $0 == .v2 })
        }
        // Each side saw the other's version_information (RFC 9368 §3).
        #expect(server.peerTransportParameters?.versionInformation
            == VersionInformation(chosenVersion: .v1, availableVersions: [.v1, .v2]))
        #expect(client.peerTransportParameters?.versionInformation
            == VersionInformation(chosenVersion: .v2, availableVersions: [.v2, .v1]))
    }

    @Test("1-RTT data moves both ways on a connection negotiated to v2")
    func dataAfterMovingToV2() throws {
        let harness = try EngineHarness { _ in } server: { $0.connection.serverSupportedVersions = [.v2, .v1] }
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        let stream = try client.openStream(.bidirectional)
        try client.write(Array(repeating: UInt8(7), count: 20_000), to: stream)
        try client.finish(stream)
        harness.pair.network.poll(harness.pair.clientNode)
        var received: [UInt8] = []
        _ = harness.pair.drive(until: harness.pair.now + .seconds(5)) {
            guard let read = try? server.read(stream, into: &received) else { return false }
            return read.fin
        }
        #expect(received.count == 20_000)
        #expect(client.version == .v2 && !client.isClosed && !server.isClosed)
    }

    @Test("A server that prefers v1 keeps the connection in v1")
    func serverPrefersV1() throws {
        let harness = try EngineHarness { _ in } server: { $0.connection.serverSupportedVersions = [.v1, .v2] }
        let log = LongHeaderLog(harness)
        #expect(harness.runHandshake())
        #expect(harness.client?.version == .v1)
        #expect(harness.server?.version == .v1)
        #expect(log.entries.allSatisfy { $0.version == .v1 })
        #expect(harness.client?.peerTransportParameters?.versionInformation
            == VersionInformation(chosenVersion: .v1, availableVersions: [.v1, .v2]))
    }

    @Test("A server without its own preference list takes the endpoint's versions, first first, and stays in v1")
    func serverWithoutPreference() throws {
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        #expect(harness.client?.version == .v1)
        #expect(harness.server?.version == .v1)
        // The endpoint supports [v1, v2]: both are advertised, and v1 (its first) is kept.
        #expect(harness.client?.peerTransportParameters?.versionInformation
            == VersionInformation(chosenVersion: .v1, availableVersions: [.v1, .v2]))
    }

    @Test("An endpoint that lists v2 first moves a v1 client that offers v2 to v2")
    func endpointPreferenceMovesToV2() throws {
        let harness = try EngineHarness { _ in } server: { $0.supportedVersions = [.v2, .v1] }
        #expect(harness.runHandshake())
        #expect(harness.client?.version == .v2)
        #expect(harness.server?.version == .v2)
    }

    @Test("A client without version_information (older than RFC 9368) stays in v1")
    func clientWithoutVersionInformation() throws {
        let harness = try EngineHarness { $0.sendsVersionInformation = false } server: {
            $0.connection.serverSupportedVersions = [.v2, .v1]
        }
        #expect(harness.runHandshake())
        #expect(harness.client?.version == .v1)
        #expect(harness.server?.version == .v1)
        #expect(harness.server?.peerTransportParameters?.versionInformation == nil)
    }

    @Test("A client that offers only v1 stays in v1 with a server that prefers v2")
    func clientOffersOnlyV1() throws {
        let harness = try EngineHarness { $0.supportedVersions = [.v1] } server: {
            $0.connection.serverSupportedVersions = [.v2, .v1]
        }
        #expect(harness.runHandshake())
        #expect(harness.client?.version == .v1)
        #expect(harness.server?.version == .v1)
    }

    @Test("Retry stays in the original version, then the connection moves to v2")
    func retryThenV2() throws {
        let harness = try EngineHarness { _ in } server: {
            $0.requireRetry = true
            $0.connection.serverSupportedVersions = [.v2, .v1]
        }
        let log = LongHeaderLog(harness)
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        #expect(client.retrySourceConnectionID != nil)
        #expect(client.retrySourceConnectionID == server.retrySourceConnectionID)
        #expect(log.versions(fromClient: false, type: .retry) == [.v1])
        #expect(client.version == .v2 && server.version == .v2)
    }

    @Test("Under loss the client's v1 Initials still reach a server that moved to v2", arguments: [UInt64(1), 2, 3, 4])
    func negotiationUnderLoss(seed: UInt64) throws {
        let link = LinkParameters(delay: .milliseconds(20), loss: .bernoulli(probability: 0.2))
        let harness = try EngineHarness(clientToServer: link, serverToClient: link, seed: seed) { _ in } server: {
            $0.connection.serverSupportedVersions = [.v2, .v1]
        }
        #expect(harness.runHandshake(deadline: .seconds(30)), "seed \(seed)")
        #expect(harness.client?.version == .v2)
        #expect(harness.server?.version == .v2)
    }

    @Test("The server's first flight lost: the client's retransmitted v1 Initial is answered in v2")
    func serverFirstFlightLost() throws {
        let lossy = LinkParameters(delay: .milliseconds(10), loss: .dropIndices([0, 1, 2, 3]))
        let harness = try EngineHarness(serverToClient: lossy) { _ in } server: {
            $0.connection.serverSupportedVersions = [.v2, .v1]
        }
        let log = LongHeaderLog(harness)
        #expect(harness.runHandshake(deadline: .seconds(10)))
        #expect(log.versions(fromClient: true, type: .initial).prefix(2) == [.v1, .v1])
        #expect(harness.client?.version == .v2 && harness.server?.version == .v2)
    }
}

@Suite("Version negotiation checks (RFC 9368 §4)")
struct VersionNegotiationCheckTests {
    private static func tamper(_ change: @escaping (inout TransportParameters) -> Void) -> (TransportParameters)
        -> [UInt8] {
        { parameters in
            var parameters = parameters
            change(&parameters)
            return parameters.encoded
        }
    }

    private static func closeCodes(_ events: [ConnectionEvent]) -> (local: [TransportErrorCode],
                                                                   peer: [TransportErrorCode]) {
        var local: [TransportErrorCode] = []
        var peer: [TransportErrorCode] = []
        for event in events {
            switch event {
            case .closed(.localTransport(let error)): local.append(error.code)
            case .closed(.peerTransport(let code, _, _)): peer.append(code)
            default: break
            }
        }
        return (local, peer)
    }

    @Test("A server whose Chosen Version is not the version of its packets is refused by the client")
    func serverChosenVersionMismatch() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper {
            $0.versionInformation = VersionInformation(chosenVersion: .v2, availableVersions: [.v1, .v2])
        })
        handshake.run()
        #expect(Self.closeCodes(handshake.clientEvents).local == [.versionNegotiationError])
        #expect(Self.closeCodes(handshake.serverEvents).peer == [.versionNegotiationError])
        #expect(!handshake.client.isHandshakeComplete)
    }

    @Test("A client whose Chosen Version is not the version of its Initial packets is refused by the server")
    func clientChosenVersionMismatch() throws {
        let handshake = try TamperedHandshake(clientBytes: Self.tamper {
            $0.versionInformation = VersionInformation(chosenVersion: .v2, availableVersions: [.v2, .v1])
        })
        handshake.run()
        #expect(Self.closeCodes(handshake.serverEvents).local == [.versionNegotiationError])
        #expect(Self.closeCodes(handshake.clientEvents).peer == [.versionNegotiationError])
    }

    @Test("A client whose Available Versions leave out its Chosen Version fails to parse at the server")
    func clientChosenVersionNotAvailable() throws {
        let handshake = try TamperedHandshake(clientBytes: Self.tamper {
            $0.versionInformation = VersionInformation(chosenVersion: .v1, availableVersions: [.v2])
        })
        handshake.run()
        handshake.expectParameterError(detectedBy: .server)
    }

    @Test("A server without version_information is accepted when no version negotiation happened")
    func serverWithoutVersionInformation() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper { $0.versionInformation = nil })
        handshake.run()
        #expect(handshake.client.isHandshakeComplete && !handshake.client.isClosed)
    }

    @Test("Incompatible negotiation: a v2-only server's Available Versions confirm the client's move to v2")
    func genuineVersionNegotiation() throws {
        let harness = try EngineHarness { _ in } server: {
            $0.supportedVersions = [.v2]
            $0.connection.serverSupportedVersions = [.v2]
        }
        #expect(harness.runHandshake())
        #expect(harness.client?.version == .v2 && harness.server?.version == .v2)
        // The new first flight names v2 as its Chosen Version (RFC 9368 §2.4: a new connection).
        #expect(harness.server?.peerTransportParameters?.versionInformation?.chosenVersion == .v2)
    }

    @Test("A forged Version Negotiation packet that moves the client to v2 is detected by the server's versions")
    func forgedVersionNegotiation() throws {
        // The client's real first Initial is lost; an attacker answers with Version Negotiation listing only v2,
        // although the server speaks v1 and v2.
        let lossy = LinkParameters(delay: .milliseconds(10), loss: .dropIndices([0]))
        let harness = try EngineHarness(clientToServer: lossy) { _ in } server: {
            $0.connection.serverSupportedVersions = [.v1, .v2]
        }
        let client = try #require(harness.client)
        let clientSource = try #require(client.localCIDs.active.first).connectionID
        var forged: [UInt8] = [0xc0, 0, 0, 0, 0, UInt8(clientSource.length)]
        forged += clientSource.bytes
        forged += [UInt8(client.initialKeysConnectionID.length)] + client.initialKeysConnectionID.bytes
        forged += [0x6b, 0x33, 0x43, 0xcf]
        let fourTuple = FourTuple(local: EngineFixtures.clientAddress.networkAddress,
                                  remote: EngineFixtures.serverAddress.networkAddress)
        harness.pair.client.endpoint.handle(datagram: forged[...], from: fourTuple,
                                            now: QUICInstant(nanosecondsSinceOrigin: 1_000_000))
        #expect(client.version == .v2)
        harness.pair.network.poll(harness.pair.clientNode)
        #expect(!harness.runHandshake(deadline: .seconds(5)))
        harness.collectEvents()
        #expect(Self.closeCodes(harness.clientEvents).local == [.versionNegotiationError])
    }

    @Test("A Version Negotiation packet that lists the client's version is ignored")
    func versionNegotiationListingOriginalVersion() throws {
        let lossy = LinkParameters(delay: .milliseconds(10), loss: .dropIndices([0]))
        let harness = try EngineHarness(clientToServer: lossy)
        let client = try #require(harness.client)
        let clientSource = try #require(client.localCIDs.active.first).connectionID
        var forged: [UInt8] = [0xc0, 0, 0, 0, 0, UInt8(clientSource.length)]
        forged += clientSource.bytes
        forged += [UInt8(client.initialKeysConnectionID.length)] + client.initialKeysConnectionID.bytes
        forged += [0x6b, 0x33, 0x43, 0xcf, 0, 0, 0, 1]
        let fourTuple = FourTuple(local: EngineFixtures.clientAddress.networkAddress,
                                  remote: EngineFixtures.serverAddress.networkAddress)
        harness.pair.client.endpoint.handle(datagram: forged[...], from: fourTuple,
                                            now: QUICInstant(nanosecondsSinceOrigin: 1_000_000))
        #expect(client.version == .v1)
        #expect(harness.runHandshake())
        #expect(harness.server?.version == .v1)
    }
}
