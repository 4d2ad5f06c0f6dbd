/// The simulator's pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Every random choice in a simulation comes from one of these, so a run is a pure function of its seed.
/// Independent streams (one per link direction and purpose) are derived by hashing a label into the seed,
/// so adding a link or a random feature never changes the draws that other streams make.
public struct SimRandom: RandomNumberGenerator, Sendable {
    @usableFromInline
    internal var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole output is determined by `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        self.state = (
            SimRandom.splitMix64(&mixer), SimRandom.splitMix64(&mixer),
            SimRandom.splitMix64(&mixer), SimRandom.splitMix64(&mixer)
        )
        // xoshiro must not start from the all-zero state; SplitMix64 never yields four zeros, but be explicit.
        if self.state == (0, 0, 0, 0) {
            self.state.0 = 1
        }
    }

    /// A generator for the stream named `label` under the root `seed`.
    public init(seed: UInt64, stream label: String) {
        self.init(seed: SimRandom.deriveSeed(seed, label: label))
    }

    /// Hashes `label` (FNV-1a, 64 bits) into `seed` and mixes the result, giving a stream seed that
    /// depends only on the root seed and the label.
    public static func deriveSeed(_ seed: UInt64, label: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in label.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        var mixer = seed ^ hash
        return SimRandom.splitMix64(&mixer)
    }

    /// One step of SplitMix64.
    @inlinable
    internal static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (xoshiro256**).
    @inlinable
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

    /// A uniformly distributed double in [0, 1) with 53 bits of precision.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `probability` (values outside [0, 1] act as 0 or 1). A probability of 0
    /// draws nothing, so disabled features never consume random numbers.
    @inlinable
    public mutating func chance(_ probability: Double) -> Bool {
        if probability <= 0 {
            return false
        }
        if probability >= 1 {
            return true
        }
        return self.nextUnitDouble() < probability
    }

    /// A value in `0...bound`, inclusive (multiply-high reduction, deterministic).
    @inlinable
    public mutating func nextValue(upToInclusive bound: UInt64) -> UInt64 {
        if bound == 0 {
            return 0
        }
        if bound == .max {
            return self.next()
        }
        return self.next().multipliedFullWidth(by: bound + 1).high
    }
}
