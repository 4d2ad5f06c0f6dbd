import QUICRecovery
import QUICTLS
import QUICWire

/// Identifies a connection owned by an ``Endpoint``.
public struct ConnectionHandle: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public var description: String { "connection \(self.rawValue)" }
}

/// Settings of an ``Endpoint``.
public struct EndpointConfiguration: Sendable {
    /// Settings every connection of this endpoint starts with.
    public var connection: ConnectionConfiguration
    /// Server TLS settings; nil for an endpoint that only makes outgoing connections.
    public var serverTLS: TLSServerConfiguration?
    /// Versions accepted from clients, in preference order (RFC 9000 §6, RFC 9369).
    public var supportedVersions: [QUICVersion] = [.v1, .v2]
    /// Whether every client must prove its address with a Retry round trip first (RFC 9000 §8.1.2).
    public var requireRetry = false
    /// Connections accepted at most; beyond it new clients are refused.
    public var maxConnections = 10_000
    /// Handshakes in progress at most; beyond it clients are asked to Retry (address validation costs them a
    /// round trip and protects the server), or refused when they already did.
    public var maxHandshakesInProgress = 1_000
    /// Key for address-validation tokens (Retry and NEW_TOKEN), 32 bytes; stable across restarts if tokens
    /// should survive them.
    public var tokenKey: [UInt8]
    /// Key stateless reset tokens derive from (RFC 9000 §10.3.2), 32 bytes.
    public var statelessResetKey: [UInt8]
    /// Whether a server sends NEW_TOKEN after the handshake so the client can skip Retry next time.
    public var issueNewTokens = true

    public init(connection: ConnectionConfiguration, serverTLS: TLSServerConfiguration? = nil,
                random: inout ConnectionRandom) {
        self.connection = connection
        self.serverTLS = serverTLS
        self.tokenKey = (0..<4).flatMap { _ in withUnsafeBytes(of: random.next()) { Array($0) } }
        self.statelessResetKey = (0..<4).flatMap { _ in withUnsafeBytes(of: random.next()) { Array($0) } }
    }
}

/// A set of connections sharing a UDP socket (ARCHITECTURE.md §4): routes datagrams by connection ID,
/// accepts new connections as a server, and answers what needs no connection state — Version Negotiation,
/// Retry and stateless resets.
public final class Endpoint {
    public let configuration: EndpointConfiguration
    var random: ConnectionRandom
    let tokens: AddressValidationTokens
    let resetKey: StatelessResetKey

    var connections: [ConnectionHandle: Connection] = [:]
    /// Connection IDs this endpoint issued, clients' first Initial DCIDs per address, and 4-tuples of
    /// connections without connection IDs, to their connection.
    var router = ConnectionRouter<ConnectionHandle>()
    var nextHandle = 0
    var accepted: [ConnectionHandle] = []
    /// Datagrams that need no connection: Version Negotiation, Retry, stateless reset.
    var statelessQueue: [([UInt8], FourTuple)] = []
    /// Round-robin position for ``pollTransmit(now:into:)``.
    var transmitOrder: [ConnectionHandle] = []
    var transmitCursor = 0
    /// Server connections still to be given a NEW_TOKEN once their handshake is confirmed.
    var newTokensOwed: Set<ConnectionHandle> = []

    /// Called once for every connection this endpoint creates (client or server), before it handles any packet:
    /// the place to attach a qlog sink that sees the whole connection.
    public var connectionCreated: ((ConnectionHandle, Connection) -> Void)?

    public init(configuration: EndpointConfiguration, random: ConnectionRandom) {
        self.configuration = configuration
        self.random = random
        self.tokens = AddressValidationTokens(key: configuration.tokenKey)
        self.resetKey = StatelessResetKey(key: configuration.statelessResetKey)
    }

    /// The connection behind a handle, while it exists.
    public func connection(_ handle: ConnectionHandle) -> Connection? {
        self.connections[handle]
    }

    /// Handles of the connections that exist.
    public var connectionHandles: [ConnectionHandle] { self.connections.keys.sorted { $0.rawValue < $1.rawValue } }

    /// The next connection a client opened to this server.
    public func pollAccepted() -> ConnectionHandle? {
        self.accepted.isEmpty ? nil : self.accepted.removeFirst()
    }

    /// Opens a client connection; its first flight goes out with the next ``pollTransmit(now:into:)``.
    public func connect(
        from local: NetworkAddress, to remote: NetworkAddress, tls: TLSClientConfiguration, token: [UInt8] = [],
        now: QUICInstant
    ) throws(TransportError) -> ConnectionHandle {
        let random = ConnectionRandom(seed: self.random.next())
        let connection = try Connection(
            clientConfiguration: self.configuration.connection, tls: tls,
            fourTuple: FourTuple(local: local, remote: remote), token: token, random: random, now: now)
        return self.insert(connection)
    }

    private func insert(_ connection: Connection) -> ConnectionHandle {
        let handle = ConnectionHandle(rawValue: self.nextHandle)
        self.nextHandle += 1
        self.connections[handle] = connection
        self.connectionCreated?(handle, connection)
        self.transmitOrder.append(handle)
        self.collectRoutes(of: handle, connection)
        return handle
    }

    private func collectRoutes(of handle: ConnectionHandle, _ connection: Connection) {
        while let event = connection.pollEndpointEvent() {
            switch event {
            case .connectionIDIssued(let cid) where cid.isEmpty:
                self.router.insert(connection.fourTuple, for: handle)
            case .connectionIDIssued(let cid): self.router.insert(cid, for: handle)
            case .connectionIDRetired(let cid): self.router.remove(cid)
            }
        }
    }

    // MARK: - Input

    /// Takes a datagram that arrived on `fourTuple` (local, remote).
    public func handle(datagram: ArraySlice<UInt8>, from fourTuple: FourTuple, ecn: UInt8 = 0, now: QUICInstant) {
        guard let first = datagram.first else { return }
        let cidLength = self.configuration.connection.connectionIDLength
        let parser = PacketParser(shortHeaderConnectionIDLength: cidLength)
        let header: PacketHeader
        do {
            header = try parser.parse(datagram)
        } catch {
            // A datagram too short or malformed to route; a short header may still be for a known connection
            // (its CID is at a fixed place) - the connection's own parser decides.
            if first & 0x80 == 0, datagram.count > cidLength,
               let cid = try? ConnectionID(datagram.dropFirst().prefix(cidLength)),
               let handle = self.router.lookup(cid) {
                self.deliver(datagram, to: handle, from: fourTuple, ecn: ecn, now: now)
            }
            return
        }
        if let handle = self.router.route(header, tuple: fourTuple) {
            self.deliver(datagram, to: handle, from: fourTuple, ecn: ecn, now: now)
            return
        }
        self.handleUnrouted(datagram, header: header, from: fourTuple, ecn: ecn, now: now)
    }

    private func deliver(_ datagram: ArraySlice<UInt8>, to handle: ConnectionHandle, from fourTuple: FourTuple,
                         ecn: UInt8, now: QUICInstant) {
        guard let connection = self.connections[handle] else { return }
        connection.handle(datagram: datagram, from: fourTuple, ecn: ecn, now: now)
        self.collectRoutes(of: handle, connection)
        self.issueNewTokenIfDue(handle, connection, now: now)
    }

    /// A datagram for no known connection (RFC 9000 §5.2.2 for servers).
    private func handleUnrouted(_ datagram: ArraySlice<UInt8>, header: PacketHeader, from fourTuple: FourTuple,
                                ecn: UInt8, now: QUICInstant) {
        switch header {
        case .unsupportedVersion(let unsupported):
            guard self.configuration.serverTLS != nil,
                  datagram.count >= Connection.minimumInitialDatagramSize else { return }
            let packet = EndpointPackets.versionNegotiation(
                for: unsupported, supported: self.configuration.supportedVersions, random: &self.random)
            self.statelessQueue.append((packet, fourTuple))
        case .long(let long) where long.type == .initial:
            guard let serverTLS = self.configuration.serverTLS else { return }
            guard self.configuration.supportedVersions.contains(long.version) else {
                // A version the parser knows but this server does not offer: Version Negotiation (RFC 9000 §6.1),
                // only for datagrams large enough to be a client's first flight.
                guard datagram.count >= Connection.minimumInitialDatagramSize else { return }
                let packet = EndpointPackets.versionNegotiation(
                    for: long, supported: self.configuration.supportedVersions, random: &self.random)
                self.statelessQueue.append((packet, fourTuple))
                return
            }
            self.accept(datagram, header: long, serverTLS: serverTLS, from: fourTuple, ecn: ecn, now: now)
        case .short:
            // RFC 9000 §10.3.1: a datagram that routes nowhere may be a stateless reset from a peer that lost
            // this connection's state; its last 16 bytes are then one of the peer's reset tokens.
            for (handle, connection) in self.connections where connection.isStatelessReset(datagram) {
                self.deliver(datagram, to: handle, from: fourTuple, ecn: ecn, now: now)
                return
            }
            // RFC 9000 §10.3: an endpoint that lost state answers with a stateless reset, smaller than the
            // packet that triggered it so two endpoints cannot loop.
            let cidLength = self.configuration.connection.connectionIDLength
            guard cidLength > 0, let cid = try? ConnectionID(datagram.dropFirst().prefix(cidLength)),
                  let reset = EndpointPackets.statelessReset(token: self.resetKey.token(for: cid),
                                                             triggeringPacketLength: datagram.count,
                                                             random: &self.random) else { return }
            self.statelessQueue.append((reset, fourTuple))
        default:
            return
        }
    }

    private var handshakesInProgress: Int {
        self.connections.values.reduce(0) { $0 + ($1.isHandshakeComplete || $1.isClosed ? 0 : 1) }
    }

    /// A client's first Initial: Retry, refuse, or create the connection (RFC 9000 §7, §8.1.2, §14.1).
    private func accept(_ datagram: ArraySlice<UInt8>, header: LongHeader, serverTLS: TLSServerConfiguration,
                        from fourTuple: FourTuple, ecn: UInt8, now: QUICInstant) {
        // RFC 9000 §14.1: "A server MUST discard an Initial packet that is carried in a UDP datagram with a
        // payload that is smaller than the smallest allowed maximum datagram size of 1200 bytes."
        guard datagram.count >= Connection.minimumInitialDatagramSize,
              self.configuration.supportedVersions.contains(header.version),
              // RFC 9000 §7.2: the client's first Destination Connection ID is at least 8 bytes.
              header.destinationConnectionID.length >= 8,
              self.connections.count < self.configuration.maxConnections else { return }
        var originalDestination = header.destinationConnectionID
        var retrySource: ConnectionID?
        var validated = false
        if !header.token.isEmpty {
            switch try? self.tokens.validate(header.token, client: fourTuple.remote, now: now.nanosecondsSinceOrigin) {
            case (.retry, let contents?)?:
                // RFC 9000 §8.1.2: the Retry token carries the original DCID; the CID the client now uses must
                // be the one the Retry gave it.
                guard contents.retrySourceConnectionID == header.destinationConnectionID else { return }
                originalDestination = contents.originalDestinationConnectionID
                retrySource = contents.retrySourceConnectionID
                validated = true
            case (.newToken, _)?:
                validated = true
            default:
                // RFC 9000 §8.1.3: an invalid NEW_TOKEN token is ignored (the client may be on a new network);
                // an invalid Retry token cannot be told apart here and is treated the same way.
                break
            }
        }
        let overloaded = self.handshakesInProgress >= self.configuration.maxHandshakesInProgress
        if !validated && (self.configuration.requireRetry || overloaded) {
            self.sendRetry(for: header, to: fourTuple, now: now)
            return
        }
        if validated && overloaded && retrySource != nil {
            return
        }
        do {
            let connection = try Connection(
                serverConfiguration: self.configuration.connection, tls: serverTLS, version: header.version,
                originalDestinationCID: originalDestination, initialDestinationCID: header.destinationConnectionID,
                clientSourceCID: header.sourceConnectionID, retrySourceCID: retrySource, addressValidated: validated,
                resetKey: self.resetKey, fourTuple: fourTuple, random: ConnectionRandom(seed: self.random.next()),
                now: now)
            let handle = self.insert(connection)
            self.router.insertInitial(header.destinationConnectionID, remote: fourTuple.remote, for: handle)
            self.accepted.append(handle)
            if self.configuration.issueNewTokens { self.newTokensOwed.insert(handle) }
            self.deliver(datagram, to: handle, from: fourTuple, ecn: ecn, now: now)
        } catch {
            return
        }
    }

    private func sendRetry(for header: LongHeader, to fourTuple: FourTuple, now: QUICInstant) {
        var generator = RandomConnectionIDGenerator(length: max(self.configuration.connection.connectionIDLength, 8))
        let retrySource = generator.generate(using: &self.random)
        let token = self.tokens.makeRetryToken(client: fourTuple.remote,
                                               originalDestination: header.destinationConnectionID,
                                               retrySource: retrySource, now: now.nanosecondsSinceOrigin)
        guard let packet = try? EndpointPackets.retry(
            version: header.version, destinationCID: header.sourceConnectionID, sourceCID: retrySource,
            originalDestinationCID: header.destinationConnectionID, token: token) else { return }
        self.statelessQueue.append((packet, fourTuple))
    }

    // MARK: - Output and timers

    /// The next datagram of any connection (round robin), or a stateless answer.
    public func pollTransmit(now: QUICInstant, into buffer: inout [UInt8]) -> Transmit? {
        if !self.statelessQueue.isEmpty {
            let (bytes, fourTuple) = self.statelessQueue.removeFirst()
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: bytes)
            return Transmit(fourTuple: fourTuple, length: bytes.count)
        }
        let count = self.transmitOrder.count
        for step in 0..<count {
            let position = (self.transmitCursor + step) % count
            let handle = self.transmitOrder[position]
            guard let connection = self.connections[handle] else { continue }
            if let transmit = connection.pollTransmit(now: now, into: &buffer) {
                self.transmitCursor = (position + 1) % count
                self.collectRoutes(of: handle, connection)
                return transmit
            }
        }
        self.removeTerminated()
        return nil
    }

    /// The earliest timer of any connection.
    public func nextTimeout() -> QUICInstant? {
        var earliest: QUICInstant?
        for connection in self.connections.values {
            if let deadline = connection.nextTimeout(), earliest.map({ deadline < $0 }) ?? true {
                earliest = deadline
            }
        }
        return earliest
    }

    /// Runs expired timers of every connection.
    public func handleTimeout(now: QUICInstant) {
        for (handle, connection) in self.connections {
            if let deadline = connection.nextTimeout(), deadline <= now {
                connection.handleTimeout(now: now)
                self.collectRoutes(of: handle, connection)
            }
        }
        self.removeTerminated()
    }

    /// Frees connections whose closing or draining period is over (their events stay readable until then).
    private func removeTerminated() {
        guard self.connections.values.contains(where: { $0.isTerminated }) else { return }
        let finished = self.connections.filter { $0.value.isTerminated }.map(\.key)
        guard !finished.isEmpty else { return }
        for handle in finished {
            self.connections[handle] = nil
            self.router.removeAll(for: handle)
        }
        self.transmitOrder.removeAll { finished.contains($0) }
        self.transmitCursor = 0
    }
}
