/// The part of NewReno (RFC 9002 §7, Appendix B) that the coupled controllers keep unchanged: slow start,
/// the recovery period, the halving on congestion and the collapse on persistent congestion.
///
/// RFC 6356 §3 only links the increase in congestion avoidance; the rest of each path's controller
/// behaves like single-path TCP, so LIA and OLIA share this state and differ only in how they grow the
/// window in congestion avoidance. The window is kept in bytes with fractions (OLIA's per-ACK changes are
/// fractions of a byte and may be negative).
struct RenoWindow: Hashable, Sendable {
    /// The window in bytes, with fractions.
    var window: Double
    var slowStartThreshold: Int
    var maxDatagramSize: Int
    /// RFC 9002 B.2: "The time the current recovery period started due to the detection of loss or ECN."
    var recoveryStartTime: QUICInstant?

    init(maxDatagramSize: Int) {
        self.maxDatagramSize = maxDatagramSize
        self.window = Double(CongestionWindowLimits.initialWindow(maxDatagramSize: maxDatagramSize))
        self.slowStartThreshold = .max
        self.recoveryStartTime = nil
    }

    /// How an acknowledgment may change the window.
    enum AckEffect {
        /// The window stays: the sender was application limited, or the packet was sent before the current
        /// recovery period started.
        case none
        /// Slow start grew the window by the acknowledged bytes.
        case slowStart
        /// The controller grows the window by its congestion avoidance rule.
        case congestionAvoidance
    }

    /// The whole-byte window.
    var congestionWindow: Int {
        Int(self.window)
    }

    var minimumWindow: Int {
        CongestionWindowLimits.minimumWindow(maxDatagramSize: self.maxDatagramSize)
    }

    var isInSlowStart: Bool {
        self.congestionWindow < self.slowStartThreshold
    }

    /// RFC 9002 B.4: "InCongestionRecovery(sent_time): return sent_time <= congestion_recovery_start_time"
    func isInRecovery(sentTime: QUICInstant) -> Bool {
        guard let start = self.recoveryStartTime else { return false }
        return sentTime <= start
    }

    /// Handles an acknowledgment up to the congestion avoidance increase, which the caller applies.
    mutating func onPacketAcked(_ packet: CongestionPacket, isAppLimited: Bool) -> AckEffect {
        // RFC 9002 §7.8: an underutilized window "SHOULD NOT be increased"; §7.3.2: "A recovery period ends
        // and the sender enters congestion avoidance when a packet sent during the recovery period is
        // acknowledged."
        if isAppLimited || self.isInRecovery(sentTime: packet.timeSent) {
            return .none
        }
        if self.isInSlowStart {
            // RFC 9002 §7.3.1: "the congestion window increases by the number of bytes acknowledged".
            self.window += Double(Swift.max(packet.size, 0))
            return .slowStart
        }
        return .congestionAvoidance
    }

    /// Applies a congestion avoidance change of `bytes` (negative for OLIA's paths with the largest
    /// windows), never going below the minimum window. A window that shrank below the slow start threshold
    /// takes the threshold with it, so that a deliberate decrease is not undone by slow start.
    mutating func grow(by bytes: Double) {
        guard bytes.isFinite else { return }
        self.window = Swift.max(self.window + bytes, Double(self.minimumWindow))
        if self.congestionWindow < self.slowStartThreshold {
            self.slowStartThreshold = self.congestionWindow
        }
    }

    /// RFC 9002 B.6 OnCongestionEvent. Returns whether a new recovery period started.
    mutating func onCongestionEvent(sentTime: QUICInstant, now: QUICInstant) -> Bool {
        // "// No reaction if already in a recovery period. if (InCongestionRecovery(sent_time)) return"
        if self.isInRecovery(sentTime: sentTime) {
            return false
        }
        // "congestion_recovery_start_time = now; ssthresh = congestion_window * kLossReductionFactor;
        // congestion_window = max(ssthresh, kMinimumWindow)", kLossReductionFactor being 0.5: only this
        // path's window is halved (RFC 6356 §3 leaves the decrease as in single-path TCP).
        self.recoveryStartTime = now
        self.slowStartThreshold = self.congestionWindow / NewReno.lossReductionDenominator
            * NewReno.lossReductionNumerator
        self.window = Double(Swift.max(self.slowStartThreshold, self.minimumWindow))
        return true
    }

    /// RFC 9002 B.8: "if (InPersistentCongestion(pc_lost)): congestion_window = kMinimumWindow;
    /// congestion_recovery_start_time = 0"
    mutating func onPersistentCongestion() {
        self.window = Double(self.minimumWindow)
        self.recoveryStartTime = nil
    }

    /// RFC 9002 §7.2: the minimum window follows max_datagram_size.
    mutating func setMaxDatagramSize(_ size: Int) {
        self.maxDatagramSize = size
        self.window = Swift.max(self.window, Double(self.minimumWindow))
    }
}
