import QUICWire
import Synchronization

/// Makes the connection IDs of one server under a QUIC-LB configuration (draft-ietf-quic-load-balancers-21
/// §5.4), for ``ConnectionConfiguration/connectionIDGenerator``: every ID carries `serverID`, so a QUIC-LB load
/// balancer, or this project's multi-loop driver, sends every packet of the connection, on every path and after
/// migration, to this server.
///
/// Nonces (§9.6 "Connection ID Entropy"):
/// - with a key, the nonce is a counter that starts at a random value and grows by one per ID. §9.6: "If servers
///   simply increment the nonce by one with each generated connection ID, then it is safe to use the existing
///   keys until any server's nonce counter exhausts the allocated space and rolls over. To maximize entropy,
///   servers SHOULD start with a random nonce value". The start comes from the generator passed to the first
///   ``generate(using:)``. Encrypted, consecutive nonces show no relationship on the wire.
/// - without a key the nonce is random (§5.4: "the server MUST fill the Nonce field with bytes that have no
///   observable relationship to the field in previously issued connection IDs"); an N-bit nonce then repeats
///   about every 2^(N/2) IDs, which the configuration agent sizes the nonce for.
///
/// `ConnectionConfiguration` copies its generator into every connection; all copies of one generator share one
/// nonce counter, so no two connections of the server get the same nonce. Make one generator per server ID and
/// configuration, not one per connection.
///
/// Once the counter has gone all the way round, §9.6 applies: "A server that has exhausted its nonces MUST
/// either switch to a different configuration, or if none exists, use the 4-tuple routing config rotation
/// codepoint." The generator then makes unroutable IDs (0b111, §3.2) of the same length; ``remainingNonces``
/// tells a configuration agent when to hand out a new configuration before that happens.
public struct QUICLBConnectionIDGenerator: ConnectionIDGenerator {
    public let configuration: QUICLBConfiguration
    public let serverID: QUICLBServerID
    /// The shared nonce counter; nil without a key (random nonces).
    private let counter: QUICLBNonceCounter?

    /// - Throws: ``QUICLBError/lengthMismatch(field:expected:actual:)`` when `serverID` is not
    ///   ``QUICLBConfiguration/serverIDLength`` octets long.
    public init(configuration: QUICLBConfiguration, serverID: QUICLBServerID) throws(QUICLBError) {
        try self.init(configuration: configuration, serverID: serverID, nonceLimit: nil)
    }

    /// A generator whose counter stops after `nonceLimit` nonces if that comes before the end of the nonce space
    /// (tests reach exhaustion with it).
    init(configuration: QUICLBConfiguration, serverID: QUICLBServerID, nonceLimit: UInt64?) throws(QUICLBError) {
        guard serverID.length == configuration.serverIDLength else {
            throw .lengthMismatch(field: .serverID, expected: configuration.serverIDLength, actual: serverID.length)
        }
        self.configuration = configuration
        self.serverID = serverID
        self.counter = configuration.isEncrypted
            ? QUICLBNonceCounter(length: configuration.nonceLength, limit: nonceLimit) : nil
    }

    public var length: Int { self.configuration.connectionIDLength }

    /// How many more IDs carry the server ID before the nonce space is used up; nil without a key (random
    /// nonces never run out) or when the count does not fit 64 bits.
    public var remainingNonces: UInt64? { self.counter?.remaining }

    /// How many IDs carried a counter nonce so far (over all copies).
    public var issuedCount: UInt64 { self.counter?.issued ?? 0 }

    /// A new connection ID carrying ``serverID``; an unroutable one (0b111) once the nonces are exhausted.
    public mutating func generate(using random: inout some RandomNumberGenerator) -> ConnectionID {
        let randomBits = self.configuration.encodesLength ? 0 : UInt8.random(in: 0...0x1f, using: &random)
        let serverIDLength = self.serverID.length
        let nonceLength = self.configuration.nonceLength
        var haveNonce = true
        let sealed = self.configuration.seal(firstOctet: self.configuration.firstOctet(randomBits: randomBits)) {
            block in
            for index in 0..<serverIDLength {
                block[index] = self.serverID[index]
            }
            let nonce = UnsafeMutableBufferPointer(rebasing: block[serverIDLength..<(serverIDLength + nonceLength)])
            if let counter = self.counter {
                haveNonce = counter.take(into: nonce, seedingFrom: &random)
            } else {
                for index in 0..<nonceLength {
                    nonce[index] = UInt8.random(in: 0...255, using: &random)
                }
            }
        }
        if haveNonce, case .success(let connectionID) = sealed { return connectionID }
        return Self.unroutable(length: self.length, using: &random)
    }

    private static func unroutable(length: Int, using random: inout some RandomNumberGenerator) -> ConnectionID {
        // The length is a configuration's (6 to 20 octets), so this cannot fail; the empty ID is never reached.
        (try? QUICLBConfiguration.unroutableConnectionID(length: length, using: &random)) ?? .empty
    }
}

/// The nonce counter all copies of one ``QUICLBConnectionIDGenerator`` share: a big-endian number of `length`
/// octets that starts at a random value on first use and wraps modulo 2^(8 x length).
final class QUICLBNonceCounter: Sendable {
    private struct State {
        /// The next nonce; empty until the first use seeds it.
        var next: [UInt8] = []
        var issued: UInt64 = 0
    }

    let length: Int
    /// How many nonces there are: 2^(8 x length), capped at UInt64.max for 8 octets and more.
    let capacity: UInt64
    private let state = Mutex(State())

    /// - Parameter limit: a smaller capacity, if any.
    init(length: Int, limit: UInt64? = nil) {
        self.length = length
        let natural = length >= 8 ? UInt64.max : UInt64(1) << UInt64(8 * length)
        self.capacity = min(natural, limit ?? natural)
    }

    var issued: UInt64 { self.state.withLock { $0.issued } }

    /// Nonces left; nil when the space is 2^64 or larger (never exhausted in practice).
    var remaining: UInt64? {
        guard self.capacity < UInt64.max else { return nil }
        return self.capacity - self.issued
    }

    /// Writes the next nonce into `target` (`length` octets) and advances; false, writing nothing, once every
    /// nonce was used. The first call draws the starting value from `random`.
    func take(into target: UnsafeMutableBufferPointer<UInt8>,
              seedingFrom random: inout some RandomNumberGenerator) -> Bool {
        let length = self.length
        return self.state.withLock { state in
            guard state.issued < self.capacity else { return false }
            if state.next.isEmpty {
                state.next = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            for index in 0..<length {
                target[index] = state.next[index]
            }
            state.issued += 1
            var position = length - 1
            while position >= 0 {
                let (sum, overflow) = state.next[position].addingReportingOverflow(1)
                state.next[position] = sum
                if !overflow { break }
                position -= 1
            }
            return true
        }
    }
}
