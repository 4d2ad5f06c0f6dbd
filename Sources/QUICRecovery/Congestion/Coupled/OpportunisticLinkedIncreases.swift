/// The Opportunistic Linked Increases Algorithm (OLIA: Khalili, Gast, Popovic, Le Boudec, "MPTCP is not
/// Pareto-optimal: performance issues and a possible solution", and draft-khalili-mptcp-congestion-control-05)
/// for one path of a multipath connection.
///
/// Like ``LinkedIncreases`` it keeps NewReno's slow start, recovery period and halving per path and only
/// couples the increase in congestion avoidance. OLIA's increase has two parts: a coupled term that makes
/// the connection as a whole as aggressive as one single-path flow on its best path, and alpha_r, which
/// shifts window from the paths with the largest windows to the paths that look best (most bytes between
/// losses for their RTT). LIA does not move traffic off a congested path fully; OLIA does, while still
/// probing every path.
///
/// A path alone in its group grows by bytes_acked * MSS / cwnd per ACK, NewReno's rate without its
/// per-window rounding.
public struct OpportunisticLinkedIncreases: RenoCoupledPath {
    public let group: CoupledPathGroup
    public let member: CoupledPathGroup.Member
    var reno: RenoWindow
    /// The path's smoothed RTT as last reported.
    public internal(set) var smoothedRTT: QUICDuration
    /// l_r, the bytes delivered between losses on this path.
    public private(set) var interLossDistance: InterLossDistance

    /// A controller for a new path of the connection that owns `group`; it joins the group.
    ///
    /// - Parameters:
    ///   - initialRTT: the RTT the path is assumed to have until its first sample (RFC 9002 §6.2.2).
    public init(group: CoupledPathGroup, maxDatagramSize: Int = 1_200,
                initialRTT: QUICDuration = RTTEstimator.defaultInitialRTT) {
        self.group = group
        self.reno = RenoWindow(maxDatagramSize: maxDatagramSize)
        self.smoothedRTT = initialRTT
        self.interLossDistance = InterLossDistance()
        self.member = group.join(CoupledPathState(congestionWindow: self.reno.congestionWindow,
                                                  smoothedRTT: initialRTT, maxDatagramSize: maxDatagramSize))
    }

    /// The window in bytes, with the fractions OLIA's per-ACK changes leave.
    public var exactCongestionWindow: Double {
        self.reno.window
    }

    /// What this path publishes to its group.
    public var pathState: CoupledPathState {
        CoupledPathState(congestionWindow: self.reno.congestionWindow, smoothedRTT: self.smoothedRTT,
                         interLossBytes: self.interLossDistance.bytes, maxDatagramSize: self.reno.maxDatagramSize)
    }

    public mutating func onPacketAcked(_ packet: CongestionPacket, isAppLimited: Bool, rtt: RTTEstimator,
                                       now: QUICInstant) {
        self.smoothedRTT = rtt.smoothedRTT
        // l_r counts every byte delivered, whatever the window does with the acknowledgment.
        self.interLossDistance.onBytesAcked(packet.size)
        switch self.reno.onPacketAcked(packet, isAppLimited: isAppLimited) {
        case .none, .slowStart:
            break
        case .congestionAvoidance:
            // OLIA: for each ACK on path r, w_r grows by (w_r/rtt_r^2) / (sum_p w_p/rtt_p)^2 + alpha_r / w_r
            // (windows in datagrams, per datagram acknowledged), here converted to bytes.
            let increase = self.group.opportunisticIncrease(as: self.member, own: self.pathState)
            self.reno.grow(by: increase.bytes(acked: packet.size, window: self.reno.window,
                                              maxDatagramSize: self.reno.maxDatagramSize))
        }
        self.publish()
    }
}

extension OpportunisticLinkedIncreases {
    mutating func recoveryPeriodStarted() {
        // l_r restarts at each loss (a new recovery period, so losses within one period count once).
        self.interLossDistance.onLoss()
    }

    mutating func persistentCongestionOccurred() {}
}
