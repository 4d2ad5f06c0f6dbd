/// The Linked Increases Algorithm (LIA, RFC 6356) for one path of a multipath connection.
///
/// Each path has its own window, slow start, recovery period and loss reaction, exactly as NewReno
/// (RFC 9002 §7); only the increase in congestion avoidance is linked to the other paths through the
/// connection's ``CoupledPathGroup``. RFC 6356 §2 sets the goals: the multipath connection should get at
/// least what a single-path flow would get on the best of its paths (goal 1), take no more from any shared
/// resource than a single-path flow would (goal 2), and move traffic away from congested paths (goal 3).
///
/// A path alone in its group behaves exactly like ``NewReno``.
public struct LinkedIncreases: RenoCoupledPath {
    public let group: CoupledPathGroup
    public let member: CoupledPathGroup.Member
    var reno: RenoWindow
    /// The path's smoothed RTT as last reported (RFC 6356 uses rtt_i in alpha).
    public internal(set) var smoothedRTT: QUICDuration
    /// Bytes acknowledged in congestion avoidance since the window last grew.
    public private(set) var bytesAckedInAvoidance: Int

    /// A controller for a new path of the connection that owns `group`; it joins the group.
    ///
    /// - Parameters:
    ///   - initialRTT: the RTT the path is assumed to have until its first sample (RFC 9002 §6.2.2).
    public init(group: CoupledPathGroup, maxDatagramSize: Int = 1_200,
                initialRTT: QUICDuration = RTTEstimator.defaultInitialRTT) {
        self.group = group
        self.reno = RenoWindow(maxDatagramSize: maxDatagramSize)
        self.smoothedRTT = initialRTT
        self.bytesAckedInAvoidance = 0
        self.member = group.join(CoupledPathState(congestionWindow: self.reno.congestionWindow,
                                                  smoothedRTT: initialRTT, maxDatagramSize: maxDatagramSize))
    }

    /// What this path publishes to its group.
    public var pathState: CoupledPathState {
        CoupledPathState(congestionWindow: self.reno.congestionWindow, smoothedRTT: self.smoothedRTT,
                         maxDatagramSize: self.reno.maxDatagramSize)
    }

    public mutating func onPacketAcked(_ packet: CongestionPacket, isAppLimited: Bool, rtt: RTTEstimator,
                                       now: QUICInstant) {
        self.smoothedRTT = rtt.smoothedRTT
        switch self.reno.onPacketAcked(packet, isAppLimited: isAppLimited) {
        case .none:
            return
        case .slowStart:
            self.publish()
        case .congestionAvoidance:
            // RFC 6356 §3: per ACK, cwnd_i grows by min(alpha * bytes_acked * MSS_i / cwnd_total,
            // bytes_acked * MSS_i / cwnd_i): one MSS_i per max(cwnd_total / alpha, cwnd_i) bytes acknowledged.
            self.bytesAckedInAvoidance += Swift.max(packet.size, 0)
            let threshold = self.group.linkedIncreaseThreshold(as: self.member, own: self.pathState)
            if self.bytesAckedInAvoidance >= threshold {
                self.bytesAckedInAvoidance -= threshold
                self.reno.grow(by: Double(self.reno.maxDatagramSize))
                self.publish()
            }
        }
    }
}

extension LinkedIncreases {
    mutating func recoveryPeriodStarted() {
        self.bytesAckedInAvoidance = 0
    }

    mutating func persistentCongestionOccurred() {
        self.bytesAckedInAvoidance = 0
    }
}
