/// What the loss detection timer needs to know about one packet number space.
public struct SpaceTimerState: Hashable, Sendable {
    /// The earliest time a packet in the space may be declared lost by the time threshold.
    public var lossTime: QUICInstant?
    /// When the most recent ack-eliciting packet was sent in the space.
    public var timeOfLastAckElicitingPacket: QUICInstant?
    /// Whether an ack-eliciting packet is in flight in the space.
    public var hasAckElicitingInFlight: Bool

    @inlinable
    public init(lossTime: QUICInstant? = nil, timeOfLastAckElicitingPacket: QUICInstant? = nil,
                hasAckElicitingInFlight: Bool = false) {
        self.lossTime = lossTime
        self.timeOfLastAckElicitingPacket = timeOfLastAckElicitingPacket
        self.hasAckElicitingInFlight = hasAckElicitingInFlight
    }

    /// A space with nothing outstanding (or whose keys were discarded).
    public static let idle = SpaceTimerState()
}

/// When the loss detection timer fires and what it means then (RFC 9002 §6.2, A.8).
public enum LossDetectionTimeout: Hashable, Sendable {
    /// Time-threshold loss detection is due in the space: run `detectLostPackets` there.
    case lossTime(QUICInstant, PacketNumberSpace)
    /// A probe timeout: send one or two ack-eliciting probes in the space and call
    /// `LossDetectionTimer.onProbeTimeout()`.
    case probeTimeout(QUICInstant, PacketNumberSpace)

    /// The instant the timer is armed for.
    @inlinable
    public var deadline: QUICInstant {
        switch self {
        case .lossTime(let time, _), .probeTimeout(let time, _): return time
        }
    }

    /// The packet number space the timer belongs to.
    @inlinable
    public var space: PacketNumberSpace {
        switch self {
        case .lossTime(_, let space), .probeTimeout(_, let space): return space
        }
    }
}

/// The combined loss detection timer and PTO backoff for one path (RFC 9002 §6.2, Appendix A.8).
///
/// The timer is not a clock: `nextTimeout` computes the instant it should fire from the state of the
/// spaces, and the owner folds that into its own `nextTimeout`.
public struct LossDetectionTimer: Hashable, Sendable {
    /// RFC 9002 A.3: "The number of times a PTO has been sent without receiving an acknowledgment."
    public private(set) var ptoCount: Int

    public init() {
        self.ptoCount = 0
    }

    /// The current PTO backoff factor, `2^pto_count`.
    public var backoffFactor: Int64 {
        Int64(1) << Int64(Swift.min(self.ptoCount, 62))
    }

    /// RFC 9002 §6.2.1: "When a PTO timer expires, the PTO backoff MUST be increased, resulting in the
    /// PTO period being set to twice its current value."
    public mutating func onProbeTimeout() {
        if self.ptoCount < 62 {
            self.ptoCount += 1
        }
    }

    /// Called after an ACK was processed. RFC 9002 §6.2.1: "The PTO backoff factor is reset when an
    /// acknowledgment is received, except in the following case. A server might take longer to respond
    /// to packets during the handshake than otherwise. To protect such a server from repeated client
    /// probes, the PTO backoff is not reset at a client that is not yet certain that the server has
    /// finished validating the client's address."
    public mutating func onAckReceived(peerCompletedAddressValidation: Bool) {
        if peerCompletedAddressValidation {
            self.ptoCount = 0
        }
    }

    /// RFC 9002 §6.2.1: "The PTO backoff factor is reset ... when Initial or Handshake keys are discarded"
    /// (A.9 OnPacketNumberSpaceDiscarded: "pto_count = 0").
    public mutating func onPacketNumberSpaceDiscarded() {
        self.ptoCount = 0
    }

    /// Computes when the loss detection timer should fire (RFC 9002 A.8 SetLossDetectionTimer), or nil
    /// when it should be cancelled.
    ///
    /// - Parameters:
    ///   - spaces: the per-space state (`SpaceTimerState.idle` for spaces whose keys are gone).
    ///   - maxAckDelay: the peer's max_ack_delay.
    ///   - isHandshakeConfirmed: whether the handshake is confirmed (RFC 9001 §4.1.2).
    ///   - hasHandshakeKeys: whether Handshake keys are available (for the anti-deadlock PTO).
    ///   - peerCompletedAddressValidation: for a server always true; for a client, whether it received a
    ///     Handshake-space ACK or the handshake is confirmed (RFC 9002 A.6).
    ///   - isAtAntiAmplificationLimit: whether a server is blocked by the 3x limit (RFC 9000 §8.1).
    public func nextTimeout(spaces: PerSpace<SpaceTimerState>, rtt: RTTEstimator, maxAckDelay: QUICDuration,
                            isHandshakeConfirmed: Bool, hasHandshakeKeys: Bool,
                            peerCompletedAddressValidation: Bool, isAtAntiAmplificationLimit: Bool,
                            now: QUICInstant) -> LossDetectionTimeout? {
        // RFC 9002 A.8: "earliest_loss_time, _ = GetLossTimeAndSpace(); if (earliest_loss_time != 0):
        // loss_detection_timer.update(earliest_loss_time); return"
        var earliestLoss: (QUICInstant, PacketNumberSpace)?
        for space in PacketNumberSpace.allCases {
            guard let time = spaces[space].lossTime else { continue }
            if earliestLoss.map({ time < $0.0 }) ?? true {
                earliestLoss = (time, space)
            }
        }
        if let (time, space) = earliestLoss {
            return .lossTime(time, space)
        }

        // RFC 9002 A.8: "if (server is at anti-amplification limit): // The server's timer is not set if
        // nothing can be sent. loss_detection_timer.cancel(); return"
        if isAtAntiAmplificationLimit {
            return nil
        }

        let anyInFlight = PacketNumberSpace.allCases.contains { spaces[$0].hasAckElicitingInFlight }
        // RFC 9002 A.8: "if (no ack-eliciting packets in flight && PeerCompletedAddressValidation()):
        // loss_detection_timer.cancel(); return"
        if !anyInFlight && peerCompletedAddressValidation {
            return nil
        }
        return self.probeTimeout(spaces: spaces, rtt: rtt, maxAckDelay: maxAckDelay,
                                 isHandshakeConfirmed: isHandshakeConfirmed, hasHandshakeKeys: hasHandshakeKeys,
                                 anyInFlight: anyInFlight, now: now)
    }

    /// RFC 9002 A.8 GetPtoTimeAndSpace.
    private func probeTimeout(spaces: PerSpace<SpaceTimerState>, rtt: RTTEstimator, maxAckDelay: QUICDuration,
                              isHandshakeConfirmed: Bool, hasHandshakeKeys: Bool, anyInFlight: Bool,
                              now: QUICInstant) -> LossDetectionTimeout? {
        // "duration = (smoothed_rtt + max(4 * rttvar, kGranularity)) * (2 ^ pto_count)"
        var duration = rtt.probeTimeoutWithoutAckDelay * self.backoffFactor

        // "// Anti-deadlock PTO starts from the current time. if (no ack-eliciting packets in flight):
        // assert(!PeerCompletedAddressValidation()); if (has handshake keys): return (now + duration),
        // Handshake else: return (now + duration), Initial"
        if !anyInFlight {
            return .probeTimeout(now + duration, hasHandshakeKeys ? .handshake : .initial)
        }

        var best: (QUICInstant, PacketNumberSpace)?
        for space in PacketNumberSpace.allCases {
            let state = spaces[space]
            guard state.hasAckElicitingInFlight, let lastSent = state.timeOfLastAckElicitingPacket else { continue }
            if space == .applicationData {
                // RFC 9002 §6.2.1: "An endpoint MUST NOT set its PTO timer for the Application Data packet
                // number space until the handshake is confirmed."
                if !isHandshakeConfirmed {
                    break
                }
                // RFC 9002 §6.2.1: "When the PTO is armed for Initial or Handshake packet number spaces,
                // the max_ack_delay in the PTO period computation is set to 0".
                // A.8: "duration += max_ack_delay * (2 ^ pto_count)"
                duration += maxAckDelay * self.backoffFactor
            }
            let deadline = lastSent + duration
            if best.map({ deadline < $0.0 }) ?? true {
                best = (deadline, space)
            }
        }
        return best.map { .probeTimeout($0.0, $0.1) }
    }
}
