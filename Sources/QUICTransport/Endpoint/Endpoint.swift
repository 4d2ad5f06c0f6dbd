import DequeModule
import QUICRecovery
import QUICTLS
import QUICWire

/// Identifies a connection owned by an ``Endpoint``.
public struct ConnectionHandle: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    public var description: String { "connection \(self.rawValue)" }
}

/// A set of connections sharing a UDP socket (ARCHITECTURE.md §4): routes datagrams by connection ID,
/// accepts new connections as a server, and answers what needs no connection state — Version Negotiation,
/// Retry, refusals and stateless resets.
///
/// Servers in the open (ARCHITECTURE.md §11): a client Initial creates nothing until
/// ``InitialInspection`` has opened it and found a ClientHello; under load unvalidated clients get a Retry
/// (``EndpointDecision``); every event costs O(1) or O(log n) in the number of connections: a timer heap for the
/// next timeout, a queue of connections that may have something to send, O(1) handshake counting, hash tables
/// for connection IDs and reset tokens.
public final class Endpoint {
    /// What the endpoint keeps per connection.
    final class Entry {
        let connection: Connection
        /// In ``Endpoint/ready``: the connection may have something to send.
        var isReady = false
        /// In ``Endpoint/touched``: the connection may have new events.
        var isTouched = false
        /// The client's IP address while the connection counts as a handshake in progress (servers only).
        var handshakeAddress: NetworkAddress.IP?
        /// The reset tokens the peer gave, oldest first, as far as they are in ``Endpoint/resetTokens``.
        var resetTokens: [StatelessResetToken] = []

        init(connection: Connection) {
            self.connection = connection
        }
    }

    public let configuration: EndpointConfiguration
    let policy: EndpointPolicy
    var random: ConnectionRandom
    let tokens: AddressValidationTokens
    let resetKey: StatelessResetKey

    var entries: [ConnectionHandle: Entry] = [:]
    /// Connection IDs this endpoint issued, clients' first Initial DCIDs per address, and 4-tuples of
    /// connections without connection IDs, to their connection.
    var router = ConnectionRouter<ConnectionHandle>()
    /// Reset tokens peers gave, to the connection that may have been reset (RFC 9000 §10.3.1).
    var resetTokens: [StatelessResetToken: ConnectionHandle] = [:]
    var nextHandle = 0
    var accepted: Deque<ConnectionHandle> = []
    /// Datagrams that need no connection: Version Negotiation, Retry, refusals, stateless resets.
    var statelessQueue: Deque<([UInt8], FourTuple)> = []
    /// Connections that may have something to send, served in turn by ``pollTransmit(now:into:)``.
    var ready: Deque<ConnectionHandle> = []
    /// Datagrams the connection at the front of ``ready`` sent in a row.
    var burst = 0
    /// With ``explicitActivity``: connections that may have events, and connections that were freed.
    var touched: Deque<ConnectionHandle> = []
    var removed: Deque<ConnectionHandle> = []
    var timers = ConnectionTimerQueue()
    /// Without ``explicitActivity``: every connection in creation order, and where the next round robin starts.
    var order: [ConnectionHandle] = []
    var orderCursor = 0
    var admission: EndpointAdmission
    /// Server connections still to be given a NEW_TOKEN once their handshake is confirmed.
    var newTokensOwed: Set<ConnectionHandle> = []
    /// Reused by ``InitialInspection`` for every client Initial that matches no connection.
    var inspectionBuffer: [UInt8] = []

    /// What the endpoint did with datagrams and connections.
    public internal(set) var statistics = EndpointStatistics()

    /// Whether the owner of the endpoint reports every command it gives a connection with ``markActive(_:)``.
    ///
    /// When true (the NIO driver), the endpoint serves only the connections that had input, a timer, or a
    /// command: ``pollTransmit(now:into:)``, ``nextTimeout()`` and ``handleTimeout(now:)`` cost O(1) or O(log n)
    /// whatever the number of idle connections, and ``pollTouched()`` / ``pollRemoved()`` tell the owner which
    /// connections may have events and which were freed. When false (the default, for the simulator and for
    /// callers that hold a few connections and command them directly), every poll looks at every connection, so
    /// a command given behind the endpoint's back is never missed.
    public var explicitActivity = false {
        didSet {
            guard self.explicitActivity, !oldValue else { return }
            for (handle, entry) in self.entries { self.markActive(handle, entry) }
        }
    }

    /// Called once for every connection this endpoint creates (client or server), before it handles any packet:
    /// the place to attach a qlog sink that sees the whole connection.
    public var connectionCreated: ((ConnectionHandle, Connection) -> Void)?

    /// The most datagrams one connection sends in a row while others wait (long enough for a GSO train).
    static let burstLimit = 16

    public init(configuration: EndpointConfiguration, random: ConnectionRandom) {
        self.configuration = configuration
        self.policy = configuration.policy
        self.random = random
        self.tokens = AddressValidationTokens(key: configuration.tokenKey)
        self.resetKey = StatelessResetKey(key: configuration.statelessResetKey)
        self.admission = EndpointAdmission(newConnectionsPerSecond: configuration.retryAboveNewConnectionsPerSecond)
    }

    /// The connection behind a handle, while it exists.
    public func connection(_ handle: ConnectionHandle) -> Connection? {
        self.entries[handle]?.connection
    }

    /// Handles of the connections that exist.
    public var connectionHandles: [ConnectionHandle] { self.entries.keys.sorted { $0.rawValue < $1.rawValue } }

    /// The number of connections that exist.
    public var connectionCount: Int { self.entries.count }

    /// Connections (servers only) whose handshake is in progress.
    public var handshakesInProgress: Int { self.admission.handshakes }

    /// The next connection a client opened to this server.
    public func pollAccepted() -> ConnectionHandle? {
        self.accepted.popFirst()
    }

    /// Opens a client connection; its first flight goes out with the next ``pollTransmit(now:into:)``.
    public func connect(
        from local: NetworkAddress, to remote: NetworkAddress, tls: TLSClientConfiguration, token: [UInt8] = [],
        now: QUICInstant
    ) throws(TransportError) -> ConnectionHandle {
        let connection = try Connection(
            clientConfiguration: self.configuration.connection, tls: tls,
            fourTuple: FourTuple(local: local, remote: remote), token: token, random: self.random.split(), now: now)
        return self.insert(connection, now: now)
    }

    func insert(_ connection: Connection, now: QUICInstant) -> ConnectionHandle {
        let handle = ConnectionHandle(rawValue: self.nextHandle)
        self.nextHandle += 1
        let entry = Entry(connection: connection)
        self.entries[handle] = entry
        self.order.append(handle)
        self.connectionCreated?(handle, connection)
        self.collectRoutes(of: handle, entry)
        self.markActive(handle)
        return handle
    }

    /// Tells the endpoint that the application acted on a connection (wrote, opened a stream, closed, ...): it
    /// may have something to send, new events, and a new deadline.
    public func markActive(_ handle: ConnectionHandle) {
        guard let entry = self.entries[handle] else { return }
        self.markActive(handle, entry)
    }

    /// Tells the endpoint that the owner read from or wrote to a connection while serving its events: it may have
    /// something to send (flow-control credit, queued data) and a new deadline, but no new events.
    public func markReady(_ handle: ConnectionHandle) {
        guard let entry = self.entries[handle] else { return }
        self.enqueueReady(handle, entry)
        self.timers.set(entry.connection.nextTimeout(), for: handle)
    }

    func markActive(_ handle: ConnectionHandle, _ entry: Entry) {
        self.enqueueReady(handle, entry)
        self.enqueueTouched(handle, entry)
        self.timers.set(entry.connection.nextTimeout(), for: handle)
    }

    /// The next connection that may have events since the last call (with ``explicitActivity``).
    public func pollTouched() -> ConnectionHandle? {
        while let handle = self.touched.popFirst() {
            guard let entry = self.entries[handle] else { continue }
            entry.isTouched = false
            return handle
        }
        return nil
    }

    /// The next connection the endpoint freed since the last call (with ``explicitActivity``).
    public func pollRemoved() -> ConnectionHandle? {
        self.removed.popFirst()
    }

    func enqueueReady(_ handle: ConnectionHandle, _ entry: Entry) {
        guard self.explicitActivity, !entry.isReady else { return }
        entry.isReady = true
        self.ready.append(handle)
    }

    func enqueueTouched(_ handle: ConnectionHandle, _ entry: Entry) {
        guard self.explicitActivity, !entry.isTouched else { return }
        entry.isTouched = true
        self.touched.append(handle)
    }

    /// Takes the routing changes a connection asks for.
    func collectRoutes(of handle: ConnectionHandle, _ entry: Entry) {
        let connection = entry.connection
        while let event = connection.pollEndpointEvent() {
            switch event {
            case .connectionIDIssued(let cid) where cid.isEmpty:
                self.router.insert(connection.fourTuple, for: handle)
            case .connectionIDIssued(let cid): self.router.insert(cid, for: handle)
            case .connectionIDRetired(let cid): self.router.remove(cid)
            case .peerResetTokenLearned(let token): self.learn(token, for: handle, entry)
            }
        }
    }

    /// Remembers a peer's reset token; a connection keeps its 32 most recent ones in the table (a peer that
    /// issues more has retired the older connection IDs by then, RFC 9000 §5.1.2).
    private func learn(_ token: StatelessResetToken, for handle: ConnectionHandle, _ entry: Entry) {
        guard self.resetTokens[token] == nil else { return }
        self.resetTokens[token] = handle
        entry.resetTokens.append(token)
        if entry.resetTokens.count > 32 {
            let oldest = entry.resetTokens.removeFirst()
            if self.resetTokens[oldest] == handle { self.resetTokens[oldest] = nil }
        }
    }

    // MARK: - Input

    /// Whether one of this endpoint's connections holds the Destination Connection ID of `datagram`'s first packet,
    /// found where RFC 8999 §5 puts it in every version (a long header gives its length, a short header's has the
    /// endpoint's length): one table lookup, for a driver that must tell its own datagrams from another loop's
    /// before decoding a QUIC-LB server ID.
    public func holdsDestination(of datagram: ArraySlice<UInt8>) -> Bool {
        guard let first = datagram.first else { return false }
        let start = datagram.startIndex
        let idStart: Int
        let length: Int
        if first & 0x80 != 0 {
            guard datagram.count >= 6 else { return false }
            idStart = start + 6
            length = Int(datagram[start + 5])
        } else {
            idStart = start + 1
            length = self.configuration.connection.connectionIDLength
        }
        guard idStart + length <= datagram.endIndex,
              let cid = try? ConnectionID(datagram[idStart..<(idStart + length)]) else { return false }
        return self.router.lookup(cid) != nil
    }

    /// Takes a datagram that arrived on `fourTuple` (local, remote).
    public func handle(datagram: ArraySlice<UInt8>, from fourTuple: FourTuple, ecn: UInt8 = 0, now: QUICInstant) {
        self.statistics.datagramsReceived += 1
        guard let first = datagram.first else {
            self.statistics.datagramsDropped += 1
            return
        }
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
            } else {
                self.statistics.datagramsDropped += 1
            }
            return
        }
        if let handle = self.router.route(header, tuple: fourTuple) {
            self.deliver(datagram, to: handle, from: fourTuple, ecn: ecn, now: now)
            return
        }
        self.handleUnrouted(datagram, header: header, from: fourTuple, ecn: ecn, now: now)
    }

    func deliver(_ datagram: ArraySlice<UInt8>, to handle: ConnectionHandle, from fourTuple: FourTuple,
                 ecn: UInt8, now: QUICInstant) {
        guard let entry = self.entries[handle] else { return }
        self.statistics.datagramsRouted += 1
        entry.connection.handle(datagram: datagram, from: fourTuple, ecn: ecn, now: now)
        self.afterActivity(handle, entry, now: now)
    }

    /// After input or a timer: routes, the NEW_TOKEN owed, handshake accounting, the queues and the deadline.
    func afterActivity(_ handle: ConnectionHandle, _ entry: Entry, now: QUICInstant) {
        self.collectRoutes(of: handle, entry)
        self.issueNewTokenIfDue(handle, entry.connection, now: now)
        self.updateHandshakeAccount(entry)
        self.enqueueTouched(handle, entry)
        if entry.connection.isTerminated {
            self.remove(handle)
            return
        }
        self.enqueueReady(handle, entry)
        self.timers.set(entry.connection.nextTimeout(), for: handle)
    }

    /// A server connection stops counting as a handshake in progress once its handshake completed or it closed.
    func updateHandshakeAccount(_ entry: Entry) {
        guard let address = entry.handshakeAddress,
              entry.connection.isHandshakeComplete || entry.connection.isClosed else { return }
        entry.handshakeAddress = nil
        self.admission.handshakeEnded(from: address)
        if !entry.connection.isHandshakeComplete { self.statistics.handshakesAbandoned += 1 }
    }

    /// Frees a connection whose closing or draining period is over (its events stayed readable until then).
    func remove(_ handle: ConnectionHandle) {
        guard let entry = self.entries.removeValue(forKey: handle) else { return }
        if let address = entry.handshakeAddress {
            entry.handshakeAddress = nil
            self.admission.handshakeEnded(from: address)
            self.statistics.handshakesAbandoned += 1
        }
        self.router.removeAll(for: handle)
        for token in entry.resetTokens where self.resetTokens[token] == handle {
            self.resetTokens[token] = nil
        }
        self.timers.set(nil, for: handle)
        self.newTokensOwed.remove(handle)
        if self.order.count > 2 * self.entries.count + 16 {
            self.order.removeAll { self.entries[$0] == nil }
            self.orderCursor = 0
        }
        if self.explicitActivity { self.removed.append(handle) }
    }
}
