import QUICWire

/// The packets sent in one packet number space that are not yet acknowledged or declared lost, and the
/// per-space loss detection state of RFC 9002 Appendix A.3 (largest_acked_packet, loss_time,
/// time_of_last_ack_eliciting_packet).
///
/// Packets are kept in packet number order, which is also send order. Results go into caller-owned
/// arrays so that a connection can reuse them and not allocate per ACK.
public struct SentPacketTracker<Payload> {
    /// Which kind of space this is.
    public let space: PacketNumberSpace
    /// The outstanding packets, in increasing packet number order.
    public private(set) var packets: [SentPacket<Payload>]
    /// RFC 9002 A.3: "The largest packet number acknowledged in the packet number space so far."
    public private(set) var largestAcked: UInt64?
    /// The largest packet number sent in this space.
    public private(set) var largestSent: UInt64?
    /// RFC 9002 A.3: "The time at which the next packet in that packet number space can be considered
    /// lost based on exceeding the reordering window in time."
    public private(set) var lossTime: QUICInstant?
    /// RFC 9002 A.3: "The time the most recent ack-eliciting packet was sent."
    public private(set) var timeOfLastAckElicitingPacket: QUICInstant?
    /// The number of outstanding ack-eliciting packets that count toward bytes in flight.
    public private(set) var ackElicitingInFlight: Int
    /// The bytes of outstanding packets that count toward bytes in flight.
    public private(set) var bytesInFlight: Int

    public init(space: PacketNumberSpace) {
        self.space = space
        self.packets = []
        self.largestAcked = nil
        self.largestSent = nil
        self.lossTime = nil
        self.timeOfLastAckElicitingPacket = nil
        self.ackElicitingInFlight = 0
        self.bytesInFlight = 0
    }

    /// Whether an ack-eliciting packet is in flight in this space (drives the PTO, RFC 9002 §6.2.1).
    @inlinable
    public var hasAckElicitingInFlight: Bool {
        self.ackElicitingInFlight > 0
    }

    /// The state the loss detection timer needs from this space.
    @inlinable
    public var timerState: SpaceTimerState {
        SpaceTimerState(lossTime: self.lossTime, timeOfLastAckElicitingPacket: self.timeOfLastAckElicitingPacket,
                        hasAckElicitingInFlight: self.hasAckElicitingInFlight)
    }

    /// Records a sent packet (RFC 9002 A.5 OnPacketSent).
    ///
    /// Packet numbers must increase (RFC 9000 §12.3: "A QUIC endpoint MUST NOT reuse a packet number
    /// within the same packet number space"); this is a programming error of the caller, not peer input.
    public mutating func onPacketSent(_ packet: SentPacket<Payload>) {
        if let largest = self.largestSent {
            precondition(packet.packetNumber > largest, "packet numbers must increase within a space")
        }
        self.largestSent = packet.packetNumber
        // RFC 9002 A.5: "if (in_flight): if (ack_eliciting): time_of_last_ack_eliciting_packet[pn_space] =
        // now; OnPacketSentCC(sent_bytes)"
        if packet.isInFlight {
            if packet.isAckEliciting {
                self.timeOfLastAckElicitingPacket = packet.timeSent
                self.ackElicitingInFlight += 1
            }
            self.bytesInFlight += packet.size
        }
        self.packets.append(packet)
    }

    /// Processes the ranges of an ACK frame (RFC 9002 A.7 OnAckReceived, up to the RTT sample).
    ///
    /// - Parameters:
    ///   - ranges: the acknowledged ranges, in descending order and not overlapping, as decoded from an
    ///     ACK frame.
    ///   - now: when the ACK arrived.
    ///   - newlyAcked: receives the newly acknowledged packets, in increasing packet number order
    ///     (appended; the caller clears it).
    /// - Throws: RFC 9000 §13.1: "An endpoint SHOULD treat receipt of an acknowledgment for a packet it
    ///   did not send as a connection error of type PROTOCOL_VIOLATION". Also thrown when the ranges are
    ///   not descending and disjoint.
    public mutating func onAckReceived(ranges: [ClosedRange<UInt64>], now: QUICInstant,
                                       newlyAcked: inout [SentPacket<Payload>]) throws(TransportError) -> AckOutcome {
        var outcome = AckOutcome()
        guard let largestInFrame = ranges.first?.upperBound else {
            throw TransportError(.frameEncodingError, frameType: 0x02, reason: "ACK frame without ranges")
        }
        var previousLower: UInt64?
        for range in ranges {
            if let lower = previousLower, range.upperBound >= lower || lower - range.upperBound < 2 {
                throw TransportError(.frameEncodingError, frameType: 0x02,
                                     reason: "ACK ranges are not descending and separated by a gap")
            }
            previousLower = range.lowerBound
        }
        guard let largestSent = self.largestSent, largestInFrame <= largestSent else {
            throw TransportError(.protocolViolation, frameType: 0x02, reason: "ACK for a packet that was not sent")
        }

        // RFC 9002 A.7: "if (largest_acked_packet[pn_space] == infinite): largest_acked_packet[pn_space] =
        // ack.largest_acked else: largest_acked_packet[pn_space] = max(largest_acked_packet[pn_space],
        // ack.largest_acked)"
        if let current = self.largestAcked {
            if largestInFrame > current {
                self.largestAcked = largestInFrame
                outcome.increasedLargestAcked = true
            }
        } else {
            self.largestAcked = largestInFrame
            outcome.increasedLargestAcked = true
        }

        // Walk the ranges from the lowest up so the packets are appended in increasing order; each range
        // is looked up afresh after the previous removal.
        let firstNewIndex = newlyAcked.count
        for range in ranges.reversed() {
            let start = self.firstIndex(notBelow: range.lowerBound)
            var end = start
            while end < self.packets.count && self.packets[end].packetNumber <= range.upperBound {
                end += 1
            }
            guard start < end else { continue }
            for index in start..<end {
                self.account(acked: self.packets[index], into: &outcome)
            }
            newlyAcked.append(contentsOf: self.packets[start..<end])
            self.packets.removeSubrange(start..<end)
        }

        if let largest = newlyAcked.last, newlyAcked.count > firstNewIndex {
            outcome.largestNewlyAcked = largest.packetNumber
            outcome.largestNewlyAckedTimeSent = largest.timeSent
            // RFC 9002 A.7: "if (newly_acked_packets.largest().packet_number == ack.largest_acked &&
            // IncludesAckEliciting(newly_acked_packets)): latest_rtt = now - newly_acked_packets.largest().time_sent"
            if largest.packetNumber == largestInFrame && outcome.includesAckEliciting {
                outcome.rttSample = now - largest.timeSent
            }
        }
        return outcome
    }

    /// Declares packets lost by packet or time threshold (RFC 9002 §6.1, A.10 DetectAndRemoveLostPackets)
    /// and re-arms `lossTime`.
    ///
    /// - Parameters:
    ///   - lost: receives the lost packets in increasing packet number order (appended).
    /// - Returns: the number of packets declared lost.
    @discardableResult
    public mutating func detectLostPackets(now: QUICInstant, rtt: RTTEstimator,
                                           lost: inout [SentPacket<Payload>]) -> Int {
        self.lossTime = nil
        guard let largestAcked = self.largestAcked else { return 0 }
        // RFC 9002 A.10: "loss_delay = kTimeThreshold * max(latest_rtt, smoothed_rtt); loss_delay =
        // max(loss_delay, kGranularity); lost_send_time = now - loss_delay"
        let lossDelay = rtt.lossDelay
        let lostSendTime = now - lossDelay

        var lostCount = 0
        var keep = 0
        var index = 0
        while index < self.packets.count {
            let packet = self.packets[index]
            // RFC 9002 §6.1: "The packet is unacknowledged, in flight, and was sent prior to an
            // acknowledged packet." Later packets are not candidates.
            if packet.packetNumber > largestAcked {
                break
            }
            // RFC 9002 §6.1: "The packet was sent kPacketThreshold packets before an acknowledged packet
            // (Section 6.1.1), or it was sent long enough in the past (Section 6.1.2)."
            let byPacketThreshold = largestAcked - packet.packetNumber >= RecoveryConstants.packetThreshold
            if packet.timeSent <= lostSendTime || byPacketThreshold {
                self.account(removed: packet)
                lost.append(packet)
                lostCount += 1
            } else {
                // RFC 9002 A.10: "loss_time[pn_space] = min(loss_time[pn_space], unacked.time_sent + loss_delay)"
                let candidate = packet.timeSent + lossDelay
                if let current = self.lossTime {
                    self.lossTime = Swift.min(current, candidate)
                } else {
                    self.lossTime = candidate
                }
                if keep != index {
                    self.packets.swapAt(keep, index)
                }
                keep += 1
            }
            index += 1
        }
        if lostCount > 0 {
            // Packets at keep..<index were lost (moved there by the swaps); later ones are untouched.
            self.packets.removeSubrange(keep..<index)
        }
        return lostCount
    }

    /// Forgets every outstanding packet, e.g. when the space's keys are discarded. RFC 9002 §6.4: "When
    /// Initial or Handshake keys are discarded, ... all packets that were sent with those keys are removed
    /// from the count of bytes in flight" and "the loss detection and PTO timer state ... are reset".
    ///
    /// - Parameter removed: receives the packets that were outstanding.
    public mutating func discardAll(into removed: inout [SentPacket<Payload>]) {
        removed.append(contentsOf: self.packets)
        self.packets.removeAll(keepingCapacity: true)
        self.bytesInFlight = 0
        self.ackElicitingInFlight = 0
        self.lossTime = nil
        self.timeOfLastAckElicitingPacket = nil
    }

    /// Removes one outstanding packet without declaring it lost or acknowledged (for example a PTO probe
    /// the caller decides to stop tracking). Returns it, or nil when it is not outstanding.
    public mutating func remove(packetNumber: UInt64) -> SentPacket<Payload>? {
        let index = self.firstIndex(notBelow: packetNumber)
        guard index < self.packets.count, self.packets[index].packetNumber == packetNumber else { return nil }
        let packet = self.packets.remove(at: index)
        self.account(removed: packet)
        return packet
    }

    // MARK: - Helpers

    /// The index of the first outstanding packet whose number is at least `packetNumber` (binary search).
    @usableFromInline
    func firstIndex(notBelow packetNumber: UInt64) -> Int {
        var low = 0
        var high = self.packets.count
        while low < high {
            let middle = low + (high - low) / 2
            if self.packets[middle].packetNumber < packetNumber {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    private mutating func account(acked packet: SentPacket<Payload>, into outcome: inout AckOutcome) {
        outcome.newlyAckedCount += 1
        if packet.isAckEliciting {
            outcome.includesAckEliciting = true
        }
        if packet.isInFlight {
            outcome.newlyAckedBytesInFlight += packet.size
        }
        switch packet.ecn {
        case .ect0: outcome.newlyAckedECT0 += 1
        case .ect1: outcome.newlyAckedECT1 += 1
        case .ce: outcome.newlyAckedCE += 1
        case .notECT: break
        }
        self.account(removed: packet)
    }

    private mutating func account(removed packet: SentPacket<Payload>) {
        guard packet.isInFlight else { return }
        self.bytesInFlight -= packet.size
        if packet.isAckEliciting {
            self.ackElicitingInFlight -= 1
        }
    }
}

extension SentPacketTracker: Sendable where Payload: Sendable {}
