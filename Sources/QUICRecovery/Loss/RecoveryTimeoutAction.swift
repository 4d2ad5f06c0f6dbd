/// What the connection must do after the loss detection timer fired (RFC 9002 A.9 OnLossDetectionTimeout).
public enum RecoveryTimeoutAction<Payload> {
    /// The timer was not due (or had nothing to do).
    case none
    /// Time-threshold loss detection declared these packets lost (increasing packet number order); their
    /// retransmittable frames go back to be sent again. The congestion controller has been told.
    case lost([SentPacket<Payload>])
    /// A probe timeout: send `count` ack-eliciting packets in `space`, even if the congestion window is
    /// full. RFC 9002 §6.2.4: "When a PTO timer expires, a sender MUST send at least one ack-eliciting
    /// packet in the packet number space as a probe" and "An endpoint MAY send up to two full-sized
    /// datagrams containing ack-eliciting packets"; §7.5: "Probe packets MUST NOT be blocked by the
    /// congestion controller." `count` is 1 for the client's anti-deadlock probe (A.9:
    /// "SendOneAckElicitingHandshakePacket" / "SendOneAckElicitingPaddedInitialPacket"), 2 otherwise.
    case probe(space: PacketNumberSpace, count: Int)
}

extension RecoveryTimeoutAction: Sendable where Payload: Sendable {}
extension RecoveryTimeoutAction: Equatable where Payload: Equatable {}
