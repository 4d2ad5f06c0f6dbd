import QUICRecovery
import QUICTLS
import QUICWire

/// The congestion controller each path starts with.
public enum CongestionControlAlgorithm: String, Sendable, CaseIterable {
    case newReno
    case cubic
    /// LIA (RFC 6356): the paths of a multipath connection share one window increase, so that together they
    /// take no more than one single-path flow on a shared bottleneck. Alone, a path behaves like NewReno.
    case lia
    /// OLIA: coupled like LIA, and shifts window towards the best paths.
    case olia

    /// A controller for a new path; coupled algorithms join `group`, the connection's group of paths.
    func makeController(maxDatagramSize: Int, group: CoupledPathGroup,
                        initialRTT: QUICDuration) -> any CongestionController {
        switch self {
        case .newReno: return NewReno(maxDatagramSize: maxDatagramSize)
        case .cubic: return Cubic(maxDatagramSize: maxDatagramSize)
        case .lia:
            return CoupledCongestionAlgorithm.linkedIncreases.makeController(
                group: group, maxDatagramSize: maxDatagramSize, initialRTT: initialRTT)
        case .olia:
            return CoupledCongestionAlgorithm.opportunisticLinkedIncreases.makeController(
                group: group, maxDatagramSize: maxDatagramSize, initialRTT: initialRTT)
        }
    }
}

/// How the peer's certificate is checked when the handshake asks for it.
public enum PeerVerification: Sendable {
    /// The connection calls the closure and continues at once (in-memory checks, tests, the simulator).
    case immediate(@Sendable (PeerVerificationRequest) -> PeerVerdict)
    /// The connection reports ``ConnectionEvent/peerVerificationRequested(_:)`` and waits for
    /// ``Connection/providePeerVerdict(_:)`` (asynchronous X.509 path building in a driver).
    case deferred
}

/// Settings of one connection. The defaults suit a general-purpose client or server.
public struct ConnectionConfiguration: Sendable {
    /// Application protocols in preference order (RFC 9001 §8.1: ALPN is mandatory).
    public var alpn: [[UInt8]]
    /// Receive windows and stream limits advertised to the peer.
    public var streamLimits = StreamLimits()
    /// max_idle_timeout advertised (RFC 9000 §10.1); zero disables the idle timeout on our side.
    public var maxIdleTimeout: QUICDuration = .seconds(30)
    /// How long the handshake may take before the connection gives up silently; nil uses the idle timeout (or
    /// 30 s without one). A server endpoint sets its own, shorter one, so that half-open connections expire.
    public var handshakeTimeout: QUICDuration?
    /// When set, a PING is sent after this much quiet time so the connection stays alive.
    public var keepAliveInterval: QUICDuration?
    /// max_ack_delay advertised (RFC 9000 §18.2).
    public var maxAckDelay: QUICDuration = .milliseconds(25)
    /// ack_delay_exponent advertised.
    public var ackDelayExponent: UInt64 = 3
    /// active_connection_id_limit advertised: how many of the peer's connection IDs we keep.
    public var activeConnectionIDLimit: UInt64 = 4
    /// max_datagram_frame_size advertised (RFC 9221); nil disables receiving DATAGRAM frames.
    public var maxDatagramFrameSize: UInt64?
    /// How many DATAGRAMs may wait to be sent; queuing one more drops the oldest waiting one (counted in
    /// ``ConnectionStatistics/datagramsDroppedWhenFull``). DATAGRAMs are unreliable, and a queue that grows makes
    /// every later one late.
    public var datagramSendQueueLimit = 1_024
    /// When set, a DATAGRAM still waiting this long after it was queued is dropped instead of sent late (counted in
    /// ``ConnectionStatistics/datagramsExpired``): for real-time media or a tunnel, a late packet is worthless.
    public var datagramMaxQueueDelay: QUICDuration?
    /// The RTT assumed before the first sample (RFC 9002 §6.2.2).
    public var initialRTT: QUICDuration = RTTEstimator.defaultInitialRTT
    /// The congestion controller of each path.
    public var congestionControl: CongestionControlAlgorithm = .cubic
    /// The largest UDP payload accepted, advertised as max_udp_payload_size, and the ceiling of PMTU search.
    public var maxUDPPayloadSize: Int = 1_452
    /// Whether DPLPMTUD (RFC 8899) probes for datagrams larger than 1,200 bytes.
    public var pathMTUDiscovery = true
    /// Makes the connection IDs this endpoint issues; a load balancer can encode routing information in them
    /// with its own generator (``QUICLBConnectionIDGenerator`` for QUIC-LB). Every ID it makes has the same
    /// length. Setting ``connectionIDLength`` afterwards replaces it with random IDs.
    public var connectionIDGenerator: any ConnectionIDGenerator = RandomConnectionIDGenerator(length: 8)

    /// The length of the connection IDs this endpoint issues (0...20); setting it installs random IDs of that
    /// length.
    public var connectionIDLength: Int {
        get { self.connectionIDGenerator.length }
        set { self.connectionIDGenerator = RandomConnectionIDGenerator(length: newValue) }
    }
    /// The version a client starts with.
    public var version: QUICVersion = .v1
    /// Client: the versions it speaks, most preferred first. It switches to one of them when the server answers
    /// with Version Negotiation (RFC 9000 §6.2), and offers those compatible with ``version`` in its
    /// version_information, so that a server may move the connection to one of them (RFC 9368 §2.3).
    public var supportedVersions: [QUICVersion] = [.v1, .v2]
    /// Client: whether the transport parameters carry version_information (RFC 9368 §3). Without it no server
    /// can negotiate a compatible version, and the connection looks like one from a client older than RFC 9368.
    public var sendsVersionInformation = true
    /// Server: the versions of this server deployment, most preferred first (its Fully Deployed Versions, RFC
    /// 9368 §5). When the client's first flight lists a compatible version that comes earlier here than the
    /// version of that flight, the connection moves to it (RFC 9368 §2.3); the list also goes out as the
    /// server's Available Versions. The endpoint fills it from ``EndpointConfiguration/supportedVersions``.
    /// Nil keeps every connection in the version of the client's first Initial and announces only that one.
    public var serverSupportedVersions: [QUICVersion]?
    /// Starts a key update (RFC 9001 §6) after this many packets in one key phase; nil only updates when
    /// the AEAD confidentiality limit comes near.
    public var keyUpdateInterval: UInt64?
    /// disable_active_migration advertised.
    public var disableActiveMigration = false
    /// Server: an address to advertise in preferred_address (RFC 9000 §9.6); clients migrate to it once the
    /// handshake is confirmed.
    public var preferredAddress: NetworkAddress?
    /// How the peer's certificate chain is verified.
    public var peerVerification: PeerVerification = .deferred
    /// Produces NSS key-log lines (RFC 9001 + SSLKEYLOGFILE) polled with ``Connection/pollKeyLogLine()``.
    public var keyLogEnabled = false
    /// Offers multipath (draft-ietf-quic-multipath-21) with these settings; nil speaks plain QUIC v1.
    public var multipath: MultipathConfiguration?

    public init(alpn: [[UInt8]]) {
        self.alpn = alpn
    }
}
