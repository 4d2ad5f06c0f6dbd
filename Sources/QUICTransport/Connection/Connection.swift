import QUICCrypto
import QUICQlog
import QUICRecovery
import QUICTLS
import QUICWire

/// One QUIC connection, sans IO (ARCHITECTURE.md §4).
///
/// Datagrams go in with ``handle(datagram:from:ecn:now:)``, timers with ``handleTimeout(now:)``; datagrams come
/// out of ``pollTransmit(now:into:)``, the next wake-up from ``nextTimeout``, and application events from
/// ``pollEvent()``. The connection never reads a clock, touches a socket or spawns work: the caller (the
/// simulator or a real-socket driver) does, so the same code runs in virtual time and on a network.
///
/// It is a single-owner class and not `Sendable`: one task or event loop drives it.
public final class Connection {
    public let role: EndpointRole
    public let configuration: ConnectionConfiguration
    public internal(set) var version: QUICVersion

    var tls: any TLSHandshaker
    var random: ConnectionRandom
    /// Makes this connection's own connection IDs.
    var connectionIDGenerator: any ConnectionIDGenerator

    /// Initial, Handshake and application data spaces, indexed by `PacketNumberSpace.rawValue`.
    var spaces: [PacketSpace]
    /// 1-RTT keys in both directions, with the next phase derived ahead (RFC 9001 §6).
    var oneRTTRead: KeyUpdateState?
    var oneRTTWrite: KeyUpdateState?
    /// Packets sealed with the current write phase (for ``ConnectionConfiguration/keyUpdateInterval``).
    var packetsInWritePhase: UInt64 = 0
    /// The first packet sealed in the current write phase, and whether the peer acknowledged one of them
    /// (RFC 9001 §6.1: required before the next update).
    var writePhaseFirstPacket: (pathID: PathID, packetNumber: UInt64)?
    var writePhaseAcknowledged = true
    /// When the peer acknowledged a packet of the current write phase (draft-ietf-quic-multipath-21 §2.4: the
    /// next update waits three times the largest PTO after it).
    var writePhaseAcknowledgedAt: QUICInstant?
    /// When the previous read keys go (RFC 9001 §6.5: "after three times the PTO").
    var previousReadKeysDiscardAt: QUICInstant?
    /// Packets that failed authentication (RFC 9001 §6.6 integrity limit).
    var authenticationFailures: UInt64 = 0

    var streams: StreamManager
    /// The paths of the connection: path 0 (the handshake path) first, then any multipath paths, by the order
    /// they opened. A plain QUIC connection has exactly one.
    var paths: [PathState]
    /// The path being worked on: the one the packet being processed arrived on, or the one the datagram being
    /// built leaves on. Everything per path in the engine (`self.path`) goes through it.
    var pathIndex = 0
    /// Multipath negotiation, per-path connection IDs and the multipath control frames to send.
    var multipath: MultipathConnectionState

    // Connection IDs (RFC 9000 §5.1, §7.3).
    /// Connection IDs of path 0 (the only ones without multipath); other paths keep theirs in `multipath`.
    var localCIDs = LocalConnectionIDs()
    var peerCIDs: PeerConnectionIDs
    /// The Destination Connection ID of the client's first Initial packet.
    public let originalDestinationConnectionID: ConnectionID
    /// Client: the destination CID Initial keys derive from (changes after a Retry).
    var initialKeysConnectionID: ConnectionID
    /// The Source Connection ID the peer used in its first Initial (checked against its transport parameters).
    var peerInitialSourceConnectionID: ConnectionID?
    /// The Source Connection ID of the server's Retry, when there was one.
    public internal(set) var retrySourceConnectionID: ConnectionID?
    /// The TLS cipher suite protecting 1-RTT packets, once their keys are installed.
    public internal(set) var negotiatedCipherSuite: QUICTLS.CipherSuite?
    /// Whether the client already restarted after a Version Negotiation packet.
    var didVersionNegotiation = false
    /// Compatible version negotiation and downgrade checks (Connection+VersionNegotiation.swift).
    var versionNegotiation: VersionNegotiationState
    var retryToken: [UInt8]
    var receivedFirstPeerPacket = false
    var resetKey: StatelessResetKey?
    /// Connection IDs the endpoint must route to this connection / stop routing (polled by the endpoint).
    var endpointEvents: [EndpointEvent] = []
    /// How many of ``endpointEvents`` the endpoint has read (they are cleared once all are).
    var endpointEventsRead = 0

    // Handshake progress.
    var peerParameters: TransportParameters?
    var localParameters: TransportParameters
    public internal(set) var isHandshakeComplete = false
    public internal(set) var isHandshakeConfirmed = false
    var handshakeDonePending = false
    var negotiatedALPN: [UInt8]?
    var pendingVerification = false
    var peerMaxAckDelayExponent: UInt64 = 3
    var peerMaxDatagramFrameSize: UInt64?
    var handshakeStartedAt: QUICInstant?
    public internal(set) var handshakeCompletedAt: QUICInstant?
    /// Session resumption and 0-RTT progress (Connection+EarlyData.swift).
    var earlyData = EarlyDataState()

    // Lifecycle.
    var closeState: CloseState = .open
    var idle = IdleTimeout()
    /// The CONNECTION_CLOSE to send (and repeat while closing).
    var pendingClose: ConnectionCloseFrame?
    var closeFrameToRepeat: ConnectionCloseFrame?
    var closeRepeatAllowed = false
    var reportedClose = false
    /// Why the connection closed, once it has.
    public internal(set) var closeReason: ConnectionCloseReason?

    // Queued output.
    var events: [ConnectionEvent] = []
    var eventHead = 0
    var keyLogLines: [String] = []
    var datagramsToSend = DatagramSendQueue(limit: 1, maxDelay: nil)
    /// Application intents of streams (multipath scheduling); bulk streams have none.
    var streamIntents: [StreamID: StreamSendIntent] = [:]
    /// Size of ``streamIntents`` at which the intents of closed streams are dropped.
    var streamIntentPruneThreshold = 64
    /// The space of path 0's PTO probes during the handshake (nil: the application data space).
    var probeSpace: PacketNumberSpace?
    /// PATH_RESPONSE frames owed (RFC 9000 §8.2.2), each for the 4-tuple and path its PATH_CHALLENGE came on.
    var pathResponsesPending: [PendingPathResponse] = []
    var peerCompletedAddressValidation = false
    var newTokenPending: [UInt8]?
    var pingPending = false
    /// Test support: encoded frames to put into the next packet of a level (see Connection+Testing.swift).
    var injectedFrames: [(level: EncryptionLevel, bytes: [UInt8])] = []
    /// Set when the datagram being built carries PATH_CHALLENGE or PATH_RESPONSE (padded to 1,200 bytes).
    var padNextDatagram = false
    /// The time of the last input, for decisions outside one.
    var lastNow = UInt64(0)
    /// The size of the datagram being processed (counted toward a new path's amplification budget).
    var lastDatagramSize = 0
    /// Set when new read keys were installed, so buffered undecryptable packets are retried.
    var keysBecameAvailable = false

    // Scratch buffers reused for every packet.
    var receiveBuffer: [UInt8] = []
    var ackedScratch: [SentPacket<SentPacketContents>] = []
    var lostScratch: [SentPacket<SentPacketContents>] = []

    /// Where qlog events go (draft-ietf-quic-qlog); nil logs nothing.
    public var qlog: (any QlogSink)?

    /// Counters for statistics and tests.
    public internal(set) var stats = ConnectionStatistics()

    // MARK: - Creation

    /// Creates a client connection and queues its first Initial packet.
    ///
    /// - Parameters:
    ///   - tls: the TLS settings; ALPN, transport parameters and key logging are filled in from `configuration`.
    ///   - token: a NEW_TOKEN from an earlier connection to this server, if any.
    public convenience init(
        clientConfiguration configuration: ConnectionConfiguration, tls: TLSClientConfiguration,
        fourTuple: FourTuple, token: [UInt8] = [], random: ConnectionRandom, now: QUICInstant
    ) throws(TransportError) {
        var random = random
        var generator = configuration.connectionIDGenerator
        let sourceCID = generator.generate(using: &random)
        // RFC 9000 §7.2: "When an Initial packet is sent by a client [...] the client populates the
        // Destination Connection ID field with an unpredictable value. This Destination Connection ID MUST be
        // at least 8 bytes in length."
        var destinationGenerator = RandomConnectionIDGenerator(length: 8)
        let destinationCID = destinationGenerator.generate(using: &random)
        var parameters = Connection.localTransportParameters(configuration, role: .client)
        parameters.initialSourceConnectionID = sourceCID
        parameters.versionInformation = Connection.clientVersionInformation(configuration,
                                                                            chosen: configuration.version)
        var tlsConfiguration = tls
        tlsConfiguration.common.alpn = configuration.alpn
        tlsConfiguration.common.transportParameters = parameters.encoded
        tlsConfiguration.common.keyLogEnabled = configuration.keyLogEnabled
        let handshake: TLSClientHandshake
        do {
            handshake = try TLSClientHandshake(configuration: tlsConfiguration,
                                               nowMilliseconds: now.nanosecondsSinceOrigin / 1_000_000)
        } catch {
            throw error.transportError
        }
        try self.init(role: .client, configuration: configuration, tls: handshake, parameters: parameters,
                      sourceCID: sourceCID, destinationCID: destinationCID, originalDestinationCID: destinationCID,
                      fourTuple: fourTuple, random: random, now: now)
        self.retryToken = token
        self.connectionIDGenerator = generator
        self.versionNegotiation.clientTLS = tlsConfiguration
        try self.driveTLS(now: now)
        self.applyRememberedTransportParameters(tls)
    }

    /// Creates a server connection for a client's first Initial packet (the endpoint calls this).
    ///
    /// - Parameters:
    ///   - originalDestinationCID: the DCID of the client's very first Initial (before any Retry).
    ///   - initialDestinationCID: the DCID of the Initial being answered (Initial keys derive from it).
    ///   - clientSourceCID: the client's SCID.
    ///   - retrySourceCID: the SCID of the Retry this endpoint sent, when the token came from one.
    ///   - addressValidated: whether a token already proved the client's address.
    public init(
        serverConfiguration configuration: ConnectionConfiguration, tls: TLSServerConfiguration, version: QUICVersion,
        originalDestinationCID: ConnectionID, initialDestinationCID: ConnectionID, clientSourceCID: ConnectionID,
        retrySourceCID: ConnectionID?, addressValidated: Bool, resetKey: StatelessResetKey?,
        fourTuple: FourTuple, random: ConnectionRandom, now: QUICInstant
    ) throws(TransportError) {
        var random = random
        var generator = configuration.connectionIDGenerator
        let sourceCID = generator.generate(using: &random)
        var parameters = Connection.localTransportParameters(configuration, role: .server)
        parameters.initialSourceConnectionID = sourceCID
        parameters.originalDestinationConnectionID = originalDestinationCID
        parameters.retrySourceConnectionID = retrySourceCID
        parameters.versionInformation = Connection.serverVersionInformation(configuration, version: version)
        parameters.preferredAddress = Connection.preferredAddressParameter(configuration, resetKey: resetKey,
                                                                           generator: &generator, random: &random)
        if let resetKey, sourceCID.length > 0 {
            parameters.statelessResetToken = resetKey.token(for: sourceCID)
        }
        var tlsConfiguration = tls
        tlsConfiguration.common.alpn = configuration.alpn
        tlsConfiguration.common.transportParameters = parameters.encoded
        tlsConfiguration.common.keyLogEnabled = configuration.keyLogEnabled
        let handshake = TLSServerHandshake(configuration: tlsConfiguration,
                                           nowMilliseconds: now.nanosecondsSinceOrigin / 1_000_000)
        self.role = .server
        self.configuration = configuration
        self.version = version
        self.versionNegotiation = VersionNegotiationState(version: version)
        self.versionNegotiation.serverTLS = tlsConfiguration
        self.tls = handshake
        self.random = random
        self.connectionIDGenerator = generator
        self.localParameters = parameters
        self.originalDestinationConnectionID = originalDestinationCID
        self.initialKeysConnectionID = initialDestinationCID
        self.retrySourceConnectionID = retrySourceCID
        self.retryToken = []
        self.resetKey = resetKey
        self.peerInitialSourceConnectionID = clientSourceCID
        self.receivedFirstPeerPacket = true
        self.peerCIDs = PeerConnectionIDs(initial: clientSourceCID, limit: Int(configuration.activeConnectionIDLimit))
        let ackDelay = UInt64(configuration.maxAckDelay.nanoseconds)
        self.spaces = PacketNumberSpace.allCases.map { PacketSpace(space: $0, maxAckDelay: ackDelay) }
        self.streams = StreamManager(role: .server, limits: configuration.streamLimits)
        self.datagramsToSend = DatagramSendQueue(configuration: configuration)
        let group = CoupledPathGroup()
        self.multipath = MultipathConnectionState(configuration: configuration.multipath, congestionGroup: group)
        self.paths = [PathState(fourTuple: fourTuple, validated: addressValidated,
                                maximumDatagramSize: configuration.maxUDPPayloadSize, maxAckDelay: ackDelay,
                                recovery: Connection.makeRecovery(configuration, group: group))]
        self.handshakeStartedAt = now
        let token = resetKey?.token(for: sourceCID) ?? StatelessResetToken(random: &self.random)
        _ = self.localCIDs.issue(sourceCID, resetToken: token)
        // The first CID was announced in the handshake (initial_source_connection_id); no NEW_CONNECTION_ID.
        _ = self.localCIDs.popAnnouncement()
        self.endpointEvents.append(.connectionIDIssued(sourceCID))
        self.issuePreferredAddressConnectionID()
        try self.installInitialKeys()
    }

    private init(
        role: EndpointRole, configuration: ConnectionConfiguration, tls: any TLSHandshaker,
        parameters: TransportParameters, sourceCID: ConnectionID, destinationCID: ConnectionID,
        originalDestinationCID: ConnectionID, fourTuple: FourTuple, random: ConnectionRandom, now: QUICInstant
    ) throws(TransportError) {
        self.role = role
        self.configuration = configuration
        self.version = configuration.version
        self.versionNegotiation = VersionNegotiationState(version: configuration.version)
        self.tls = tls
        self.random = random
        self.connectionIDGenerator = configuration.connectionIDGenerator
        self.localParameters = parameters
        self.originalDestinationConnectionID = originalDestinationCID
        self.initialKeysConnectionID = destinationCID
        self.retryToken = []
        self.peerCIDs = PeerConnectionIDs(initial: destinationCID, limit: Int(configuration.activeConnectionIDLimit))
        let ackDelay = UInt64(configuration.maxAckDelay.nanoseconds)
        self.spaces = PacketNumberSpace.allCases.map { PacketSpace(space: $0, maxAckDelay: ackDelay) }
        self.streams = StreamManager(role: role, limits: configuration.streamLimits)
        self.datagramsToSend = DatagramSendQueue(configuration: configuration)
        // A client's peer address counts as validated: it chose it (the 3x limit binds servers only).
        let group = CoupledPathGroup()
        self.multipath = MultipathConnectionState(configuration: configuration.multipath, congestionGroup: group)
        self.paths = [PathState(fourTuple: fourTuple, validated: true, maximumDatagramSize: configuration.maxUDPPayloadSize,
                                maxAckDelay: ackDelay, recovery: Connection.makeRecovery(configuration, group: group))]
        self.handshakeStartedAt = now
        let token = StatelessResetToken(random: &self.random)
        _ = self.localCIDs.issue(sourceCID, resetToken: token)
        _ = self.localCIDs.popAnnouncement()
        self.endpointEvents.append(.connectionIDIssued(sourceCID))
        try self.installInitialKeys()
    }

    /// Loss recovery and congestion control for a new path (RFC 9002 §7.2: windows start from 1,200 bytes).
    /// Coupled controllers (LIA, OLIA) join the connection's `group`.
    static func makeRecovery(_ configuration: ConnectionConfiguration,
                             group: CoupledPathGroup) -> RecoveryState<SentPacketContents> {
        let controller = configuration.congestionControl.makeController(
            maxDatagramSize: 1_200, group: group, initialRTT: configuration.initialRTT)
        return RecoveryState(congestionController: controller, maxDatagramSize: 1_200,
                             initialRTT: configuration.initialRTT)
    }

    static func localTransportParameters(_ configuration: ConnectionConfiguration,
                                         role: EndpointRole) -> TransportParameters {
        var parameters = TransportParameters()
        let limits = configuration.streamLimits
        parameters.maxIdleTimeout = UInt64(max(configuration.maxIdleTimeout.nanoseconds, 0) / 1_000_000)
        parameters.maxUDPPayloadSize = UInt64(configuration.maxUDPPayloadSize)
        parameters.initialMaxData = limits.initialMaxData
        parameters.initialMaxStreamDataBidiLocal = limits.initialMaxStreamDataBidiLocal
        parameters.initialMaxStreamDataBidiRemote = limits.initialMaxStreamDataBidiRemote
        parameters.initialMaxStreamDataUni = limits.initialMaxStreamDataUni
        parameters.initialMaxStreamsBidi = limits.initialMaxStreamsBidi
        parameters.initialMaxStreamsUni = limits.initialMaxStreamsUni
        parameters.ackDelayExponent = configuration.ackDelayExponent
        parameters.maxAckDelay = UInt64(configuration.maxAckDelay.nanoseconds / 1_000_000)
        parameters.disableActiveMigration = configuration.disableActiveMigration
        parameters.activeConnectionIDLimit = configuration.activeConnectionIDLimit
        parameters.maxDatagramFrameSize = configuration.maxDatagramFrameSize
        // draft-ietf-quic-ack-frequency: this endpoint follows ACK_FREQUENCY requests down to 1 ms.
        parameters.minAckDelay = 1_000
        // draft-ietf-quic-multipath-21 §2.1: "When advertising the initial_max_path_id transport parameter,
        // endpoints MUST use Source and Destination Connection IDs with non-zero lengths."
        if let multipath = configuration.multipath, configuration.connectionIDLength > 0 {
            parameters.initialMaxPathID = multipath.maxPathID
        }
        return parameters
    }

    func installInitialKeys() throws(TransportError) {
        let keys = try self.initialKeys(for: self.version)
        let index = PacketNumberSpace.initial.rawValue
        self.spaces[index].readKeys = keys.read
        self.spaces[index].writeKeys = keys.write
    }

    // MARK: - Application-facing state

    /// Whether the connection is closing, draining or closed (no more application data moves).
    public var isClosed: Bool { !self.closeState.isOpen }

    /// Whether all state can be freed: the closing or draining period is over.
    public var isTerminated: Bool { self.closeState == .closed }

    /// The application protocol negotiated by TLS.
    public var alpn: [UInt8]? { self.negotiatedALPN }

    /// The peer's transport parameters, once received.
    public var peerTransportParameters: TransportParameters? { self.peerParameters }

    /// The 4-tuple of the primary path (path 0 while it lives; see ``pathIDs`` for the others).
    public var fourTuple: FourTuple { self.paths[self.primaryPathIndex].fourTuple }

    /// The smoothed RTT of the primary path.
    public var smoothedRTT: QUICDuration { self.paths[self.primaryPathIndex].recovery.rtt.smoothedRTT }

    /// The congestion window of the primary path in bytes.
    public var congestionWindow: Int { self.paths[self.primaryPathIndex].recovery.congestionWindow }

    /// Whether the primary path passes ECN markings (RFC 9000 §13.4.2).
    public var ecnValidationState: ECNValidationState { self.paths[self.primaryPathIndex].recovery.ecnState }

    /// The current maximum datagram size of the primary path.
    public var maxDatagramSize: Int { self.paths[self.primaryPathIndex].pmtu.currentSize }

    /// The next event for the application.
    public func pollEvent() -> ConnectionEvent? {
        while let event = self.streams.pollEvent() {
            self.events.append(.stream(event))
        }
        guard self.eventHead < self.events.count else {
            if !self.events.isEmpty { self.events.removeAll(keepingCapacity: true); self.eventHead = 0 }
            return nil
        }
        defer { self.eventHead += 1 }
        return self.events[self.eventHead]
    }

    /// The next NSS key-log line, when ``ConnectionConfiguration/keyLogEnabled``.
    public func pollKeyLogLine() -> String? {
        self.keyLogLines.isEmpty ? nil : self.keyLogLines.removeFirst()
    }

    /// The next routing change for the endpoint.
    public func pollEndpointEvent() -> EndpointEvent? {
        guard self.endpointEventsRead < self.endpointEvents.count else {
            self.endpointEvents.removeAll(keepingCapacity: true)
            self.endpointEventsRead = 0
            return nil
        }
        self.endpointEventsRead += 1
        return self.endpointEvents[self.endpointEventsRead - 1]
    }

    func emit(_ event: ConnectionEvent) {
        self.events.append(event)
    }

    /// The PTO of the current path (RFC 9002 §6.2.1, without backoff).
    var pto: QUICDuration {
        self.path.recovery.rtt.probeTimeoutWithoutAckDelay + self.path.recovery.maxAckDelay
    }

    /// The largest PTO among the paths still in use (draft-ietf-quic-multipath-21 §2.4 and §2.5 use it for key
    /// updates and the closing period); the current path's PTO without multipath.
    var largestPTO: QUICDuration {
        var largest = QUICDuration.zero
        for path in self.paths where !path.multipath.isAbandoned {
            let pto = path.recovery.rtt.probeTimeoutWithoutAckDelay + path.recovery.maxAckDelay
            if pto > largest { largest = pto }
        }
        return largest == .zero ? self.pto : largest
    }

    var ptoNanoseconds: UInt64 { UInt64(max(self.pto.nanoseconds, 0)) }

    func space(_ space: PacketNumberSpace) -> PacketSpace { self.spaces[space.rawValue] }
}

/// Routing changes a connection asks of its endpoint.
public enum EndpointEvent: Hashable, Sendable {
    /// Route packets with this destination CID to the connection.
    case connectionIDIssued(ConnectionID)
    /// Stop routing this CID.
    case connectionIDRetired(ConnectionID)
    /// The peer gave a stateless reset token (RFC 9000 §10.3): a datagram for no connection that ends with it
    /// may be a reset for this connection, which the connection then checks.
    case peerResetTokenLearned(StatelessResetToken)
}

/// Counters kept by a connection.
public struct ConnectionStatistics: Hashable, Sendable {
    public var packetsSent: UInt64 = 0
    public var packetsReceived: UInt64 = 0
    public var bytesSent: UInt64 = 0
    public var bytesReceived: UInt64 = 0
    public var packetsLost: UInt64 = 0
    public var packetsDropped: UInt64 = 0
    /// UDP datagrams sent and received.
    public var datagramsSent: UInt64 = 0
    public var datagramsReceived: UInt64 = 0
    /// DATAGRAM frames (RFC 9221) sent and received.
    public var datagramFramesSent: UInt64 = 0
    public var datagramFramesReceived: UInt64 = 0
    /// DATAGRAMs dropped before sending because the send queue was full (its oldest waiting one goes).
    public var datagramsDroppedWhenFull: UInt64 = 0
    /// DATAGRAMs dropped before sending because they waited longer than the configured maximum delay.
    public var datagramsExpired: UInt64 = 0
    public var keyUpdates: UInt64 = 0
    public var ptoCount: UInt64 = 0
    public var streamBytesSent: UInt64 = 0
    /// Times the path's datagram size fell back to the base because large packets stopped arriving.
    public var pmtuBlackHoles: UInt64 = 0
    public init() {}
}

extension StatelessResetToken {
    init(random: inout ConnectionRandom) {
        self.init(high: random.next(), low: random.next())
    }
}
