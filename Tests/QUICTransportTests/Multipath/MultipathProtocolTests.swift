import QUICRecovery
import QUICSimulator
@testable import QUICTransport
import QUICWire
import Testing

/// draft-ietf-quic-multipath-21 rules: negotiation, the error cases with their codes, path status ordering,
/// abandoning paths and the limits on path IDs.
@Suite("Multipath protocol rules")
struct MultipathProtocolTests {
    /// A handshaken pair where both sides offer multipath with path IDs up to `maxPathID`.
    static func scenario(maxPathID: PathID = 3) throws -> ViolationScenario {
        var multipath = MultipathConfiguration()
        multipath.maxPathID = maxPathID
        let scenario = try ViolationScenario(client: { $0.multipath = multipath }, server: { $0.multipath = multipath })
        // Let the connection IDs of the other path IDs arrive.
        scenario.harness.pair.drive(until: scenario.harness.pair.now + .milliseconds(300)) { false }
        scenario.collectEvents()
        return scenario
    }

    @Test("both sides offering initial_max_path_id negotiate multipath; one side alone does not")
    func negotiation() throws {
        let both = try Self.scenario()
        #expect(both.client.isMultipathNegotiated && both.server.isMultipathNegotiated)
        #expect(both.client.multipath.commonMaxPathID == 3)
        let clientOnly = try ViolationScenario(client: { $0.multipath = MultipathConfiguration() })
        #expect(!clientOnly.client.isMultipathNegotiated && !clientOnly.server.isMultipathNegotiated)
        #expect(throws: MultipathError.notNegotiated) {
            try clientOnly.client.openPath(localAddress: NetworkAddress(ip: .v4(0x0a00_0101), port: 1),
                                           now: clientOnly.harness.pair.now.quic)
        }
        // §2.1: without connection IDs there is no multipath: initial_max_path_id is not even sent.
        var zeroLength = ConnectionConfiguration(alpn: [[1]])
        zeroLength.multipath = MultipathConfiguration()
        zeroLength.connectionIDLength = 0
        #expect(Connection.localTransportParameters(zeroLength, role: .client).initialMaxPathID == nil)
    }

    @Test("a path ID above the announced maximum is a PROTOCOL_VIOLATION", arguments: [
        Frame.pathAck(PathAckFrame(pathID: 4, ack: AckFrame(ranges: AckRanges([0...0]), ackDelay: 0, ecn: nil))),
        Frame.pathAbandon(PathAbandonFrame(pathID: 9, errorCode: 0)),
        Frame.pathStatusBackup(PathStatusFrame(pathID: 4, sequenceNumber: 0)),
        Frame.pathsBlocked(7),
        Frame.pathCIDsBlocked(PathCIDsBlockedFrame(pathID: 5, nextSequenceNumber: 0)),
    ])
    func pathIDAboveMaximum(_ frame: Frame) throws {
        let scenario = try Self.scenario()
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: frame.frameType)
    }

    @Test("PATH_NEW_CONNECTION_ID above the maximum path ID is a PROTOCOL_VIOLATION")
    func newConnectionIDAboveMaximum() throws {
        let scenario = try Self.scenario()
        let frame = Frame.newConnectionID(NewConnectionIDFrame(
            pathID: 4, sequenceNumber: 0, retirePriorTo: 0, connectionID: ConnectionID(literal: [1, 2, 3, 4, 5, 6, 7, 8]),
            statelessResetToken: StatelessResetToken(high: 1, low: 2)))
        #expect(scenario.inject([frame], from: .server))
        scenario.expectClosed(by: .server, code: .protocolViolation, frameType: 0x3e78)
    }

    @Test("MAX_PATH_ID below initial_max_path_id is a PROTOCOL_VIOLATION; a smaller one above it is ignored")
    func maxPathIDRules() throws {
        let scenario = try Self.scenario()
        scenario.client.injectForTesting(Frame.maxPathID(5), level: .oneRTT)
        scenario.client.injectForTesting(Frame.maxPathID(4), level: .oneRTT)
        scenario.harness.pair.network.poll(scenario.harness.pair.clientNode)
        scenario.harness.pair.drive(until: scenario.harness.pair.now + .milliseconds(200)) { false }
        #expect(scenario.server.multipath.peerMaxPathID == 5)
        #expect(!scenario.server.isClosed)
        #expect(scenario.inject([Frame.maxPathID(2)], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0x3e7a)
    }

    @Test("PATH_CIDS_BLOCKED naming a sequence number never issued is a PROTOCOL_VIOLATION")
    func pathCIDsBlockedAhead() throws {
        let scenario = try Self.scenario()
        let frame = Frame.pathCIDsBlocked(PathCIDsBlockedFrame(pathID: 1, nextSequenceNumber: 40))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0x3e7c)
    }

    @Test("multipath frames outside 1-RTT packets are a PROTOCOL_VIOLATION")
    func multipathFrameInZeroRTTLevel() {
        // §4: "MUST only be sent in 1-RTT packets"; the frame decoder refuses them at other levels.
        let frame = Frame.pathStatusAvailable(PathStatusFrame(pathID: 0, sequenceNumber: 0))
        #expect(!frame.isPermitted(in: .zeroRTT))
        #expect(!frame.isPermitted(in: .handshake))
        #expect(frame.isPermitted(in: .oneRTT))
    }

    @Test("PATH_STATUS frames with an old sequence number are ignored")
    func pathStatusOrdering() throws {
        let scenario = try Self.scenario()
        let pair = scenario.harness.pair
        scenario.client.injectForTesting(Frame.pathStatusBackup(PathStatusFrame(pathID: 0, sequenceNumber: 5)),
                                         level: .oneRTT)
        pair.network.poll(pair.clientNode)
        pair.drive(until: pair.now + .milliseconds(200)) { false }
        scenario.client.injectForTesting(Frame.pathStatusAvailable(PathStatusFrame(pathID: 0, sequenceNumber: 4)),
                                         level: .oneRTT)
        pair.network.poll(pair.clientNode)
        pair.drive(until: pair.now + .milliseconds(200)) { false }
        scenario.collectEvents()
        let statuses = scenario.serverEvents.compactMap { event -> PathStatus? in
            if case .peerPathStatus(0, let status) = event { return status }
            return nil
        }
        #expect(statuses == [.backup])
        #expect(scenario.server.pathSnapshot(0)?.status == .backup)
    }

    @Test("PATH_ABANDON for the only path closes the connection")
    func abandonTheOnlyPath() throws {
        let scenario = try Self.scenario()
        #expect(throws: MultipathError.lastPath(0)) {
            try scenario.client.abandonPath(0, now: scenario.harness.pair.now.quic)
        }
        #expect(scenario.inject([Frame.pathAbandon(PathAbandonFrame(pathID: 0, errorCode: 0))], from: .client))
        guard case .localTransport(let error)? = scenario.closeReason(.server) else {
            Issue.record("the server did not close: \(String(describing: scenario.closeReason(.server)))")
            return
        }
        #expect(error.code == .noViablePath)
    }

    @Test("only clients open paths, after the handshake is confirmed, with path IDs both sides allow")
    func openingRules() throws {
        let scenario = try Self.scenario(maxPathID: 1)
        let now = scenario.harness.pair.now.quic
        let local = MultipathHarness.secondClientAddress.networkAddress
        #expect(throws: MultipathError.onlyClientsOpenPaths) {
            try scenario.server.openPath(localAddress: local, now: now)
        }
        let first = try scenario.client.openPath(localAddress: local, now: now)
        #expect(first == 1)
        // Path IDs 0 and 1 are used: the next open is blocked by the peer's limit, and PATHS_BLOCKED says so.
        #expect(throws: MultipathError.noPathIDAvailable(peerMaximum: 1)) {
            try scenario.client.openPath(localAddress: local, now: now)
        }
        #expect(scenario.client.multipath.pathsBlockedPending == 1)
    }
}
