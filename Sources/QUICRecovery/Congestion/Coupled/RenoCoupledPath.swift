/// What ``LinkedIncreases`` and ``OpportunisticLinkedIncreases`` share: NewReno's window, recovery period and
/// loss reaction per path (``RenoWindow``), the path's RTT, and publishing both to the connection's group. Each
/// controller adds only its increase in congestion avoidance and what it resets when a recovery period starts.
protocol RenoCoupledPath: CoupledCongestionController {
    var reno: RenoWindow { get set }
    var smoothedRTT: QUICDuration { get set }
    /// What this path publishes to its group.
    var pathState: CoupledPathState { get }
    /// A loss or ECN-CE started a new recovery period (the window was just reduced).
    mutating func recoveryPeriodStarted()
    /// Persistent congestion collapsed the window to the minimum.
    mutating func persistentCongestionOccurred()
}

extension RenoCoupledPath {
    public var congestionWindow: Int {
        self.reno.congestionWindow
    }

    public var slowStartThreshold: Int {
        self.reno.slowStartThreshold
    }

    public var maxDatagramSize: Int {
        self.reno.maxDatagramSize
    }

    /// When the current recovery period started; nil before the first one and after persistent congestion.
    public var congestionRecoveryStartTime: QUICInstant? {
        self.reno.recoveryStartTime
    }

    public var isInSlowStart: Bool {
        self.reno.isInSlowStart
    }

    public func isInRecovery(sentTime: QUICInstant) -> Bool {
        self.reno.isInRecovery(sentTime: sentTime)
    }

    public mutating func onPacketSent(packetNumber: UInt64, bytes: Int, now: QUICInstant) {
        // Cheap, and it brings the group up to date after the path's controller was replaced by a saved
        // copy (RFC 9000 §9.4 resets congestion control when the path changes).
        self.publish()
    }

    public mutating func onRTTSample(_ rtt: RTTEstimator, now: QUICInstant) {
        self.smoothedRTT = rtt.smoothedRTT
        self.publish()
    }

    public mutating func onCongestionEvent(sentTime: QUICInstant, now: QUICInstant) {
        if self.reno.onCongestionEvent(sentTime: sentTime, now: now) {
            self.recoveryPeriodStarted()
            self.publish()
        }
    }

    public mutating func onPacketsLost(largestLostSentTime: QUICInstant, persistentCongestion: Bool,
                                       now: QUICInstant) {
        // RFC 9002 B.8: "OnCongestionEvent(sent_time_of_last_loss)", then the persistent congestion reset.
        self.onCongestionEvent(sentTime: largestLostSentTime, now: now)
        if persistentCongestion {
            self.reno.onPersistentCongestion()
            self.persistentCongestionOccurred()
            self.publish()
        }
    }

    public mutating func setMaxDatagramSize(_ size: Int) {
        self.reno.setMaxDatagramSize(size)
        self.publish()
    }

    func publish() {
        self.group.publish(self.pathState, for: self.member)
    }
}
