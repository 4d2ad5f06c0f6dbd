import QUICTestSupport
import Testing

@testable import QUICTransport
@testable import QUICWire

@Suite("Endpoint decision for datagrams that match no connection")
struct EndpointDecisionTests {
    let policy = EndpointPolicy(supportedVersions: [.v1, .v2], requireRetry: false, maxConnections: 10,
                                maxHandshakesInProgress: 4)
    let resetKey = StatelessResetKey(key: [UInt8](repeating: 3, count: 32))
    let clientID = ConnectionID(literal: [1, 2, 3, 4, 5, 6, 7, 8])
    let serverID = ConnectionID(literal: [9, 9, 9, 9])

    func initial(version: QUICVersion = .v1, type: LongPacketType = .initial,
                 destination: ConnectionID? = nil) -> PacketHeader {
        .long(LongHeader(version: version, type: type, destinationConnectionID: destination ?? self.clientID,
                         sourceConnectionID: self.serverID, token: [], packetNumberOffset: 0, packetEnd: 0))
    }

    func decide(_ header: PacketHeader, length: Int = 1200, token: InitialTokenStatus = .absent,
                policy: EndpointPolicy? = nil, connections: Int = 0, handshakes: Int = 0,
                resetKey: StatelessResetKey? = nil) -> UnroutedAction {
        EndpointDecision.decide(policy: policy ?? self.policy, header: header, datagramLength: length, token: token,
                                currentConnections: connections, handshakesInProgress: handshakes,
                                resetKey: resetKey)
    }

    func isDrop(_ action: UnroutedAction) -> Bool {
        if case .drop = action { return true }
        return false
    }

    @Test("A conforming Initial is accepted in its version", arguments: [QUICVersion.v1, .v2])
    func accept(version: QUICVersion) {
        #expect(self.decide(self.initial(version: version)) == .accept(version: version))
        #expect(self.decide(self.initial(version: version), length: 1500, token: .valid, connections: 9,
                            handshakes: 3) == .accept(version: version))
        #expect(self.decide(self.initial(version: version), token: .invalid) == .accept(version: version))
    }

    @Test("An Initial in a datagram under 1200 bytes is dropped")
    func smallInitial() {
        #expect(self.isDrop(self.decide(self.initial(), length: 1199)))
        #expect(self.isDrop(self.decide(self.initial(), length: 1199, token: .valid)))
        var lenient = self.policy
        lenient.minimumInitialDatagramSize = 1000
        #expect(self.decide(self.initial(), length: 1000, policy: lenient) == .accept(version: .v1))
    }

    @Test("A client's own Initial connection ID shorter than 8 bytes is dropped unless a token validated it")
    func shortInitialConnectionID() {
        let short = self.initial(destination: self.serverID)
        #expect(self.isDrop(self.decide(short)))
        #expect(self.isDrop(self.decide(short, token: .invalid)))
        #expect(self.decide(short, token: .valid) == .accept(version: .v1))
    }

    @Test("Unsupported versions get Version Negotiation only in datagrams of 1200 bytes or more")
    func unsupportedVersion() {
        let header = PacketHeader.unsupportedVersion(UnsupportedVersionHeader(
            version: QUICVersion(rawValue: 0x0a1a_2a3a), destinationConnectionID: [1, 2], sourceConnectionID: [3]))
        #expect(self.decide(header) == .sendVersionNegotiation)
        #expect(self.isDrop(self.decide(header, length: 1199)))
        // A version the parser knows but the policy does not accept is treated alike.
        let v1Only = EndpointPolicy(supportedVersions: [.v1])
        #expect(self.decide(self.initial(version: .v2), policy: v1Only) == .sendVersionNegotiation)
        #expect(self.isDrop(self.decide(self.initial(version: .v2), length: 600, policy: v1Only)))
        #expect(self.decide(self.initial(version: .v2, type: .handshake), policy: v1Only) == .sendVersionNegotiation)
    }

    @Test("Version Negotiation and Retry packets for no connection are dropped")
    func neverAnswered() {
        let negotiation = PacketHeader.versionNegotiation(VersionNegotiationPacket(
            destinationConnectionID: [1], sourceConnectionID: [2], supportedVersions: [.v1]))
        #expect(self.isDrop(self.decide(negotiation, length: 1500, resetKey: self.resetKey)))
        let retry = PacketHeader.retry(RetryPacket(version: .v1, destinationConnectionID: self.clientID,
                                                   sourceConnectionID: self.serverID, token: [1],
                                                   integrityTag: ArraySlice(repeating: 0, count: 16),
                                                   bytesWithoutTag: [0xf0]))
        #expect(self.isDrop(self.decide(retry, length: 1500, resetKey: self.resetKey)))
    }

    @Test("0-RTT and Handshake packets for unknown connections are dropped", arguments: [LongPacketType.zeroRTT,
                                                                                       .handshake])
    func earlyPackets(type: LongPacketType) {
        #expect(self.isDrop(self.decide(self.initial(type: type), length: 1500, token: .valid,
                                        resetKey: self.resetKey)))
    }

    @Test("Retry when required for unvalidated clients only")
    func requireRetry() {
        var strict = self.policy
        strict.requireRetry = true
        #expect(self.decide(self.initial(), policy: strict) == .sendRetry)
        #expect(self.decide(self.initial(), token: .invalid, policy: strict) == .sendRetry)
        #expect(self.decide(self.initial(), token: .valid, policy: strict) == .accept(version: .v1))
    }

    @Test("An invalid Retry token is refused with INVALID_TOKEN")
    func invalidRetryToken() {
        #expect(self.decide(self.initial(), token: .invalidRetryToken) == .refuse(.invalidToken))
        #expect(self.decide(self.initial(destination: self.serverID), token: .invalidRetryToken)
                    == .refuse(.invalidToken))
        #expect(self.isDrop(self.decide(self.initial(), length: 1000, token: .invalidRetryToken)))
    }

    @Test("Under load: Retry for unvalidated clients, CONNECTION_REFUSED for validated ones")
    func load() {
        #expect(self.decide(self.initial(), connections: 10) == .sendRetry)
        #expect(self.decide(self.initial(), token: .invalid, connections: 11) == .sendRetry)
        #expect(self.decide(self.initial(), token: .valid, connections: 10) == .refuse(.connectionRefused))
        #expect(self.decide(self.initial(), handshakes: 4) == .sendRetry)
        #expect(self.decide(self.initial(), token: .valid, handshakes: 4) == .refuse(.connectionRefused))
        #expect(self.decide(self.initial(), connections: 9, handshakes: 3) == .accept(version: .v1))
    }

    @Test("Short headers for unknown connection IDs get a Stateless Reset when a key is configured")
    func statelessReset() {
        let header = PacketHeader.short(ShortHeader(destinationConnectionID: self.serverID, packetNumberOffset: 5,
                                                    packetEnd: 40))
        #expect(self.decide(header, length: 40, resetKey: self.resetKey)
                    == .sendStatelessReset(self.resetKey.token(for: self.serverID)))
        #expect(self.decide(header, length: 22, resetKey: self.resetKey)
                    == .sendStatelessReset(self.resetKey.token(for: self.serverID)))
        #expect(self.isDrop(self.decide(header, length: 21, resetKey: self.resetKey)), "could itself be a reset")
        #expect(self.isDrop(self.decide(header, length: 40)), "no key, no reset")
        let empty = PacketHeader.short(ShortHeader(destinationConnectionID: .empty, packetNumberOffset: 1,
                                                   packetEnd: 40))
        #expect(self.isDrop(self.decide(empty, length: 40, resetKey: self.resetKey)))
    }
}
