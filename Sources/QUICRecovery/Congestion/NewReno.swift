/// The NewReno congestion controller of RFC 9002 §7 and Appendix B.
public struct NewReno: CongestionController, Hashable, Sendable {
    /// RFC 9002 §7.3.2: "The RECOMMENDED value is 0.5." (kLossReductionFactor, as a fraction)
    public static let lossReductionNumerator = 1
    public static let lossReductionDenominator = 2

    public private(set) var congestionWindow: Int
    public private(set) var slowStartThreshold: Int
    public private(set) var maxDatagramSize: Int
    /// RFC 9002 B.2: "The time the current recovery period started due to the detection of loss or
    /// ECN." Nil when no recovery period has started (or after persistent congestion).
    public private(set) var congestionRecoveryStartTime: QUICInstant?
    /// Bytes acknowledged in congestion avoidance since the window last grew.
    public private(set) var bytesAckedInAvoidance: Int

    public init(maxDatagramSize: Int = 1_200) {
        self.maxDatagramSize = maxDatagramSize
        // RFC 9002 B.3: "congestion_window = kInitialWindow; bytes_in_flight = 0;
        // congestion_recovery_start_time = 0; ssthresh = infinite"
        self.congestionWindow = CongestionWindowLimits.initialWindow(maxDatagramSize: maxDatagramSize)
        self.slowStartThreshold = .max
        self.congestionRecoveryStartTime = nil
        self.bytesAckedInAvoidance = 0
    }

    private var minimumWindow: Int {
        CongestionWindowLimits.minimumWindow(maxDatagramSize: self.maxDatagramSize)
    }

    /// Whether the controller is in slow start.
    public var isInSlowStart: Bool {
        self.congestionWindow < self.slowStartThreshold
    }

    /// RFC 9002 B.4: "InCongestionRecovery(sent_time): return sent_time <= congestion_recovery_start_time"
    public func isInRecovery(sentTime: QUICInstant) -> Bool {
        guard let start = self.congestionRecoveryStartTime else { return false }
        return sentTime <= start
    }

    public mutating func onPacketSent(packetNumber: UInt64, bytes: Int, now: QUICInstant) {}

    public mutating func onRTTSample(_ rtt: RTTEstimator, now: QUICInstant) {}

    public mutating func onPacketAcked(_ packet: CongestionPacket, isAppLimited: Bool, rtt: RTTEstimator,
                                       now: QUICInstant) {
        // RFC 9002 B.5: "// Do not increase congestion_window if application limited or flow control
        // limited. if (IsAppOrFlowControlLimited()) return"
        if isAppLimited {
            return
        }
        // RFC 9002 §7.3.2: "A recovery period ends and the sender enters congestion avoidance when a packet
        // sent during the recovery period is acknowledged." Packets sent before it don't grow the window.
        if self.isInRecovery(sentTime: packet.timeSent) {
            return
        }
        if self.isInSlowStart {
            // RFC 9002 §7.3.1: "While a sender is in slow start, the congestion window increases by the
            // number of bytes acknowledged when each acknowledgment is processed."
            self.congestionWindow += packet.size
            return
        }
        // RFC 9002 §7.3.3: "a NewReno sender in congestion avoidance ... limits the increase to the
        // congestion window to at most one maximum datagram size for each congestion window that is
        // acknowledged." Counting acknowledged bytes keeps the fractions that B.5's per-packet
        // `max_datagram_size * acked_packet.sent_bytes / congestion_window` would round away.
        self.bytesAckedInAvoidance += packet.size
        if self.bytesAckedInAvoidance >= self.congestionWindow {
            self.bytesAckedInAvoidance -= self.congestionWindow
            self.congestionWindow += self.maxDatagramSize
        }
    }

    public mutating func onCongestionEvent(sentTime: QUICInstant, now: QUICInstant) {
        // RFC 9002 B.6: "// No reaction if already in a recovery period. if (InCongestionRecovery(sent_time))
        // return"
        if self.isInRecovery(sentTime: sentTime) {
            return
        }
        // "// Enter recovery period. congestion_recovery_start_time = now; ssthresh = congestion_window *
        // kLossReductionFactor; congestion_window = max(ssthresh, kMinimumWindow)"
        self.congestionRecoveryStartTime = now
        self.slowStartThreshold = self.congestionWindow / Self.lossReductionDenominator * Self.lossReductionNumerator
        self.congestionWindow = Swift.max(self.slowStartThreshold, self.minimumWindow)
        self.bytesAckedInAvoidance = 0
    }

    public mutating func onPacketsLost(largestLostSentTime: QUICInstant, persistentCongestion: Bool,
                                       now: QUICInstant) {
        // RFC 9002 B.8: "OnCongestionEvent(sent_time_of_last_loss)"
        self.onCongestionEvent(sentTime: largestLostSentTime, now: now)
        // "// Reset the congestion window if the loss of these packets indicates persistent congestion.
        // if (InPersistentCongestion(pc_lost)): congestion_window = kMinimumWindow;
        // congestion_recovery_start_time = 0"
        if persistentCongestion {
            self.congestionWindow = self.minimumWindow
            self.congestionRecoveryStartTime = nil
            self.bytesAckedInAvoidance = 0
        }
    }

    public mutating func setMaxDatagramSize(_ size: Int) {
        self.maxDatagramSize = size
        self.congestionWindow = Swift.max(self.congestionWindow, self.minimumWindow)
    }
}
