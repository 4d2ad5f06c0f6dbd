/// What an ``Endpoint`` did with the datagrams no connection claimed, and with its connections: every decision
/// and every drop has a counter, so that an operator can tell a flood from a misconfiguration.
public struct EndpointStatistics: Hashable, Sendable {
    /// Datagrams handed to the endpoint.
    public var datagramsReceived: UInt64 = 0
    /// Datagrams delivered to an existing connection.
    public var datagramsRouted: UInt64 = 0
    /// Initials whose payload did not open with the Initial keys of their Destination Connection ID.
    public var initialsUndecryptable: UInt64 = 0
    /// Initials that opened but had set reserved bits or frames that do not parse or are not allowed.
    public var initialsMalformed: UInt64 = 0
    /// Initials that opened and parsed but did not start a ClientHello.
    public var initialsWithoutClientHello: UInt64 = 0
    /// Initials dropped before inspection: datagram under 1,200 bytes, client connection ID under 8 bytes.
    public var initialsTooSmall: UInt64 = 0
    /// Other datagrams dropped: unparseable, 0-RTT or Handshake packets for no connection, Version Negotiation
    /// or Retry for no connection, a server's packets at a client.
    public var datagramsDropped: UInt64 = 0
    /// Connections created for client Initials.
    public var connectionsAccepted: UInt64 = 0
    /// Retry packets sent because every client must validate its address.
    public var retriesRequired: UInt64 = 0
    /// Retry packets sent because of load: handshakes in progress in all or from one address, or the rate of new
    /// connections, passed their thresholds.
    public var retriesForLoad: UInt64 = 0
    /// Initials with a valid Retry or NEW_TOKEN token.
    public var tokensAccepted: UInt64 = 0
    /// Initials refused with CONNECTION_REFUSED (the server is full) or INVALID_TOKEN.
    public var refusedFull: UInt64 = 0
    public var refusedInvalidToken: UInt64 = 0
    /// Version Negotiation packets sent.
    public var versionNegotiations: UInt64 = 0
    /// Stateless resets sent, and received ones that ended a connection.
    public var statelessResetsSent: UInt64 = 0
    public var statelessResetsReceived: UInt64 = 0
    /// Stateless answers (Retry, Version Negotiation, reset, refusal) dropped because too many waited to leave.
    public var statelessAnswersDropped: UInt64 = 0
    /// Server connections that ended before their handshake completed: handshake timeout (half-open
    /// connections expire after ``EndpointConfiguration/handshakeTimeout``), a TLS failure or a close.
    public var handshakesAbandoned: UInt64 = 0

    public init() {}

    /// Every counter with a name, for metrics and reports.
    public var counters: [(name: String, value: UInt64)] {
        [
            ("datagrams_received", self.datagramsReceived), ("datagrams_routed", self.datagramsRouted),
            ("initials_undecryptable", self.initialsUndecryptable), ("initials_malformed", self.initialsMalformed),
            ("initials_without_client_hello", self.initialsWithoutClientHello),
            ("initials_too_small", self.initialsTooSmall), ("datagrams_dropped", self.datagramsDropped),
            ("connections_accepted", self.connectionsAccepted), ("retries_required", self.retriesRequired),
            ("retries_for_load", self.retriesForLoad), ("tokens_accepted", self.tokensAccepted),
            ("refused_full", self.refusedFull), ("refused_invalid_token", self.refusedInvalidToken),
            ("version_negotiations", self.versionNegotiations),
            ("stateless_resets_sent", self.statelessResetsSent),
            ("stateless_resets_received", self.statelessResetsReceived),
            ("stateless_answers_dropped", self.statelessAnswersDropped),
            ("handshakes_abandoned", self.handshakesAbandoned),
        ]
    }
}

extension EndpointStatistics {
    /// Adds another endpoint's counters (the loops of one server).
    public mutating func add(_ other: EndpointStatistics) {
        self.datagramsReceived += other.datagramsReceived
        self.datagramsRouted += other.datagramsRouted
        self.initialsUndecryptable += other.initialsUndecryptable
        self.initialsMalformed += other.initialsMalformed
        self.initialsWithoutClientHello += other.initialsWithoutClientHello
        self.initialsTooSmall += other.initialsTooSmall
        self.datagramsDropped += other.datagramsDropped
        self.connectionsAccepted += other.connectionsAccepted
        self.retriesRequired += other.retriesRequired
        self.retriesForLoad += other.retriesForLoad
        self.tokensAccepted += other.tokensAccepted
        self.refusedFull += other.refusedFull
        self.refusedInvalidToken += other.refusedInvalidToken
        self.versionNegotiations += other.versionNegotiations
        self.statelessResetsSent += other.statelessResetsSent
        self.statelessResetsReceived += other.statelessResetsReceived
        self.statelessAnswersDropped += other.statelessAnswersDropped
        self.handshakesAbandoned += other.handshakesAbandoned
    }
}
