import QUICRecovery

/// The instant `value` milliseconds after the origin.
func ms(_ value: Int64) -> QUICInstant {
    QUICInstant.origin + .milliseconds(value)
}

/// A small deterministic generator for seeded property tests (SplitMix64).
struct RecoveryTestRNG {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0).
    mutating func next(below bound: UInt64) -> UInt64 {
        self.next() % bound
    }
}

/// An RTT estimator that has taken one sample of `rtt` at `at`.
func estimator(sample rtt: QUICDuration, at time: QUICInstant = ms(0)) -> RTTEstimator {
    var estimator = RTTEstimator()
    estimator.update(latestRTT: rtt, ackDelay: .zero, maxAckDelay: .milliseconds(25), isHandshakeConfirmed: true,
                     now: time)
    return estimator
}
