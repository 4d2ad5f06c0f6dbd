/// The round-trip time estimator of RFC 9002 §5, for one path.
///
/// RFC 9002 §5: "At a high level, an endpoint measures the time from when a packet was sent to when it
/// is acknowledged as an RTT sample." The estimator keeps `min_rtt`, `smoothed_rtt`, `rttvar` and
/// `latest_rtt`; it reads no clock — the caller computes `latest_rtt` from times it passes in.
public struct RTTEstimator: Hashable, Sendable {
    /// RFC 9002 §6.2.2: "When no previous RTT is available, the initial RTT SHOULD be set to
    /// 333 milliseconds."
    public static let defaultInitialRTT = QUICDuration.milliseconds(333)

    /// The RTT used before the first sample (kInitialRtt, or a value remembered from an earlier
    /// connection, RFC 9002 §6.2.2).
    public private(set) var initialRTT: QUICDuration
    /// The most recent RTT sample, not adjusted for acknowledgment delay.
    public private(set) var latestRTT: QUICDuration
    /// The smallest RTT sample seen on the path, not adjusted for acknowledgment delay.
    /// Zero until the first sample.
    public private(set) var minRTT: QUICDuration
    /// The exponentially weighted moving average of adjusted RTT samples.
    public private(set) var smoothedRTT: QUICDuration
    /// The mean deviation of RTT samples.
    public private(set) var rttVariation: QUICDuration
    /// When the first RTT sample was taken (the `now` passed with it); nil before. Persistent
    /// congestion needs a sample taken before the lost packets were sent (RFC 9002 §7.6.2).
    public private(set) var firstSampleTime: QUICInstant?

    /// Creates an estimator with no samples.
    ///
    /// RFC 9002 §5.3: "Before any RTT samples are available for a new path or when the estimator is
    /// reset, the estimator is initialized using the initial RTT; see Section 6.2.2.
    /// smoothed_rtt and rttvar are initialized as follows, where kInitialRtt contains the initial RTT
    /// value: smoothed_rtt = kInitialRtt; rttvar = kInitialRtt / 2"
    public init(initialRTT: QUICDuration = RTTEstimator.defaultInitialRTT) {
        self.initialRTT = initialRTT
        self.latestRTT = initialRTT
        self.minRTT = .zero
        self.smoothedRTT = initialRTT
        self.rttVariation = initialRTT / 2
        self.firstSampleTime = nil
    }

    /// Whether at least one RTT sample has been taken.
    @inlinable
    public var hasSample: Bool {
        self.firstSampleTime != nil
    }

    /// Folds in one RTT sample.
    ///
    /// - Parameters:
    ///   - latestRTT: the time from sending the largest newly acknowledged packet to receiving the ACK.
    ///     RFC 9002 §5.1: "An endpoint generates an RTT sample on receiving an ACK frame that meets the
    ///     following two conditions: the largest acknowledged packet number is newly acknowledged, and
    ///     at least one of the newly acknowledged packets was ack-eliciting." The caller checks these.
    ///   - ackDelay: the decoded ACK Delay field. Pass `.zero` for Initial packets, RFC 9002 §5.3:
    ///     "MAY ignore the acknowledgment delay for Initial packets".
    ///   - maxAckDelay: the peer's max_ack_delay transport parameter (RFC 9000 §18.2 default 25 ms).
    ///   - isHandshakeConfirmed: whether the handshake is confirmed (RFC 9001 §4.1.2).
    ///   - now: when the ACK was received.
    public mutating func update(latestRTT: QUICDuration, ackDelay: QUICDuration, maxAckDelay: QUICDuration,
                                isHandshakeConfirmed: Bool, now: QUICInstant) {
        // A sample can't be negative unless the caller passed times out of order; clamp it.
        let latest = Swift.max(latestRTT, .zero)
        self.latestRTT = latest

        guard self.hasSample else {
            // RFC 9002 §5.2: "min_rtt MUST be set to the latest_rtt on the first RTT sample."
            // RFC 9002 §5.3: "On the first RTT sample after initialization, the estimator is reset using
            // that sample. This ensures that the estimator retains no history of past samples.
            // smoothed_rtt = latest_rtt; rttvar = latest_rtt / 2"
            self.minRTT = latest
            self.smoothedRTT = latest
            self.rttVariation = latest / 2
            self.firstSampleTime = now
            return
        }

        // RFC 9002 §5.2: "min_rtt MUST be set ... to the lesser of min_rtt and latest_rtt (Section 5.1)
        // on all other samples." min_rtt does not use the acknowledgment delay.
        self.minRTT = Swift.min(self.minRTT, latest)

        // RFC 9002 §5.3: "MUST use the lesser of the acknowledgment delay and the peer's max_ack_delay
        // after the handshake is confirmed" and "MAY ignore the peer's max_ack_delay until the handshake
        // is confirmed" — so before confirmation the reported delay is used as is.
        var delay = Swift.max(ackDelay, .zero)
        if isHandshakeConfirmed {
            delay = Swift.min(delay, maxAckDelay)
        }

        // RFC 9002 §5.3: "MUST NOT subtract the acknowledgment delay from the RTT sample if the resulting
        // value is smaller than the min_rtt."
        var adjusted = latest
        if latest >= self.minRTT + delay {
            adjusted = latest - delay
        }

        // RFC 9002 §5.3: "smoothed_rtt = 7/8 * smoothed_rtt + 1/8 * adjusted_rtt; rttvar_sample =
        // abs(smoothed_rtt - adjusted_rtt); rttvar = 3/4 * rttvar + 1/4 * rttvar_sample"
        // The variation uses the smoothed RTT from before this sample, as Appendix A.7 and RFC 6298 do and
        // as RFC erratum 7539 corrects §5.3 to say.
        let variationSample = (self.smoothedRTT - adjusted).magnitude
        self.rttVariation = (self.rttVariation * 3 + variationSample) / 4
        self.smoothedRTT = (self.smoothedRTT * 7 + adjusted) / 8
    }

    /// The probe timeout before backoff, without the max_ack_delay term.
    ///
    /// RFC 9002 §6.2.1: "PTO = smoothed_rtt + max(4*rttvar, kGranularity) + max_ack_delay". The
    /// max_ack_delay term depends on the packet number space and is added by the caller.
    @inlinable
    public var probeTimeoutWithoutAckDelay: QUICDuration {
        self.smoothedRTT + Swift.max(self.rttVariation * 4, RecoveryConstants.granularity)
    }

    /// RFC 9002 §6.1.2: "The time threshold is: max(kTimeThreshold * max(smoothed_rtt, latest_rtt),
    /// kGranularity)", with kTimeThreshold = 9/8.
    @inlinable
    public var lossDelay: QUICDuration {
        let base = Swift.max(self.smoothedRTT, self.latestRTT)
        // 9/8 of `base`, computed without overflowing for huge values.
        let scaled = base + base / 8
        return Swift.max(scaled, RecoveryConstants.granularity)
    }

    /// Forgets all samples, e.g. when a path's peer address changes (RFC 9000 §9.4).
    public mutating func reset() {
        self = RTTEstimator(initialRTT: self.initialRTT)
    }
}
