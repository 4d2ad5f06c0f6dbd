import QUICWire

/// What one packet-number space has received and when it must be acknowledged (RFC 9000 §13.2, with the
/// knobs of draft-ietf-quic-ack-frequency: ack-eliciting threshold, reordering threshold, requested max
/// ack delay and IMMEDIATE_ACK).
///
/// Times are nanoseconds of the connection's clock.
public struct ReceivedPackets: Sendable {
    /// Packet numbers received (and not yet pruned).
    public private(set) var ranges = AckRanges()
    /// The largest packet number received and when it arrived (for the ACK Delay field).
    public private(set) var largestReceivedTime: UInt64 = 0
    /// ECN counts of received packets (RFC 9000 §13.4.1), in the order ECT(0), ECT(1), CE.
    public private(set) var ecnCounts: (ect0: UInt64, ect1: UInt64, ce: UInt64) = (0, 0, 0)
    /// True once any packet carried an ECN mark, so ACKs carry ECN counts.
    public private(set) var sawECN = false

    /// Ack-eliciting packets received since the last ACK was sent.
    public private(set) var unacknowledgedElicitingCount = 0
    /// The deadline by which an ACK must be sent, if one is pending.
    public private(set) var ackDeadline: UInt64?
    /// True when an ACK should go out with the next packet, without waiting.
    public private(set) var ackImmediately = false
    /// True when something new arrived since the last ACK (an ACK may be bundled opportunistically).
    public private(set) var hasNewAckInformation = false
    private var largestAckElicitingReceived: UInt64?

    /// Whether this space acknowledges every ack-eliciting packet at once (Initial and Handshake:
    /// RFC 9000 §13.2.1 "An endpoint MUST acknowledge all ack-eliciting Initial and Handshake packets
    /// immediately").
    public let acknowledgesImmediately: Bool
    /// The maximum ack delay, nanoseconds (max_ack_delay, or the value an ACK_FREQUENCY frame asked for).
    public var maxAckDelay: UInt64
    /// Ack-eliciting packets to receive before an ACK is sent at once (RFC 9000 §13.2.2 recommends 2;
    /// ACK_FREQUENCY's Ack-Eliciting Threshold + 1).
    public var ackElicitingThreshold: Int = 2
    /// The reordering threshold of draft-ietf-quic-ack-frequency: 1 acknowledges any out-of-order
    /// packet at once (RFC 9000 behaviour); 0 never does so for reordering alone.
    public var reorderingThreshold: UInt64 = 1
    /// The largest ACK_FREQUENCY sequence number applied (older frames are ignored).
    private var ackFrequencySequence: UInt64?

    public init(acknowledgesImmediately: Bool, maxAckDelay: UInt64) {
        self.acknowledgesImmediately = acknowledgesImmediately
        self.maxAckDelay = maxAckDelay
    }

    /// Packet numbers below this were pruned from ``ranges``; they count as duplicates.
    public private(set) var pruneFloor: UInt64 = 0

    /// Whether `packetNumber` was already received (a duplicate to drop after decryption). Packets below
    /// the prune floor are treated as duplicates too: they are too old to be acknowledged again.
    public func isDuplicate(_ packetNumber: UInt64) -> Bool {
        packetNumber < self.pruneFloor || self.ranges.contains(packetNumber)
    }

    /// Records a packet that was processed successfully.
    ///
    /// - Parameter ecn: the ECN codepoint of the datagram: 0 not-ECT, 1 ECT(1), 2 ECT(0), 3 CE.
    /// - Returns: false for a duplicate.
    @discardableResult
    public mutating func onPacketReceived(_ packetNumber: UInt64, ackEliciting: Bool, ecn: UInt8,
                                          now: UInt64) -> Bool {
        let previousLargest = self.ranges.largest
        guard packetNumber >= self.pruneFloor, self.ranges.insert(packetNumber) else { return false }
        self.hasNewAckInformation = true
        if previousLargest.map({ packetNumber > $0 }) ?? true {
            self.largestReceivedTime = now
        }
        switch ecn & 0x3 {
        case 1: self.ecnCounts.ect1 += 1; self.sawECN = true
        case 2: self.ecnCounts.ect0 += 1; self.sawECN = true
        case 3: self.ecnCounts.ce += 1; self.sawECN = true
        default: break
        }
        guard ackEliciting else { return true }
        self.unacknowledgedElicitingCount += 1
        // RFC 9000 §13.2.1: "In order to assist loss detection at the sender, an endpoint SHOULD generate and
        // send an ACK frame without delay when it receives an ack-eliciting packet either: when the
        // received packet has a packet number less than another ack-eliciting packet that has been
        // received, or when the packet has a packet number larger than the highest-numbered ack-eliciting
        // packet that has been received and there are missing packets between that packet and this
        // packet." RFC 9000 §13.4.1 / §13.2.1: CE-marked packets are acknowledged immediately too.
        if self.acknowledgesImmediately || ecn & 0x3 == 3 || self.isOutOfOrder(packetNumber)
            || self.unacknowledgedElicitingCount >= self.ackElicitingThreshold {
            self.ackImmediately = true
        } else if self.ackDeadline == nil {
            self.ackDeadline = now + self.maxAckDelay
        }
        self.largestAckElicitingReceived = max(self.largestAckElicitingReceived ?? 0, packetNumber)
        return true
    }

    private func isOutOfOrder(_ packetNumber: UInt64) -> Bool {
        guard self.reorderingThreshold > 0, let largest = self.largestAckElicitingReceived else { return false }
        if packetNumber < largest { return true }
        // A gap below the new packet: more than `reorderingThreshold - 1` missing packets just below it.
        guard packetNumber > largest + 1 else { return false }
        let missing = packetNumber - largest - 1
        return missing >= self.reorderingThreshold || self.reorderingThreshold == 1
    }

    /// An IMMEDIATE_ACK frame arrived.
    public mutating func onImmediateAckRequested() {
        self.ackImmediately = true
    }

    /// Applies an ACK_FREQUENCY frame; frames older than the last applied one are ignored
    /// (draft-ietf-quic-ack-frequency: "receivers MUST ignore any ACK_FREQUENCY frame whose sequence number
    /// is not greater than the largest processed so far").
    ///
    /// - Parameter requestedMaxAckDelayMicroseconds: the frame's Requested Max Ack Delay, in microseconds
    ///   (the caller has checked it against min_ack_delay and 2^14 ms: PROTOCOL_VIOLATION otherwise).
    public mutating func onAckFrequency(sequenceNumber: UInt64, ackElicitingThreshold: UInt64,
                                        requestedMaxAckDelayMicroseconds: UInt64, reorderingThreshold: UInt64) {
        if let last = self.ackFrequencySequence, sequenceNumber <= last { return }
        self.ackFrequencySequence = sequenceNumber
        self.ackElicitingThreshold = Int(min(ackElicitingThreshold, UInt64(Int32.max))) + 1
        self.maxAckDelay = min(requestedMaxAckDelayMicroseconds, 1 << 34) * 1_000
        self.reorderingThreshold = reorderingThreshold
    }

    /// True when an ACK must be sent now.
    public func ackDue(now: UInt64) -> Bool {
        if self.ackImmediately { return true }
        if let deadline = self.ackDeadline { return now >= deadline }
        return false
    }

    /// The ACK Delay to report, in nanoseconds (RFC 9000 §13.2.5: the time from receipt of the largest
    /// acknowledged packet to sending the ACK).
    public func ackDelay(now: UInt64) -> UInt64 {
        now >= self.largestReceivedTime ? now - self.largestReceivedTime : 0
    }

    /// Records that an ACK covering everything received went out.
    public mutating func onAckSent() {
        self.unacknowledgedElicitingCount = 0
        self.ackDeadline = nil
        self.ackImmediately = false
        self.hasNewAckInformation = false
    }

    /// The peer acknowledged a packet of ours that carried an ACK whose largest acknowledged was
    /// `largest`: ranges below it never need to be reported again (RFC 9000 §13.2.4).
    public mutating func onAckAcknowledged(largestAcknowledged largest: UInt64) {
        self.ranges.removeAll(below: largest)
        self.pruneFloor = max(self.pruneFloor, largest)
    }

    /// Caps how many ranges are kept (a peer that causes many gaps cannot make the state grow without
    /// bound); the oldest go first.
    public mutating func limitRanges(to count: Int) {
        self.ranges.keepLargest(count)
        if let smallest = self.ranges.smallest {
            self.pruneFloor = max(self.pruneFloor, smallest)
        }
    }
}
