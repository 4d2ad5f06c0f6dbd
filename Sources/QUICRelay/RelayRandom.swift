/// The relay's seeded generator (SplitMix64): the same `--seed` gives the same losses and jitter draws
/// for the same sequence of datagrams.
public struct RelayRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9e37_79b9_7f4a_7c15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }

    /// A value uniformly in `0..<1` with 53 bits of precision.
    @inlinable
    public mutating func unitInterval() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }
}
