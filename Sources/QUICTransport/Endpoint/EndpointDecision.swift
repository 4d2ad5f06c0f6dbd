import QUICWire

/// What a server does with a datagram whose first packet matched no connection.
public enum UnroutedAction: Hashable, Sendable {
    /// Start a connection in `version` (RFC 9000 §5.2.2: "If the packet is an Initial packet fully
    /// conforming with the specification, the server proceeds with the handshake").
    case accept(version: QUICVersion)
    /// Answer with a Retry to validate the client's address first (RFC 9000 §8.1.2).
    case sendRetry
    /// Answer with Version Negotiation (RFC 9000 §6.1).
    case sendVersionNegotiation
    /// Answer with a Stateless Reset carrying `token` (RFC 9000 §10.3).
    case sendStatelessReset(StatelessResetToken)
    /// Answer the Initial with a CONNECTION_CLOSE carrying `code` in an Initial packet, without creating a
    /// connection: CONNECTION_REFUSED when the server is full (RFC 9000 §5.2.2: "If a server refuses to
    /// accept a new connection, it SHOULD send an Initial packet containing a CONNECTION_CLOSE frame with
    /// error code CONNECTION_REFUSED"), INVALID_TOKEN for a Retry token that does not check out (§8.1.3).
    case refuse(TransportErrorCode)
    /// Ignore the datagram. The reason is a constant string (for logs and qlog), so deciding to drop
    /// allocates nothing.
    case drop(reason: String)
}

/// What the server knows about the token of a client Initial (RFC 9000 §8.1.3), from
/// ``AddressValidationTokens/validate(_:client:now:)``.
public enum InitialTokenStatus: Hashable, Sendable {
    /// No token.
    case absent
    /// A token issued by this server for this address, still fresh: the address is validated.
    case valid
    /// A NEW_TOKEN token that does not validate (another server's, expired, another address). RFC 9000
    /// §8.1.3: "If the token is invalid, the server SHOULD proceed as if the client did not have a
    /// validated address, including potentially sending a Retry packet."
    case invalid
    /// A Retry token that does not validate. RFC 9000 §8.1.3: "If a server receives a client Initial that
    /// contains an invalid Retry token but is otherwise valid, the server SHOULD immediately close [...] the
    /// connection with an INVALID_TOKEN error"; a second Retry would be discarded by the client anyway.
    case invalidRetryToken
}

/// A server's limits for accepting connections.
public struct EndpointPolicy: Hashable, Sendable {
    /// The versions the server accepts, most preferred first; others are answered with Version Negotiation.
    public var supportedVersions: [QUICVersion]
    /// Whether every client must prove its address with a Retry round trip before a connection is made.
    public var requireRetry: Bool
    /// The most connections the server holds at once.
    public var maxConnections: Int
    /// The most connections still in their handshake, validated or not: beyond it unvalidated clients get a
    /// Retry and validated ones are refused (RFC 9000 §8.1.2: a server can use Retry "to defer the processing
    /// of the handshake").
    public var maxHandshakesInProgress: Int
    /// Handshakes in progress from which unvalidated clients are asked to Retry, while validated ones are still
    /// accepted: the server sheds clients that may be spoofed long before its hard limit.
    public var retryAboveHandshakesInProgress: Int
    /// Handshakes in progress from one IP address from which unvalidated clients at that address get a Retry.
    public var retryAboveHandshakesPerAddress: Int
    /// RFC 9000 §14.1: "A server MUST discard an Initial packet that is carried in a UDP datagram with a
    /// payload that is smaller than the smallest allowed maximum datagram size of 1200 bytes."
    public var minimumInitialDatagramSize: Int = 1200

    public init(supportedVersions: [QUICVersion] = QUICVersion.supported, requireRetry: Bool = false,
                maxConnections: Int = 10_000, maxHandshakesInProgress: Int = 4_096,
                retryAboveHandshakesInProgress: Int = 256, retryAboveHandshakesPerAddress: Int = 64,
                minimumInitialDatagramSize: Int = 1200) {
        self.supportedVersions = supportedVersions
        self.requireRetry = requireRetry
        self.maxConnections = maxConnections
        self.maxHandshakesInProgress = maxHandshakesInProgress
        self.retryAboveHandshakesInProgress = retryAboveHandshakesInProgress
        self.retryAboveHandshakesPerAddress = retryAboveHandshakesPerAddress
        self.minimumInitialDatagramSize = minimumInitialDatagramSize
    }
}

/// How loaded the server is when an Initial arrives: the inputs of its admission decision.
public struct EndpointLoad: Hashable, Sendable {
    /// Connections the server holds.
    public var connections: Int
    /// Connections still in their handshake.
    public var handshakesInProgress: Int
    /// Of those, the ones from the Initial's IP address.
    public var handshakesFromAddress: Int
    /// Whether new connections arrive faster than the configured rate.
    public var newConnectionRateExceeded: Bool

    public init(connections: Int = 0, handshakesInProgress: Int = 0, handshakesFromAddress: Int = 0,
                newConnectionRateExceeded: Bool = false) {
        self.connections = connections
        self.handshakesInProgress = handshakesInProgress
        self.handshakesFromAddress = handshakesFromAddress
        self.newConnectionRateExceeded = newConnectionRateExceeded
    }
}

/// The server's decision for a datagram that matched no connection: a pure function of the first packet's
/// header, the datagram's size, the token check and the server's load, so that the endpoint stays free of
/// per-packet state for strangers.
public enum EndpointDecision {
    /// RFC 9000 §7.2: a client's first Destination Connection ID "MUST be at least 8 bytes in length".
    public static let minimumClientInitialConnectionIDLength = 8

    /// Decides what to do with a datagram of `datagramLength` bytes whose first packet has `header` and that
    /// no connection claimed.
    ///
    /// - Parameters:
    ///   - token: the check of the Initial's token against the client's address (ignored for other packets).
    ///   - resetKey: the key for Stateless Reset tokens; without one, unknown short headers are dropped.
    public static func decide(policy: EndpointPolicy, header: PacketHeader, datagramLength: Int,
                              token: InitialTokenStatus, currentConnections: Int, handshakesInProgress: Int,
                              resetKey: StatelessResetKey?) -> UnroutedAction {
        self.decide(policy: policy, header: header, datagramLength: datagramLength, token: token,
                    load: EndpointLoad(connections: currentConnections, handshakesInProgress: handshakesInProgress),
                    resetKey: resetKey)
    }

    /// Decides what to do with a datagram of `datagramLength` bytes whose first packet has `header` and that
    /// no connection claimed, given the server's `load`.
    public static func decide(policy: EndpointPolicy, header: PacketHeader, datagramLength: Int,
                              token: InitialTokenStatus, load: EndpointLoad,
                              resetKey: StatelessResetKey?) -> UnroutedAction {
        switch header {
        case .versionNegotiation:
            // RFC 9000 §6.1: "An endpoint MUST NOT send a Version Negotiation packet in response to
            // receiving a Version Negotiation packet."
            return .drop(reason: "Version Negotiation for no connection")
        case .retry:
            return .drop(reason: "Retry for no connection")
        case .unsupportedVersion:
            return self.negotiate(policy: policy, datagramLength: datagramLength)
        case .short(let short):
            return self.reset(destination: short.destinationConnectionID, datagramLength: datagramLength,
                              resetKey: resetKey)
        case .long(let long):
            guard policy.supportedVersions.contains(long.version) else {
                return self.negotiate(policy: policy, datagramLength: datagramLength)
            }
            guard long.type == .initial else {
                // RFC 9000 §5.2.2: "Servers MUST drop incoming packets under all other circumstances." (A
                // server MAY buffer 0-RTT for an Initial still to come; that is the caller's choice.)
                return .drop(reason: "0-RTT or Handshake packet for an unknown connection")
            }
            return self.admit(long, policy: policy, datagramLength: datagramLength, token: token, load: load)
        }
    }

    /// RFC 9000 §5.2.2: "If a server receives a packet that indicates an unsupported version and if the
    /// packet is large enough to initiate a new connection for any supported version, the server SHOULD send
    /// a Version Negotiation packet [...] Servers MUST drop smaller packets that specify unsupported
    /// versions."
    private static func negotiate(policy: EndpointPolicy, datagramLength: Int) -> UnroutedAction {
        guard datagramLength >= policy.minimumInitialDatagramSize else {
            return .drop(reason: "unsupported version in a datagram under the Initial minimum")
        }
        return .sendVersionNegotiation
    }

    /// RFC 9000 §10.3: "An endpoint MAY send a Stateless Reset in response to receiving a packet that it
    /// cannot associate with an active connection", but only when the reset can be shorter than the
    /// trigger (§10.3.3) and its token can be derived for the connection ID the packet names.
    private static func reset(destination: ConnectionID, datagramLength: Int,
                              resetKey: StatelessResetKey?) -> UnroutedAction {
        guard let resetKey else { return .drop(reason: "short header for an unknown connection") }
        guard !destination.isEmpty else {
            return .drop(reason: "short header without a connection ID for an unknown 4-tuple")
        }
        guard datagramLength > EndpointPackets.minimumStatelessResetLength else {
            return .drop(reason: "datagram too small to answer with a Stateless Reset")
        }
        return .sendStatelessReset(resetKey.token(for: destination))
    }

    /// A client Initial in a supported version: accept, validate the address first, or refuse.
    private static func admit(_ initial: LongHeader, policy: EndpointPolicy, datagramLength: Int,
                              token: InitialTokenStatus, load: EndpointLoad) -> UnroutedAction {
        guard datagramLength >= policy.minimumInitialDatagramSize else {
            return .drop(reason: "Initial in a datagram under the Initial minimum")
        }
        if token == .invalidRetryToken {
            return .refuse(.invalidToken)
        }
        let validated = token == .valid
        // After a Retry the client uses the server's connection ID, which may be shorter; a client's own
        // first choice must have at least 8 bytes.
        guard validated
                || initial.destinationConnectionID.length >= self.minimumClientInitialConnectionIDLength else {
            return .drop(reason: "client Initial with a connection ID under 8 bytes")
        }
        let full = load.connections >= policy.maxConnections
            || load.handshakesInProgress >= policy.maxHandshakesInProgress
        if full {
            // An unvalidated address may be spoofed: make the client prove it before spending anything on
            // it, even a CONNECTION_CLOSE.
            return validated ? .refuse(.connectionRefused) : .sendRetry
        }
        guard !validated else { return .accept(version: initial.version) }
        let busy = load.handshakesInProgress >= policy.retryAboveHandshakesInProgress
            || load.handshakesFromAddress >= policy.retryAboveHandshakesPerAddress
            || load.newConnectionRateExceeded
        if policy.requireRetry || busy {
            return .sendRetry
        }
        return .accept(version: initial.version)
    }
}
