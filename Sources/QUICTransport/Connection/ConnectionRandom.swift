/// The connection's source of randomness: connection IDs, PATH_CHALLENGE data, stateless reset bytes.
///
/// A seeded xoshiro256** so that a simulated run is reproducible from its seed (ARCHITECTURE.md §3: randomness
/// is an input). A driver seeds it from the system generator.
public struct ConnectionRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

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
        self.state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    /// Seeds from the system's generator, for real connections.
    public static func system() -> ConnectionRandom {
        var system = SystemRandomNumberGenerator()
        return ConnectionRandom(seed: system.next())
    }

    public mutating func next() -> UInt64 {
        let result = ((self.state.1 &* 5) << 7 | (self.state.1 &* 5) >> 57) &* 9
        let shifted = self.state.1 << 17
        self.state.2 ^= self.state.0
        self.state.3 ^= self.state.1
        self.state.1 ^= self.state.2
        self.state.0 ^= self.state.3
        self.state.2 ^= shifted
        self.state.3 = self.state.3 << 45 | self.state.3 >> 19
        return result
    }
}
