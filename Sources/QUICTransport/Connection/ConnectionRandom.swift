/// The source of the values a peer must not guess: connection IDs, PATH_CHALLENGE data, stateless reset bytes,
/// keys an endpoint makes for itself.
///
/// Two kinds, chosen by whoever creates the endpoint or connection (ARCHITECTURE.md §3: randomness is an input):
/// - ``system()``: the operating system's cryptographically secure generator (`getrandom` on Linux), for every
///   real endpoint. RFC 9000 §9.5: connection IDs "MUST NOT" let an observer correlate them across paths, and
///   §8.2.1 wants PATH_CHALLENGE data unpredictable; a seeded generator whose output a peer sees would let it
///   predict the next values.
/// - ``init(seed:)``: a seeded xoshiro256**, so that a simulated run is reproducible from its seed. Only the
///   simulator, the lab and tests use it.
public struct ConnectionRandom: RandomNumberGenerator, Sendable {
    private enum Source: Sendable {
        case seeded(UInt64, UInt64, UInt64, UInt64)
        case system
    }

    private var source: Source

    /// A reproducible generator for simulated runs (never for real sockets).
    public init(seed: UInt64) {
        // SplitMix64 spreads the seed over the four words, as the xoshiro authors recommend.
        var value = seed
        func nextSplitMix() -> UInt64 {
            value &+= 0x9E37_79B9_7F4A_7C15
            var z = value
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        self.source = .seeded(nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    private init(source: Source) {
        self.source = source
    }

    /// The system's cryptographically secure generator, for real connections.
    public static func system() -> ConnectionRandom {
        ConnectionRandom(source: .system)
    }

    /// Whether this generator draws from the system's secure generator.
    public var isSystem: Bool {
        if case .system = self.source { return true }
        return false
    }

    /// A generator for a new connection: the system's generator stays the system's; a seeded one hands out a
    /// new seed drawn from itself, so each simulated connection has its own reproducible sequence.
    public mutating func split() -> ConnectionRandom {
        switch self.source {
        case .system: return .system()
        case .seeded: return ConnectionRandom(seed: self.next())
        }
    }

    /// `count` bytes, for keys.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count + 7)
        while result.count < count {
            withUnsafeBytes(of: self.next()) { result.append(contentsOf: $0) }
        }
        result.removeLast(result.count - count)
        return result
    }

    public mutating func next() -> UInt64 {
        switch self.source {
        case .system:
            var system = SystemRandomNumberGenerator()
            return system.next()
        case .seeded(var s0, var s1, var s2, var s3):
            let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
            let shifted = s1 << 17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= shifted
            s3 = s3 << 45 | s3 >> 19
            self.source = .seeded(s0, s1, s2, s3)
            return result
        }
    }
}
