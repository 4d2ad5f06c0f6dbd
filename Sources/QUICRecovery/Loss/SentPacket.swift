/// What loss recovery remembers about one packet it sent (RFC 9002 Appendix A.1.1).
///
/// `Payload` is whatever the connection needs to requeue the packet's retransmittable frames when the
/// packet is lost (for example an index into a frame log, or a small inline list). It is a generic
/// parameter rather than an existential so that tracking a packet costs no boxing.
public struct SentPacket<Payload> {
    /// The packet number.
    public var packetNumber: UInt64
    /// When the packet was sent.
    public var timeSent: QUICInstant
    /// RFC 9002 A.1.1: "The number of bytes sent in the packet, not including UDP or IP overhead, but
    /// including QUIC framing overhead."
    public var size: Int
    /// RFC 9002 A.1.1: "A Boolean that indicates whether a packet is ack-eliciting. If true, it is
    /// expected that an acknowledgment will be received."
    public var isAckEliciting: Bool
    /// RFC 9002 A.1.1: "A Boolean that indicates whether the packet counts toward bytes in flight."
    public var isInFlight: Bool
    /// The ECN codepoint the packet was sent with (for ECN validation, RFC 9000 §13.4.2).
    public var ecn: ECNCodepoint
    /// The connection's handle for the packet's retransmittable frames.
    public var payload: Payload

    @inlinable
    public init(packetNumber: UInt64, timeSent: QUICInstant, size: Int, isAckEliciting: Bool,
                isInFlight: Bool, ecn: ECNCodepoint = .notECT, payload: Payload) {
        self.packetNumber = packetNumber
        self.timeSent = timeSent
        self.size = size
        self.isAckEliciting = isAckEliciting
        self.isInFlight = isInFlight
        self.ecn = ecn
        self.payload = payload
    }
}

extension SentPacket: Sendable where Payload: Sendable {}
extension SentPacket: Equatable where Payload: Equatable {}
extension SentPacket: Hashable where Payload: Hashable {}

extension SentPacket where Payload == Void {
    /// A packet with no payload handle (for tests and for packets without retransmittable frames).
    @inlinable
    public init(packetNumber: UInt64, timeSent: QUICInstant, size: Int, isAckEliciting: Bool,
                isInFlight: Bool, ecn: ECNCodepoint = .notECT) {
        self.init(packetNumber: packetNumber, timeSent: timeSent, size: size, isAckEliciting: isAckEliciting,
                  isInFlight: isInFlight, ecn: ecn, payload: ())
    }
}
