import QUICWire

/// The loss recovery and congestion control state of one path (RFC 9002 Appendix A and B).
///
/// It ties together the RTT estimator, one sent-packet tracker per packet number space, the loss detection
/// timer with its PTO backoff, persistent congestion detection, a congestion controller, the pacer and ECN
/// validation. It reads no clock and sets no timer: every input carries `now`, and `nextTimeout` says when
/// `onTimeout` is due.
///
/// The connection calls, per RFC 9002 Appendix A:
/// - `onPacketSent` for every packet sent on the path (A.5 OnPacketSent);
/// - `onAckReceived` for every ACK frame (A.7 OnAckReceived); it re-queues the frames of the lost packets;
/// - `onTimeout` when `nextTimeout` has passed (A.9 OnLossDetectionTimeout);
/// - `discard(space:into:)` when Initial or Handshake keys are dropped (A.10 OnPacketNumberSpaceDiscarded).
public struct RecoveryState<Payload> {
    /// The path's round-trip time estimate (RFC 9002 §5).
    public private(set) var rtt: RTTEstimator
    /// The path's congestion controller (RFC 9002 §7).
    public private(set) var congestion: any CongestionController
    /// The path's pacer (RFC 9002 §7.7).
    public private(set) var pacer: Pacer
    /// The peer's max_ack_delay transport parameter. RFC 9000 §18.2: "If this value is absent, a default
    /// of 25 milliseconds is assumed."
    public var maxAckDelay: QUICDuration
    /// Set by the connection when it had no data to fill the congestion window. RFC 9002 §7.8: "When bytes
    /// in flight is smaller than the congestion window and sending is not pacing limited, the congestion
    /// window is underutilized. This can happen due to insufficient application data or flow control
    /// limits. When this occurs, the congestion window SHOULD NOT be increased".
    public var isAppLimited: Bool
    /// The largest datagram the path carries, which the windows are counted in.
    public private(set) var maxDatagramSize: Int

    private var trackers: PerSpace<SentPacketTracker<Payload>>
    private var timer: LossDetectionTimer
    private var ecn: ECNValidator
    /// The controller as first configured, restored when the path changes (RFC 9000 §9.4).
    private let initialCongestion: any CongestionController
    /// When the loss detection timer was last (re)armed by an event (RFC 9002 A.8 SetLossDetectionTimer is
    /// called on send, ACK and timeout). The client's anti-deadlock PTO counts from there, not from the
    /// `now` of whoever asks for the deadline, so asking repeatedly doesn't push it back.
    private var timerArmedAt: QUICInstant?
    /// The largest application packet number sent before the last path change: packets up to it were sent
    /// on the previous path and don't feed the new path's RTT estimator or congestion controller.
    private var previousPathLargestSent: UInt64?

    /// - Parameters:
    ///   - congestionController: the controller for this path (NewReno or Cubic), in its initial state.
    ///   - maxDatagramSize: RFC 9000 §14: 1200 bytes until the path MTU is known to be larger.
    ///   - initialRTT: RFC 9002 §6.2.2: 333 ms unless a value from an earlier connection is remembered.
    ///   - ecnEnabled: false when the platform can't set or read ECN codepoints: no ECT marking at all.
    public init(congestionController: any CongestionController, maxDatagramSize: Int = 1_200,
                initialRTT: QUICDuration = RTTEstimator.defaultInitialRTT, ecnEnabled: Bool = true) {
        var controller = congestionController
        if controller.maxDatagramSize != maxDatagramSize {
            controller.setMaxDatagramSize(maxDatagramSize)
        }
        self.rtt = RTTEstimator(initialRTT: initialRTT)
        self.congestion = controller
        self.initialCongestion = congestionController
        self.pacer = Pacer(maxDatagramSize: maxDatagramSize)
        self.maxAckDelay = RecoveryConstants.defaultMaxAckDelay
        self.isAppLimited = false
        self.maxDatagramSize = maxDatagramSize
        self.trackers = PerSpace(initial: SentPacketTracker(space: .initial),
                                 handshake: SentPacketTracker(space: .handshake),
                                 applicationData: SentPacketTracker(space: .applicationData))
        self.timer = LossDetectionTimer()
        self.ecn = ECNValidator(enabled: ecnEnabled)
        self.timerArmedAt = nil
        self.previousPathLargestSent = nil
    }

    // MARK: - State

    /// The bytes of in-flight packets not yet acknowledged or declared lost, over all spaces.
    public var bytesInFlight: Int {
        self.trackers.initial.bytesInFlight + self.trackers.handshake.bytesInFlight
            + self.trackers.applicationData.bytesInFlight
    }

    /// RFC 9002 A.3: "The number of times a PTO has been sent without receiving an acknowledgment."
    public var ptoCount: Int {
        self.timer.ptoCount
    }

    /// The congestion window in bytes.
    public var congestionWindow: Int {
        self.congestion.congestionWindow
    }

    /// The outstanding packets and loss detection state of one space (a read-only copy).
    public func tracker(_ space: PacketNumberSpace) -> SentPacketTracker<Payload> {
        self.trackers[space]
    }

    /// The probe timeout period without backoff, including max_ack_delay: RFC 9002 §6.2.1 "PTO =
    /// smoothed_rtt + max(4*rttvar, kGranularity) + max_ack_delay". For timers stated in PTOs, such as the
    /// closing and draining periods (RFC 9000 §10.2: "three times the current PTO interval").
    public var probeTimeout: QUICDuration {
        self.rtt.probeTimeoutWithoutAckDelay + self.maxAckDelay
    }

    /// Whether the sender should keep marking packets ECT(0) (RFC 9000 §13.4.2): true while ECN is being
    /// tested and once the path is validated, false after validation failed or while the result is unknown.
    public var ecnCapable: Bool {
        self.ecn.codepointForNextPacket == .ect0
    }

    /// The ECN codepoint for the next packet on the path.
    public var ecnCodepointForNextPacket: ECNCodepoint {
        self.ecn.codepointForNextPacket
    }

    /// The ECN validation state of the path.
    public var ecnState: ECNValidationState {
        self.ecn.state
    }

    // MARK: - Sending

    /// Records a sent packet (RFC 9002 A.5 OnPacketSent and B.4 OnPacketSentCC): the tracker keeps it, and
    /// when it counts toward bytes in flight the congestion controller and the pacer see it too.
    public mutating func onPacketSent(_ packet: SentPacket<Payload>, space: PacketNumberSpace, now: QUICInstant) {
        self.trackers[space].onPacketSent(packet)
        self.ecn.onPacketSent(space: space, ecn: packet.ecn, now: now, probeTimeout: self.probeTimeout)
        // RFC 9002 A.5: "if (in_flight): ... OnPacketSentCC(sent_bytes); ... SetLossDetectionTimer()"
        guard packet.isInFlight else { return }
        self.congestion.onPacketSent(packetNumber: packet.packetNumber, bytes: packet.size, now: now)
        self.pacer.onPacketSent(bytes: packet.size, congestionWindow: self.congestion.congestionWindow,
                                smoothedRTT: self.rtt.smoothedRTT, now: now)
        self.timerArmedAt = now
    }

    /// Whether the congestion window has room for a packet of `bytes` (RFC 9002 §7: "An endpoint MUST
    /// NOT send a packet if it would cause bytes_in_flight ... to be larger than the congestion window,
    /// unless the packet is sent on a PTO timer expiration").
    public func canSend(bytes: Int) -> Bool {
        self.congestion.canSend(bytes: bytes, bytesInFlight: self.bytesInFlight)
    }

    /// When a packet of `bytes` may leave under pacing (RFC 9002 §7.7), or nil when it may leave now.
    public mutating func earliestSendTime(bytes: Int, now: QUICInstant) -> QUICInstant? {
        let time = self.pacer.earliestSendTime(bytes: bytes, congestionWindow: self.congestion.congestionWindow,
                                               smoothedRTT: self.rtt.smoothedRTT, now: now)
        return time > now ? time : nil
    }

    /// The path MTU changed. RFC 9002 §7.2: "If the maximum datagram size changes during the connection,
    /// the initial congestion window SHOULD be recalculated with the new size"; the minimum window and the
    /// pacer's burst (the initial window, §7.7) follow it.
    public mutating func setMaxDatagramSize(_ size: Int) {
        self.maxDatagramSize = size
        self.congestion.setMaxDatagramSize(size)
        self.pacer.setBurstCapacity(CongestionWindowLimits.initialWindow(maxDatagramSize: size))
    }

    // MARK: - Acknowledgments

    /// Processes one ACK frame (RFC 9002 A.7 OnAckReceived, with B.5–B.8 for the controller).
    ///
    /// In order: the tracker removes the newly acknowledged packets; an RTT sample updates the estimator
    /// (the ACK delay counts only in the application data space, capped by `maxAckDelay` once the
    /// handshake is confirmed); an increased ECN-CE count is a congestion event; packets are declared lost
    /// by packet or time threshold, which the controller hears about (with persistent congestion) before
    /// the acknowledged packets grow the window; the PTO backoff is reset unless a client's address is not
    /// yet validated by the server.
    ///
    /// - Parameters:
    ///   - ranges: the acknowledged ranges, descending and disjoint, as decoded.
    ///   - ackDelay: the decoded ACK Delay field.
    ///   - ecn: the frame's ECN counts, nil for an ACK frame without them.
    ///   - acked: receives the newly acknowledged packets in increasing packet number order (appended).
    ///   - lost: receives the packets declared lost in increasing packet number order (appended); the
    ///     caller re-queues their frames.
    /// - Throws: PROTOCOL_VIOLATION for an acknowledgment of a packet that was never sent (RFC 9000 §13.1),
    ///   FRAME_ENCODING_ERROR for ranges that are empty, not descending or not separated by a gap. Nothing
    ///   changes when it throws.
    public mutating func onAckReceived(space: PacketNumberSpace, ranges: [ClosedRange<UInt64>],
                                       ackDelay: QUICDuration, ecn: ECNCounts?, context: RecoveryContext,
                                       now: QUICInstant, acked: inout [SentPacket<Payload>],
                                       lost: inout [SentPacket<Payload>]) throws(TransportError)
        -> AckProcessingResult {
        let firstAcked = acked.count
        let outcome = try self.trackers[space].onAckReceived(ranges: ranges, now: now, newlyAcked: &acked)
        var result = AckProcessingResult(outcome: outcome)
        // RFC 9002 A.7: "// Nothing to do if there are no newly acked packets. if (newly_acked_packets.empty()):
        // return"
        guard outcome.newlyAckedCount > 0 else { return result }

        // RFC 9002 A.7: "// Update the RTT if the largest acknowledged is newly acked and at least one
        // ack-eliciting was newly acked." A packet from before a path change measures the old path.
        if let sample = outcome.rttSample,
           let largest = outcome.largestNewlyAcked, !self.isFromPreviousPath(largest, space: space) {
            // RFC 9002 §5.3: "MAY ignore the acknowledgment delay for Initial packets"; the Handshake
            // space's delay is ignored too, the peer's ACKs there are not delayed on purpose.
            let delay = space == .applicationData ? ackDelay : .zero
            self.rtt.update(latestRTT: sample, ackDelay: delay, maxAckDelay: self.maxAckDelay,
                            isHandshakeConfirmed: context.isHandshakeConfirmed, now: now)
            self.congestion.onRTTSample(self.rtt, now: now)
        }

        // RFC 9002 A.7: "// Process ECN information if present. if (ACK frame contains ECN information):
        // ProcessECN(ack, pn_space)"; the validator also needs to see frames without counts (RFC 9000
        // §13.4.2.1).
        result.ecn = self.ecn.onAckReceived(space: space, counts: ecn, outcome: outcome)
        if result.ecn.congestionExperienced, let sentTime = outcome.largestNewlyAckedTimeSent,
           let largest = outcome.largestNewlyAcked, !self.isFromPreviousPath(largest, space: space) {
            self.congestion.onECNCongestionExperienced(largestAckedSentTime: sentTime, now: now)
            result.congestionEvent = true
        }

        // RFC 9002 A.7: "lost_packets = DetectAndRemoveLostPackets(pn_space); if (!lost_packets.empty()):
        // OnPacketsLost(lost_packets)"
        let firstLost = lost.count
        self.trackers[space].detectLostPackets(now: now, rtt: self.rtt, lost: &lost)
        if lost.count > firstLost {
            let signal = self.onPacketsLost(lost[firstLost...], space: space, now: now)
            result.congestionEvent = result.congestionEvent || signal.congestionEvent
            result.persistentCongestion = signal.persistentCongestion
        }

        // RFC 9002 A.7: "OnPacketsAcked(newly_acked_packets)"
        for index in firstAcked..<acked.count {
            let packet = acked[index]
            guard packet.isInFlight, !self.isFromPreviousPath(packet.packetNumber, space: space) else { continue }
            self.congestion.onPacketAcked(CongestionPacket(packet), isAppLimited: self.isAppLimited, rtt: self.rtt,
                                          now: now)
        }

        // RFC 9002 A.7: "// Reset pto_count unless the client is unsure if the server has validated the
        // client's address. if (PeerCompletedAddressValidation()): pto_count = 0"
        self.timer.onAckReceived(peerCompletedAddressValidation: context.peerCompletedAddressValidation)
        self.timerArmedAt = now
        return result
    }

    // MARK: - Timer

    /// When the loss detection timer should fire (RFC 9002 A.8 SetLossDetectionTimer), or nil when it is
    /// off. A deadline at or before `now` means `onTimeout` is due.
    public func nextTimeout(context: RecoveryContext, now: QUICInstant) -> QUICInstant? {
        self.armedTimeout(context: context, now: now)?.deadline
    }

    /// Runs the loss detection timer if it is due (RFC 9002 A.9 OnLossDetectionTimeout): time-threshold
    /// loss detection in the space with the earliest loss time, or else a probe timeout, which doubles the
    /// PTO period (RFC 9002 §6.2.1: "When a PTO timer expires, the PTO backoff MUST be increased").
    ///
    /// Returns `.none` when called before the deadline, so an early wake-up does no harm.
    public mutating func onTimeout(context: RecoveryContext, now: QUICInstant) -> RecoveryTimeoutAction<Payload> {
        self.ecn.onTimePassed(now: now, probeTimeout: self.probeTimeout)
        guard let timeout = self.armedTimeout(context: context, now: now), timeout.deadline <= now else {
            return .none
        }
        switch timeout {
        case .lossTime(_, let space):
            // RFC 9002 A.9: "// Time threshold loss Detection lost_packets = DetectAndRemoveLostPackets(pn_space);
            // assert(!lost_packets.empty()); OnPacketsLost(lost_packets); SetLossDetectionTimer()"
            var lost: [SentPacket<Payload>] = []
            self.trackers[space].detectLostPackets(now: now, rtt: self.rtt, lost: &lost)
            self.timerArmedAt = now
            guard !lost.isEmpty else { return .none }
            _ = self.onPacketsLost(lost[...], space: space, now: now)
            return .lost(lost)
        case .probeTimeout(_, let space):
            // RFC 9002 A.9: "if (no ack-eliciting packets in flight): assert(!PeerCompletedAddressValidation())
            // // Client sends an anti-deadlock packet ... else: // PTO. Send new data if available, else
            // retransmit old data. If neither is available, send a single PING frame. ...
            // SendOneOrTwoAckElicitingPackets(pn_space); pto_count++; SetLossDetectionTimer()"
            let antiDeadlock = !PacketNumberSpace.allCases.contains { self.trackers[$0].hasAckElicitingInFlight }
            self.timer.onProbeTimeout()
            self.timerArmedAt = now
            return .probe(space: space, count: antiDeadlock ? 1 : 2)
        }
    }

    private func armedTimeout(context: RecoveryContext, now: QUICInstant) -> LossDetectionTimeout? {
        let spaces = PerSpace(initial: self.trackers.initial.timerState,
                              handshake: self.trackers.handshake.timerState,
                              applicationData: self.trackers.applicationData.timerState)
        return self.timer.nextTimeout(spaces: spaces, rtt: self.rtt, maxAckDelay: self.maxAckDelay,
                                      isHandshakeConfirmed: context.isHandshakeConfirmed,
                                      hasHandshakeKeys: context.hasHandshakeKeys,
                                      peerCompletedAddressValidation: context.peerCompletedAddressValidation,
                                      isAtAntiAmplificationLimit: context.isAtAntiAmplificationLimit,
                                      now: self.timerArmedAt ?? now)
    }

    // MARK: - Discarding and path changes

    /// Drops a packet number space whose keys were discarded (RFC 9002 A.10 OnPacketNumberSpaceDiscarded):
    /// its packets leave bytes in flight without being declared lost, and the PTO backoff resets. RFC 9002
    /// §6.4: "When Initial or Handshake keys are discarded, packets sent with those keys can no longer be
    /// acknowledged because their acknowledgments cannot be processed. The sender MUST discard all
    /// recovery state associated with those packets and MUST remove them from the count of bytes in
    /// flight."
    ///
    /// - Parameter removed: receives the packets that were outstanding (appended).
    public mutating func discard(space: PacketNumberSpace, into removed: inout [SentPacket<Payload>]) {
        self.trackers[space].discardAll(into: &removed)
        self.timer.onPacketNumberSpaceDiscarded()
    }

    /// The path's peer address changed for good (migration, RFC 9000 §9.4): "the endpoint MUST immediately
    /// reset the congestion controller and round-trip time estimator for the new path to initial values".
    ///
    /// Outstanding packets stay tracked (their frames may still need retransmission), but acknowledgments
    /// and losses of application packets sent before the change no longer feed the new path's RTT
    /// estimator or controller: RFC 9000 §9.4 "the sender ... can make exceptions for probe packets so that
    /// their loss detection is independent and does not unduly cause the congestion controller to reduce
    /// its sending rate." The pacer and the PTO backoff start afresh with the new estimates. ECN validation
    /// is kept: the peer's counts are per packet number space, not per path.
    public mutating func onPersistentPathChange() {
        self.rtt.reset()
        var controller = self.initialCongestion
        if controller.maxDatagramSize != self.maxDatagramSize {
            controller.setMaxDatagramSize(self.maxDatagramSize)
        }
        self.congestion = controller
        self.pacer = Pacer(maxDatagramSize: self.maxDatagramSize)
        self.timer = LossDetectionTimer()
        if let largest = self.trackers.applicationData.largestSent {
            self.previousPathLargestSent = largest
        }
    }

    // MARK: - Helpers

    private func isFromPreviousPath(_ packetNumber: UInt64, space: PacketNumberSpace) -> Bool {
        guard space == .applicationData, let boundary = self.previousPathLargestSent else { return false }
        return packetNumber <= boundary
    }

    /// RFC 9002 B.8 OnPacketsLost: a congestion event dated by the last lost in-flight packet, and the
    /// window collapses if the losses establish persistent congestion.
    private mutating func onPacketsLost(_ lost: ArraySlice<SentPacket<Payload>>, space: PacketNumberSpace,
                                        now: QUICInstant) -> (congestionEvent: Bool, persistentCongestion: Bool) {
        var lastLostSentTime: QUICInstant?
        var markedCount = 0
        for packet in lost {
            if packet.ecn != .notECT {
                markedCount += 1
            }
            // RFC 9002 B.8: "for lost_packet in lost_packets: if lost_packet.inflight: sent_time_of_last_loss =
            // max(sent_time_of_last_loss, lost_packet.time_sent)"
            guard packet.isInFlight, !self.isFromPreviousPath(packet.packetNumber, space: space) else { continue }
            lastLostSentTime = Swift.max(lastLostSentTime ?? packet.timeSent, packet.timeSent)
        }
        if markedCount > 0 {
            self.ecn.onPacketsLost(markedCount: markedCount)
        }
        guard let sentTime = lastLostSentTime else { return (false, false) }
        // RFC 9002 B.8: "// Only consider packets sent after getting an RTT sample. ...
        // if (InPersistentCongestion(pc_lost)): congestion_window = kMinimumWindow" (the tracker's helper
        // skips packets sent before the first sample; after a path change that excludes the old path's).
        let duration = PersistentCongestion.duration(rtt: self.rtt, maxAckDelay: self.maxAckDelay)
        let persistent = PersistentCongestion.isEstablished(lost: lost, firstRTTSampleTime: self.rtt.firstSampleTime,
                                                            duration: duration)
        self.congestion.onPacketsLost(largestLostSentTime: sentTime, persistentCongestion: persistent, now: now)
        return (true, persistent)
    }
}
