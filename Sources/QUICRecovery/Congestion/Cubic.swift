import Foundation

/// The CUBIC congestion controller (RFC 9438), with HyStart++ (RFC 9406) in slow start.
///
/// Windows are kept in bytes as a `Double` so that the per-ACK increments of the cubic and Reno-friendly
/// regions are not rounded away; `congestionWindow` is the whole-byte value. The RFC's formulas count
/// segments, so they are evaluated on `window / maxDatagramSize`.
public struct Cubic: CongestionController, Hashable, Sendable {
    /// RFC 9438 §4.1.1 and §5: the aggressiveness constant C, 0.4 segments/second^3.
    public static let c = 0.4
    /// RFC 9438 §4.6: "Parameter beta_cubic SHOULD be set to 0.7".
    public static let beta = 0.7
    /// RFC 9438 §4.3: "alpha_cubic = 3 * (1 - beta_cubic) / (1 + beta_cubic)".
    public static let alpha = 3.0 * (1.0 - Cubic.beta) / (1.0 + Cubic.beta)

    /// The window in bytes, with fractions.
    public private(set) var exactCongestionWindow: Double
    public private(set) var slowStartThreshold: Int
    public private(set) var maxDatagramSize: Int
    /// RFC 9438 §4.1.2: W_max, "size of cwnd in segments just before cwnd was reduced in the last
    /// congestion event when fast convergence is disabled" (adjusted by fast convergence otherwise).
    public private(set) var wMax: Double
    /// RFC 9438 §4.1.2: cwnd_prior, "size of cwnd in segments at the time of setting ssthresh most
    /// recently".
    public private(set) var cwndPrior: Double
    /// RFC 9438 §4.1.2: K, seconds for the cubic function to grow back to W_max.
    public private(set) var k: Double
    /// RFC 9438 §4.1.2: t_epoch, "the time in seconds at which the current congestion avoidance stage
    /// started"; nil until the first acknowledgment in congestion avoidance.
    public private(set) var epochStart: QUICInstant?
    /// RFC 9438 §4.1.2: cwnd_epoch, "cwnd at the beginning of the current congestion avoidance stage"
    /// (segments).
    public private(set) var cwndEpoch: Double
    /// RFC 9438 §4.3: W_est, "the estimate of the Reno-friendly window" (segments).
    public private(set) var wEst: Double
    /// When the current recovery period started.
    public private(set) var congestionRecoveryStartTime: QUICInstant?
    /// RFC 9438 §4.7: fast convergence.
    public var isFastConvergenceEnabled: Bool
    /// Slow start control.
    public private(set) var hyStart: HyStartPlusPlus

    public init(maxDatagramSize: Int = 1_200, paced: Bool = true) {
        self.maxDatagramSize = maxDatagramSize
        self.exactCongestionWindow = Double(CongestionWindowLimits.initialWindow(maxDatagramSize: maxDatagramSize))
        self.slowStartThreshold = .max
        self.wMax = 0
        self.cwndPrior = 0
        self.k = 0
        self.epochStart = nil
        self.cwndEpoch = 0
        self.wEst = 0
        self.congestionRecoveryStartTime = nil
        self.isFastConvergenceEnabled = true
        self.hyStart = HyStartPlusPlus(paced: paced)
    }

    public var congestionWindow: Int {
        Int(self.exactCongestionWindow)
    }

    /// Whether the controller is in slow start (standard or conservative).
    public var isInSlowStart: Bool {
        self.congestionWindow < self.slowStartThreshold
    }

    private var minimumWindow: Double {
        Double(CongestionWindowLimits.minimumWindow(maxDatagramSize: self.maxDatagramSize))
    }

    private var windowSegments: Double {
        self.exactCongestionWindow / Double(self.maxDatagramSize)
    }

    /// RFC 9438 §4.2 Figure 1: "W_cubic(t) = C * (t - K)^3 + W_max", in segments, `t` in seconds since
    /// the start of the congestion avoidance stage.
    public func cubicWindow(elapsed t: Double) -> Double {
        let offset = t - self.k
        return Self.c * offset * offset * offset + self.wMax
    }

    public func isInRecovery(sentTime: QUICInstant) -> Bool {
        guard let start = self.congestionRecoveryStartTime else { return false }
        return sentTime <= start
    }

    public mutating func onPacketSent(packetNumber: UInt64, bytes: Int, now: QUICInstant) {
        self.hyStart.onPacketSent(packetNumber: packetNumber)
    }

    public mutating func onRTTSample(_ rtt: RTTEstimator, now: QUICInstant) {
        if self.isInSlowStart {
            self.hyStart.onRTTSample(latestRTT: rtt.latestRTT)
        }
    }

    public mutating func onPacketAcked(_ packet: CongestionPacket, isAppLimited: Bool, rtt: RTTEstimator,
                                       now: QUICInstant) {
        // RFC 9438 §5.8: cwnd does not grow while the flow is application-limited (not using the window);
        // packets sent before the recovery period began don't grow it either (RFC 9002 §7.3.2).
        if isAppLimited || self.isInRecovery(sentTime: packet.timeSent) {
            return
        }
        if self.isInSlowStart {
            let growth = self.hyStart.windowIncrease(ackedBytes: packet.size, maxDatagramSize: self.maxDatagramSize)
            self.exactCongestionWindow += Double(growth)
            if self.hyStart.onPacketAcked(packetNumber: packet.packetNumber) {
                // RFC 9406 §4.2: "enter congestion avoidance by setting the ssthresh to the current cwnd."
                self.slowStartThreshold = self.congestionWindow
            }
            return
        }
        self.congestionAvoidance(ackedBytes: packet.size, smoothedRTT: rtt.smoothedRTT, now: now)
    }

    private mutating func congestionAvoidance(ackedBytes: Int, smoothedRTT: QUICDuration, now: QUICInstant) {
        let cwnd = self.windowSegments
        if self.epochStart == nil {
            self.startEpoch(now: now, cwnd: cwnd)
        }
        guard let epoch = self.epochStart else { return }
        let t = (now - epoch).seconds
        let segmentsAcked = Double(ackedBytes) / Double(self.maxDatagramSize)

        // RFC 9438 §4.3: "W_est = W_est + alpha_cubic * segments_acked / cwnd" and "Once W_est has grown to
        // reach the cwnd at the time of most recently setting ssthresh -- that is, W_est >= cwnd_prior --
        // the sender SHOULD set alpha_cubic to 1 to ensure that it can achieve the same congestion window
        // increment rate as Reno".
        let alpha = self.wEst >= self.cwndPrior ? 1.0 : Self.alpha
        self.wEst += alpha * segmentsAcked / cwnd

        // RFC 9438 §4.3: "CUBIC checks whether W_cubic(t) is less than W_est. If so, CUBIC is in the
        // Reno-friendly region and cwnd SHOULD be set to W_est at each reception of a new ACK."
        if self.cubicWindow(elapsed: t) < self.wEst {
            self.exactCongestionWindow = self.wEst * Double(self.maxDatagramSize)
            return
        }
        // RFC 9438 §4.2: "target = cwnd if W_cubic(t + RTT) < cwnd; 1.5 * cwnd if W_cubic(t + RTT) >
        // 1.5 * cwnd; W_cubic(t + RTT) otherwise." and §4.4/4.5: "cwnd MUST be incremented by
        // (target - cwnd) / cwnd for each received new ACK" (per acknowledged segment).
        let projected = self.cubicWindow(elapsed: t + smoothedRTT.seconds)
        let target = Swift.min(Swift.max(projected, cwnd), 1.5 * cwnd)
        let increase = (target - cwnd) / cwnd * segmentsAcked
        self.exactCongestionWindow += increase * Double(self.maxDatagramSize)
    }

    /// Starts a congestion avoidance stage.
    private mutating func startEpoch(now: QUICInstant, cwnd: Double) {
        self.epochStart = now
        self.cwndEpoch = cwnd
        // RFC 9438 §4.3: "W_est is set equal to cwnd_epoch at the start of the congestion avoidance stage."
        self.wEst = cwnd
        if self.wMax <= cwnd {
            // No congestion event yet (slow start ended by HyStart++), or the window already passed
            // W_max; RFC 9438 §4.8 for the timeout case: "K is set to 0, and W_max is set to the congestion
            // window size at the beginning of the current congestion avoidance stage."
            self.wMax = cwnd
            self.k = 0
        } else {
            // RFC 9438 §4.2: "K = cubic_root((W_max - cwnd_epoch) / C)"
            self.k = Foundation.cbrt((self.wMax - cwnd) / Self.c)
        }
    }

    public mutating func onCongestionEvent(sentTime: QUICInstant, now: QUICInstant) {
        if self.isInRecovery(sentTime: sentTime) {
            return
        }
        self.congestionRecoveryStartTime = now
        self.hyStart.onCongestionEvent()
        let cwnd = self.windowSegments
        // RFC 9438 §4.7: "if cwnd < W_max and fast convergence enabled, further reduce W_max:
        // W_max = cwnd * (1 + beta_cubic) / 2; otherwise, remember cwnd before reduction: W_max = cwnd"
        if self.isFastConvergenceEnabled && cwnd < self.wMax {
            self.wMax = cwnd * (1 + Self.beta) / 2
        } else {
            self.wMax = cwnd
        }
        // RFC 9438 §4.6: "ssthresh = cwnd * beta_cubic; // new ssthresh. cwnd_prior = cwnd;
        // cwnd = max(ssthresh, 2)" (2 segments: kMinimumWindow in QUIC).
        self.cwndPrior = cwnd
        let reduced = Swift.max(self.exactCongestionWindow * Self.beta, self.minimumWindow)
        self.slowStartThreshold = Int(reduced)
        self.exactCongestionWindow = reduced
        self.epochStart = nil
    }

    public mutating func onPacketsLost(largestLostSentTime: QUICInstant, persistentCongestion: Bool,
                                       now: QUICInstant) {
        self.onCongestionEvent(sentTime: largestLostSentTime, now: now)
        // RFC 9438 §4.8: "In the case of a timeout, CUBIC follows Reno to reduce cwnd [RFC5681] but sets
        // ssthresh using beta_cubic ... During the first congestion avoidance stage after a timeout, CUBIC
        // increases its congestion window size using Figure 1, where t is the elapsed time since the
        // beginning of the current congestion avoidance stage, K is set to 0, and W_max is set to the
        // congestion window size at the beginning of the current congestion avoidance stage."
        // RFC 9002 §7.6.2: "the sender's congestion window MUST be reduced to the minimum congestion window".
        if persistentCongestion {
            self.exactCongestionWindow = self.minimumWindow
            self.congestionRecoveryStartTime = nil
            self.wMax = 0
            self.epochStart = nil
        }
    }

    public mutating func setMaxDatagramSize(_ size: Int) {
        self.maxDatagramSize = size
        self.exactCongestionWindow = Swift.max(self.exactCongestionWindow, self.minimumWindow)
    }
}
