import QUICTestSupport
import QUICRecovery

/// The instant `value` milliseconds after the origin.
func ms(_ value: Int64) -> QUICInstant {
    QUICInstant.origin + .milliseconds(value)
}

typealias RecoveryTestRNG = SplitMix64


/// An RTT estimator that has taken one sample of `rtt` at `at`.
func estimator(sample rtt: QUICDuration, at time: QUICInstant = ms(0)) -> RTTEstimator {
    var estimator = RTTEstimator()
    estimator.update(latestRTT: rtt, ackDelay: .zero, maxAckDelay: .milliseconds(25), isHandshakeConfirmed: true,
                     now: time)
    return estimator
}
