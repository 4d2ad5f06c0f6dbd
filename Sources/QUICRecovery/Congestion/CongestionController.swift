/// A packet as the congestion controller sees it when it is acknowledged or lost.
public struct CongestionPacket: Hashable, Sendable {
    public var packetNumber: UInt64
    public var timeSent: QUICInstant
    /// Bytes that counted toward bytes in flight.
    public var size: Int

    @inlinable
    public init(packetNumber: UInt64, timeSent: QUICInstant, size: Int) {
        self.packetNumber = packetNumber
        self.timeSent = timeSent
        self.size = size
    }

    /// The congestion controller's view of a tracked packet.
    @inlinable
    public init<Payload>(_ packet: SentPacket<Payload>) {
        self.init(packetNumber: packet.packetNumber, timeSent: packet.timeSent, size: packet.size)
    }
}

/// A congestion controller for one path (RFC 9002 §7).
///
/// Bytes in flight are counted by the sent-packet trackers, not here; the controller owns the congestion
/// window, the slow start threshold and the recovery period. Only packets that count toward bytes in
/// flight are reported to it. Call order for one ACK frame: `onRTTSample` (when the frame gave one),
/// `onPacketAcked` for each newly acknowledged in-flight packet in increasing packet number order, then
/// `onCongestionEvent` for ECN-CE and `onPacketsLost` for the losses the ACK revealed.
public protocol CongestionController {
    /// The congestion window in bytes.
    var congestionWindow: Int { get }
    /// The slow start threshold in bytes (`Int.max` while infinite).
    var slowStartThreshold: Int { get }
    /// The maximum datagram size the window is counted in.
    var maxDatagramSize: Int { get }

    /// RFC 9002 B.4 InCongestionRecovery: whether a packet sent at `sentTime` was sent before the current
    /// recovery period started.
    func isInRecovery(sentTime: QUICInstant) -> Bool

    /// An in-flight packet was sent.
    mutating func onPacketSent(packetNumber: UInt64, bytes: Int, now: QUICInstant)

    /// The ACK frame being processed produced an RTT sample; `rtt` already includes it.
    mutating func onRTTSample(_ rtt: RTTEstimator, now: QUICInstant)

    /// An in-flight packet was acknowledged.
    ///
    /// - Parameter isAppLimited: RFC 9002 §7.8: "When bytes in flight is smaller than the congestion
    ///   window and sending is not pacing limited, the congestion window is underutilized ... the
    ///   congestion window SHOULD NOT be increased".
    mutating func onPacketAcked(_ packet: CongestionPacket, isAppLimited: Bool, rtt: RTTEstimator,
                                now: QUICInstant)

    /// A congestion event: loss or an increase of the ECN-CE count. `sentTime` is when the packet that
    /// revealed it was sent (the lost packet or the largest acknowledged one).
    mutating func onCongestionEvent(sentTime: QUICInstant, now: QUICInstant)

    /// Packets were declared lost by one ACK or timeout.
    ///
    /// - Parameters:
    ///   - largestLostSentTime: the send time of the last lost packet.
    ///   - persistentCongestion: whether `PersistentCongestion.isEstablished` said so for this batch.
    mutating func onPacketsLost(largestLostSentTime: QUICInstant, persistentCongestion: Bool, now: QUICInstant)

    /// The path MTU changed (RFC 9002 §7.2: the minimum and initial windows follow max_datagram_size).
    mutating func setMaxDatagramSize(_ size: Int)
}

extension CongestionController {
    /// RFC 9002 B.7 ProcessECN: "if (ack.ce_counter > ecn_ce_counters[pn_space]): ...
    /// sent_time = sent_packets[ack.largest_acked].time_sent; OnCongestionEvent(sent_time)". The recovery
    /// period makes this at most one reduction per round trip.
    public mutating func onECNCongestionExperienced(largestAckedSentTime: QUICInstant, now: QUICInstant) {
        self.onCongestionEvent(sentTime: largestAckedSentTime, now: now)
    }

    /// Whether `bytesInFlight` leaves room for another `bytes` in the window.
    public func canSend(bytes: Int, bytesInFlight: Int) -> Bool {
        bytesInFlight + bytes <= self.congestionWindow
    }
}

/// Window sizes shared by the controllers (RFC 9002 §7.2, B.2).
public enum CongestionWindowLimits {
    /// RFC 9002 §7.2: "Endpoints SHOULD use an initial congestion window of ten times the maximum
    /// datagram size (max_datagram_size), while limiting the window to the larger of 14,720 bytes or
    /// twice the maximum datagram size."
    @inlinable
    public static func initialWindow(maxDatagramSize: Int) -> Int {
        Swift.min(10 * maxDatagramSize, Swift.max(14_720, 2 * maxDatagramSize))
    }

    /// RFC 9002 §7.2: "The RECOMMENDED value is 2 * max_datagram_size." (kMinimumWindow)
    @inlinable
    public static func minimumWindow(maxDatagramSize: Int) -> Int {
        2 * maxDatagramSize
    }
}
