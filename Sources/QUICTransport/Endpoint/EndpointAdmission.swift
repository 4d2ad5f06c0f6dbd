import QUICRecovery

/// The server's running account of its load, kept so that deciding on an Initial costs O(1) (ARCHITECTURE.md
/// §11): handshakes in progress in all and per client IP address, and a token bucket of new connections.
struct EndpointAdmission {
    /// Handshakes in progress.
    private(set) var handshakes = 0
    /// Handshakes in progress per client IP address; addresses without one are not kept.
    private var handshakesByAddress: [NetworkAddress.IP: Int] = [:]
    private var bucket: NewConnectionBucket

    init(newConnectionsPerSecond: Int) {
        self.bucket = NewConnectionBucket(perSecond: newConnectionsPerSecond)
    }

    func handshakes(from address: NetworkAddress.IP) -> Int {
        self.handshakesByAddress[address] ?? 0
    }

    /// The load an Initial from `address` meets at `now`.
    mutating func load(connections: Int, from address: NetworkAddress.IP, now: QUICInstant) -> EndpointLoad {
        EndpointLoad(connections: connections, handshakesInProgress: self.handshakes,
                     handshakesFromAddress: self.handshakes(from: address),
                     newConnectionRateExceeded: self.bucket.isEmpty(now: now.nanosecondsSinceOrigin))
    }

    /// A connection was created and starts its handshake.
    mutating func handshakeStarted(from address: NetworkAddress.IP, now: QUICInstant) {
        self.handshakes += 1
        self.handshakesByAddress[address, default: 0] += 1
        self.bucket.take(now: now.nanosecondsSinceOrigin)
    }

    /// A connection's handshake completed, or the connection ended before it did.
    mutating func handshakeEnded(from address: NetworkAddress.IP) {
        self.handshakes -= 1
        let remaining = (self.handshakesByAddress[address] ?? 1) - 1
        self.handshakesByAddress[address] = remaining > 0 ? remaining : nil
    }
}

/// A token bucket of new connections: `perSecond` tokens a second, holding at most one second's worth. Empty
/// when connections arrive faster than the rate.
struct NewConnectionBucket {
    let perSecond: Int
    private var tokens: Double
    private var updatedAt: UInt64?

    init(perSecond: Int) {
        self.perSecond = max(perSecond, 0)
        self.tokens = Double(self.perSecond)
    }

    mutating func isEmpty(now: UInt64) -> Bool {
        self.refill(now: now)
        return self.tokens < 1
    }

    mutating func take(now: UInt64) {
        self.refill(now: now)
        self.tokens = max(self.tokens - 1, -1)
    }

    private mutating func refill(now: UInt64) {
        defer { self.updatedAt = now }
        guard let updatedAt, now > updatedAt else { return }
        let added = Double(now - updatedAt) / 1e9 * Double(self.perSecond)
        self.tokens = min(self.tokens + added, Double(self.perSecond))
    }
}
