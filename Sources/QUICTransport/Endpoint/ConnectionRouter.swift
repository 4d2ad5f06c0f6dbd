import QUICWire

/// Maps incoming datagrams to the connection they belong to (RFC 9000 §5.2).
///
/// Three tables, one per way a packet can name its connection:
/// - the connection IDs this endpoint issued (RFC 9000 §5.1): the usual case for every packet;
/// - the Destination Connection ID a client chose for its first Initial, together with the client's
///   address, for the Initial and 0-RTT packets that arrive before the client has learnt the server's
///   connection IDs (RFC 9000 §7.2). Two clients may pick the same value; keyed by address as well, they
///   do not collide;
/// - the 4-tuple, for connections where this endpoint uses zero-length connection IDs (RFC 9000 §5.2:
///   "endpoints [...] rely on the addresses [...] to identify the connection").
///
/// A reverse index per handle lets ``removeAll(for:)`` drop a closed connection in one call.
public struct ConnectionRouter<Handle: Hashable & Sendable>: Sendable {
    /// The client's chosen Destination Connection ID and the address it came from.
    public struct InitialKey: Hashable, Sendable {
        public var destinationConnectionID: ConnectionID
        public var remote: NetworkAddress

        public init(destinationConnectionID: ConnectionID, remote: NetworkAddress) {
            self.destinationConnectionID = destinationConnectionID
            self.remote = remote
        }
    }

    /// Everything registered for one handle.
    private struct Entries: Sendable {
        var connectionIDs: Set<ConnectionID> = []
        var initials: Set<InitialKey> = []
        var tuples: Set<FourTuple> = []

        var isEmpty: Bool { self.connectionIDs.isEmpty && self.initials.isEmpty && self.tuples.isEmpty }
    }

    private var byConnectionID: [ConnectionID: Handle] = [:]
    private var byInitial: [InitialKey: Handle] = [:]
    private var byTuple: [FourTuple: Handle] = [:]
    private var entries: [Handle: Entries] = [:]

    public init() {}

    /// The number of connections with at least one route.
    public var handleCount: Int { self.entries.count }

    /// The number of routable connection IDs.
    public var connectionIDCount: Int { self.byConnectionID.count }

    // MARK: Connection IDs

    /// Routes `cid` to `handle`. Returns false, changing nothing, when `cid` already routes to another
    /// handle: a connection ID must identify one connection (RFC 9000 §5.1), so the caller picks a new one.
    @discardableResult
    public mutating func insert(_ cid: ConnectionID, for handle: Handle) -> Bool {
        self.add(cid, for: handle, table: \.byConnectionID, entry: \.connectionIDs)
    }

    /// Stops routing `cid` (retired by the peer, RFC 9000 §19.16). Returns the handle it routed to.
    @discardableResult
    public mutating func remove(_ cid: ConnectionID) -> Handle? {
        self.drop(cid, table: \.byConnectionID, entry: \.connectionIDs)
    }

    /// The connection `cid` routes to.
    public func lookup(_ cid: ConnectionID) -> Handle? {
        self.byConnectionID[cid]
    }

    // MARK: Client-chosen Initial connection IDs

    /// Routes the Initial and 0-RTT packets a client at `remote` sends to `dcid` (its first Destination
    /// Connection ID) to `handle`. Returns false, changing nothing, when that pair already routes elsewhere.
    @discardableResult
    public mutating func insertInitial(_ dcid: ConnectionID, remote: NetworkAddress, for handle: Handle) -> Bool {
        self.add(InitialKey(destinationConnectionID: dcid, remote: remote), for: handle, table: \.byInitial,
                 entry: \.initials)
    }

    /// Stops routing the client-chosen `dcid` from `remote`, once the handshake is confirmed and the
    /// client no longer uses it (RFC 9000 §7.2).
    @discardableResult
    public mutating func removeInitial(_ dcid: ConnectionID, remote: NetworkAddress) -> Handle? {
        self.drop(InitialKey(destinationConnectionID: dcid, remote: remote), table: \.byInitial, entry: \.initials)
    }

    /// The connection a client at `remote` started with Destination Connection ID `dcid`.
    public func lookupInitial(_ dcid: ConnectionID, remote: NetworkAddress) -> Handle? {
        self.byInitial[InitialKey(destinationConnectionID: dcid, remote: remote)]
    }

    // MARK: Zero-length connection IDs

    /// Routes datagrams on `tuple` to `handle`, for a connection where this endpoint uses zero-length
    /// connection IDs. Returns false, changing nothing, when `tuple` already routes elsewhere: two such
    /// connections cannot share a 4-tuple.
    @discardableResult
    public mutating func insert(_ tuple: FourTuple, for handle: Handle) -> Bool {
        self.add(tuple, for: handle, table: \.byTuple, entry: \.tuples)
    }

    /// Stops routing `tuple` (a path was abandoned).
    @discardableResult
    public mutating func remove(_ tuple: FourTuple) -> Handle? {
        self.drop(tuple, table: \.byTuple, entry: \.tuples)
    }

    /// The zero-length-connection-ID connection on `tuple`.
    public func lookup(_ tuple: FourTuple) -> Handle? {
        self.byTuple[tuple]
    }

    // MARK: Whole connections

    /// Removes every route to `handle` (the connection is gone). Returns the connection IDs that routed to
    /// it, e.g. to stop answering them.
    @discardableResult
    public mutating func removeAll(for handle: Handle) -> [ConnectionID] {
        guard let removed = self.entries.removeValue(forKey: handle) else { return [] }
        for cid in removed.connectionIDs {
            self.byConnectionID.removeValue(forKey: cid)
        }
        for key in removed.initials {
            self.byInitial.removeValue(forKey: key)
        }
        for tuple in removed.tuples {
            self.byTuple.removeValue(forKey: tuple)
        }
        return Array(removed.connectionIDs)
    }

    /// The connection IDs that route to `handle`.
    public func connectionIDs(for handle: Handle) -> Set<ConnectionID> {
        self.entries[handle]?.connectionIDs ?? []
    }

    // MARK: Routing a datagram

    /// The connection the first packet of a datagram belongs to (RFC 9000 §5.2; "receivers MAY route based
    /// on the first packet", §12.2).
    ///
    /// Packets with a non-empty Destination Connection ID are routed by it; Initial and 0-RTT packets that
    /// match none of this endpoint's connection IDs are tried against the client-chosen IDs from the same
    /// address; packets with an empty Destination Connection ID are routed by 4-tuple.
    public func route(_ header: PacketHeader, tuple: FourTuple) -> Handle? {
        switch header {
        case .short(let short):
            return self.route(destination: short.destinationConnectionID, isInitialOrZeroRTT: false, tuple: tuple)
        case .long(let long):
            let early = long.type == .initial || long.type == .zeroRTT
            return self.route(destination: long.destinationConnectionID, isInitialOrZeroRTT: early, tuple: tuple)
        case .retry(let retry):
            return self.route(destination: retry.destinationConnectionID, isInitialOrZeroRTT: false, tuple: tuple)
        case .versionNegotiation(let negotiation):
            // Its connection IDs can be longer than 20 bytes when they echo another version's; those match
            // nothing here.
            guard let destination = try? ConnectionID(negotiation.destinationConnectionID) else { return nil }
            return self.route(destination: destination, isInitialOrZeroRTT: false, tuple: tuple)
        case .unsupportedVersion:
            return nil
        }
    }

    /// The connection for a packet with Destination Connection ID `destination` that arrived on `tuple`.
    public func route(destination: ConnectionID, isInitialOrZeroRTT: Bool, tuple: FourTuple) -> Handle? {
        guard !destination.isEmpty else { return self.byTuple[tuple] }
        if let handle = self.byConnectionID[destination] {
            return handle
        }
        guard isInitialOrZeroRTT else { return nil }
        return self.byInitial[InitialKey(destinationConnectionID: destination, remote: tuple.remote)]
    }

    /// Adds `key` to one table and to the handle's reverse index, unless it routes to another handle.
    private mutating func add<Key: Hashable>(_ key: Key, for handle: Handle,
                                             table: WritableKeyPath<Self, [Key: Handle]>,
                                             entry: WritableKeyPath<Entries, Set<Key>>) -> Bool {
        if let existing = self[keyPath: table][key] {
            return existing == handle
        }
        self[keyPath: table][key] = handle
        self.entries[handle, default: Entries()][keyPath: entry].insert(key)
        return true
    }

    /// Removes `key` from one table and from its handle's reverse index, forgetting a handle left without
    /// routes.
    private mutating func drop<Key: Hashable>(_ key: Key, table: WritableKeyPath<Self, [Key: Handle]>,
                                              entry: WritableKeyPath<Entries, Set<Key>>) -> Handle? {
        guard let handle = self[keyPath: table].removeValue(forKey: key) else { return nil }
        if var current = self.entries[handle] {
            current[keyPath: entry].remove(key)
            self.entries[handle] = current.isEmpty ? nil : current
        }
        return handle
    }
}
