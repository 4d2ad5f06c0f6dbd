import QUICRecovery
import QUICTLS
import QUICWire

/// Settings of an ``Endpoint``.
///
/// The admission defaults are for a server in the open (README "Running a server in the open"): it accepts up to
/// 256 handshakes in progress (64 from one IP address, 2,000 new connections a second) at once; beyond that,
/// clients that have not proved their address get a Retry, and beyond 4,096 handshakes even those that have are
/// refused. Half-open connections expire after 10 s.
public struct EndpointConfiguration: Sendable {
    /// Settings every connection of this endpoint starts with.
    public var connection: ConnectionConfiguration
    /// Server TLS settings; nil for an endpoint that only makes outgoing connections.
    public var serverTLS: TLSServerConfiguration?
    /// Versions accepted from clients, in preference order (RFC 9000 §6, RFC 9369).
    public var supportedVersions: [QUICVersion] = [.v1, .v2]
    /// Whether every client must prove its address with a Retry round trip first (RFC 9000 §8.1.2).
    public var requireRetry = false
    /// Connections accepted at most; beyond it unvalidated clients get a Retry and validated ones are refused.
    public var maxConnections = 10_000
    /// Handshakes in progress at most, validated or not; beyond it unvalidated clients are asked to Retry and
    /// validated ones are refused with CONNECTION_REFUSED.
    public var maxHandshakesInProgress = 4_096
    /// Handshakes in progress from which clients that have not proved their address get a Retry.
    public var retryAboveHandshakesInProgress = 256
    /// Handshakes in progress from one IP address from which its unvalidated clients get a Retry.
    public var retryAboveHandshakesPerAddress = 64
    /// New connections a second (a bucket holding one second's worth) beyond which unvalidated clients get a
    /// Retry.
    public var retryAboveNewConnectionsPerSecond = 2_000
    /// How long a server connection may take to complete its handshake; then it is freed silently.
    public var handshakeTimeout: QUICDuration = .seconds(10)
    /// Stateless answers (Retry, Version Negotiation, refusals, resets) waiting to be sent at most; more are
    /// dropped and counted, so that a flood cannot grow the queue.
    public var maxQueuedStatelessAnswers = 1_024
    /// Key for address-validation tokens (Retry and NEW_TOKEN), 32 bytes; stable across restarts if tokens
    /// should survive them.
    public var tokenKey: [UInt8]
    /// Key stateless reset tokens derive from (RFC 9000 §10.3.2), 32 bytes. Endpoints that share it (the loops of
    /// one server, the servers behind one load balancer) can reset each other's connections after a restart.
    public var statelessResetKey: [UInt8]
    /// Whether a server sends NEW_TOKEN after the handshake so the client can skip Retry next time.
    public var issueNewTokens = true

    /// Keys drawn from `random`: the system's secure generator for real endpoints, a seeded one in the simulator.
    public init(connection: ConnectionConfiguration, serverTLS: TLSServerConfiguration? = nil,
                random: inout ConnectionRandom) {
        self.connection = connection
        self.serverTLS = serverTLS
        self.tokenKey = random.bytes(32)
        self.statelessResetKey = random.bytes(32)
    }

    /// Keys drawn from the system's secure generator.
    public init(connection: ConnectionConfiguration, serverTLS: TLSServerConfiguration? = nil) {
        var random = ConnectionRandom.system()
        self.init(connection: connection, serverTLS: serverTLS, random: &random)
    }

    /// The limits ``EndpointDecision`` applies.
    var policy: EndpointPolicy {
        EndpointPolicy(supportedVersions: self.supportedVersions, requireRetry: self.requireRetry,
                       maxConnections: self.maxConnections, maxHandshakesInProgress: self.maxHandshakesInProgress,
                       retryAboveHandshakesInProgress: self.retryAboveHandshakesInProgress,
                       retryAboveHandshakesPerAddress: self.retryAboveHandshakesPerAddress)
    }
}
