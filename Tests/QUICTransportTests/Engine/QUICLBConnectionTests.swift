import QUICSimulator
import QUICTestSupport
import QUICWire
import Testing

@testable import QUICTransport

/// A server configured with a QUIC-LB generator issues only connection IDs that carry its server ID: the handshake's
/// Source Connection ID, NEW_CONNECTION_ID, the preferred address's ID and multipath PATH_NEW_CONNECTION_ID, so that a
/// load balancer routes every packet the client sends, on every path and after migration, to it.
@Suite("QUIC-LB connection IDs in a server connection")
struct QUICLBConnectionTests {
    static let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 10_000_000),
                                     delay: .milliseconds(15), queueCapacity: 60_000)

    /// Two octets of server ID and seven of nonce under four-pass encryption: 10-octet IDs, unlike the client's
    /// 8-octet random ones, so a client-chosen ID can never pass for one of the server's.
    static func generator() throws -> QUICLBConnectionIDGenerator {
        let configuration = try QUICLBConfiguration(
            configRotation: 2, serverIDLength: 2, nonceLength: 7, key: hexBytes("fdf726a9893ec05c0632d3956680baf0"))
        return try QUICLBConnectionIDGenerator(configuration: configuration, serverID: QUICLBServerID(0x0b0e, length: 2))
    }

    /// Every datagram the client sent towards the server either names, in its first packet, the ID the client
    /// chose for its first Initial (RFC 9000 §7.2), or decodes to the server ID. Returns how many decoded.
    static func expectRoutable(_ payloads: [[UInt8]], generator: QUICLBConnectionIDGenerator,
                               originalDestination: ConnectionID) -> Int {
        var routed = 0
        for payload in payloads {
            if let serverID = generator.configuration.serverID(ofDatagram: payload) {
                #expect(serverID == generator.serverID)
                routed += 1
                continue
            }
            let isFirstInitial = payload.count > 6 && payload[0] & 0x80 != 0
                && Int(payload[5]) == originalDestination.length && payload.count >= 6 + originalDestination.length
                && Array(payload[6..<(6 + originalDestination.length)]) == originalDestination.bytes
            #expect(isFirstInitial, "an unroutable datagram of \(payload.count) bytes after the handshake")
        }
        return routed
    }

    static func expectCarriesServerID(_ cid: ConnectionID, _ generator: QUICLBConnectionIDGenerator) {
        #expect(cid.length == generator.length)
        #expect(generator.configuration.serverID(of: cid) == generator.serverID, "\(cid)")
    }

    @Test("with a preferred address: Source CID, NEW_CONNECTION_ID and preferred_address all carry the server ID")
    func preferredAddressAndNewConnectionIDs() throws {
        let generator = try Self.generator()
        let harness = try MigrationHarness(size: 300_000, link: Self.link, preferredAddress: true) {
            $0.connectionIDGenerator = generator
        }
        #expect(harness.runDownload(deadline: SimInstant.zero + .seconds(30)))
        #expect(harness.application.hashesMatch)
        let client = try #require(harness.clientConnection)
        let server = try #require(harness.serverConnection)
        let parameters = try #require(client.peerTransportParameters)
        let initialSource = try #require(parameters.initialSourceConnectionID)
        Self.expectCarriesServerID(initialSource, generator)
        let preferred = try #require(parameters.preferredAddress)
        Self.expectCarriesServerID(preferred.connectionID, generator)
        #expect(preferred.connectionID != initialSource)
        // The client holds the IDs of NEW_CONNECTION_ID (sequence numbers 2 and up) as well.
        #expect(client.peerCIDs.active.contains { $0.sequenceNumber >= 2 })
        for entry in client.peerCIDs.active {
            Self.expectCarriesServerID(entry.connectionID, generator)
        }
        for entry in server.localCIDs.active {
            Self.expectCarriesServerID(entry.connectionID, generator)
        }
        #expect(Set(server.localCIDs.active.map(\.connectionID)).count == server.localCIDs.active.count)
        let sent = harness.trace.compactMap { event -> [UInt8]? in
            guard case .enqueue(_, _, .aToB, let datagram, _) = event else { return nil }
            return datagram.payload
        }
        let routed = Self.expectRoutable(sent, generator: generator,
                                         originalDestination: server.originalDestinationConnectionID)
        #expect(routed > 50)
        // The client moved to the preferred address and kept being routable there.
        #expect(client.fourTuple.remote == MigrationHarness.preferredServerAddress.networkAddress)
        #expect(generator.issuedCount >= UInt64(server.localCIDs.nextSequenceNumber))
    }

    @Test("multipath: PATH_NEW_CONNECTION_ID for every path ID carries the server ID; both paths stay routable")
    func multipathConnectionIDs() throws {
        let generator = try Self.generator()
        let harness = try MultipathHarness(size: 1_000_000, first: Self.link, second: Self.link) {
            $0.connectionIDGenerator = generator
        }
        var sent: [[UInt8]] = []
        var linksUsed: Set<String> = []
        harness.network.traceHandler = { event in
            guard case .enqueue(_, let link, .aToB, let datagram, _) = event else { return }
            sent.append(datagram.payload)
            linksUsed.insert(link)
        }
        #expect(harness.runDownload(deadline: .zero + .seconds(30)))
        #expect(harness.application.hashesMatch)
        let server = try #require(harness.serverConnection)
        #expect(harness.secondPath != nil)
        #expect(!server.multipath.localPathCIDs.isEmpty)
        var all: [ConnectionID] = server.localCIDs.active.map(\.connectionID)
        for (_, issued) in server.multipath.localPathCIDs {
            all += issued.active.map(\.connectionID)
        }
        for cid in all {
            Self.expectCarriesServerID(cid, generator)
        }
        #expect(Set(all).count == all.count)
        let routed = Self.expectRoutable(sent, generator: generator,
                                         originalDestination: server.originalDestinationConnectionID)
        #expect(routed > 50)
        #expect(linksUsed == [MultipathHarness.firstLink, MultipathHarness.secondLink])
    }

    /// A generator whose state is its value (the n-th ID it makes holds n): the preferred address's ID must come
    /// from the same generator as the Source Connection ID, not from a fresh copy of the configuration's.
    struct CountingGenerator: ConnectionIDGenerator {
        var next: UInt64 = 1
        var length: Int { 8 }

        mutating func generate(using random: inout some RandomNumberGenerator) -> ConnectionID {
            defer { self.next += 1 }
            return ConnectionID(literal: (0..<8).map { UInt8(truncatingIfNeeded: self.next >> UInt64(56 - 8 * $0)) })
        }
    }

    @Test("the preferred address's connection ID continues the generator of the Source Connection ID")
    func preferredAddressUsesTheConnectionsGenerator() throws {
        let harness = try MigrationHarness(size: 100_000, link: Self.link, preferredAddress: true) {
            $0.connectionIDGenerator = CountingGenerator()
        }
        #expect(harness.runDownload(deadline: SimInstant.zero + .seconds(30)))
        let server = try #require(harness.serverConnection)
        let client = try #require(harness.clientConnection)
        let parameters = try #require(client.peerTransportParameters)
        #expect(parameters.initialSourceConnectionID == ConnectionID(literal: [0, 0, 0, 0, 0, 0, 0, 1]))
        #expect(parameters.preferredAddress?.connectionID == ConnectionID(literal: [0, 0, 0, 0, 0, 0, 0, 2]))
        let issued = server.localCIDs.active.map(\.connectionID)
        #expect(Set(issued).count == issued.count)
        #expect(issued.contains(ConnectionID(literal: [0, 0, 0, 0, 0, 0, 0, 3])))
    }
}
