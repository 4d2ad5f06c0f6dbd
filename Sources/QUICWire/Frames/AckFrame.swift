/// The ECN counts an ACK frame of type 0x03 carries (RFC 9000 §19.3.2): totals per packet-number
/// space of packets received with ECT(0), ECT(1) and CE.
public struct ECNCounts: Hashable, Sendable {
    public var ect0: UInt64
    public var ect1: UInt64
    public var ce: UInt64

    @inlinable
    public init(ect0: UInt64 = 0, ect1: UInt64 = 0, ce: UInt64 = 0) {
        self.ect0 = ect0
        self.ect1 = ect1
        self.ce = ce
    }

    public static let zero = ECNCounts()
}

/// An ACK frame (RFC 9000 §19.3): the packet numbers received, the delay before acknowledging the
/// largest, and optionally ECN counts.
public struct AckFrame: Hashable, Sendable {
    /// The acknowledged packet numbers; never empty in a valid frame.
    public var ranges: AckRanges
    /// The ACK Delay field as encoded: microseconds scaled down by 2^ack_delay_exponent.
    public var ackDelay: UInt64
    public var ecn: ECNCounts?

    public init(ranges: AckRanges, ackDelay: UInt64, ecn: ECNCounts? = nil) {
        precondition(!ranges.isEmpty, "an ACK frame acknowledges at least one packet")
        self.ranges = ranges
        self.ackDelay = ackDelay
        self.ecn = ecn
    }

    /// The Largest Acknowledged field.
    @inlinable
    public var largestAcknowledged: UInt64 { self.ranges[0].upperBound }

    /// Decodes the fields that follow the frame type (shared with PATH_ACK).
    ///
    /// RFC 9000 §19.3.1: "If any computed packet number is negative, an endpoint MUST generate a
    /// connection error of type FRAME_ENCODING_ERROR."
    @inlinable
    public static func decodeBody(from reader: inout ByteReader, hasECN: Bool) throws(WireError) -> AckFrame {
        let largest = try reader.readVarInt()
        let ackDelay = try reader.readVarInt()
        let rangeCount = try reader.readVarInt()
        // Each further range takes at least two bytes, so a count beyond that is a lie about the length.
        guard rangeCount <= UInt64(reader.remaining / 2) else {
            throw WireError(.overlong, reason: "ACK range count \(rangeCount) exceeds what the frame can hold")
        }
        let firstRange = try reader.readVarInt()
        guard firstRange <= largest else {
            throw WireError(.outOfRange, reason: "first ACK range \(firstRange) below packet number 0")
        }
        var smallest = largest - firstRange
        var ranges = AckRanges()
        ranges.appendBelow(smallest...largest)
        var index: UInt64 = 0
        while index < rangeCount {
            let gap = try reader.readVarInt()
            let length = try reader.readVarInt()
            // The next range's largest is smallest - gap - 2; it must not be negative.
            guard smallest >= 2, gap <= smallest - 2 else {
                throw WireError(.outOfRange, reason: "ACK gap \(gap) below packet number 0")
            }
            let upper = smallest - gap - 2
            guard length <= upper else {
                throw WireError(.outOfRange, reason: "ACK range length \(length) below packet number 0")
            }
            smallest = upper - length
            ranges.appendBelow(smallest...upper)
            index += 1
        }
        var ecn: ECNCounts?
        if hasECN {
            let ect0 = try reader.readVarInt()
            let ect1 = try reader.readVarInt()
            let ce = try reader.readVarInt()
            ecn = ECNCounts(ect0: ect0, ect1: ect1, ce: ce)
        }
        return AckFrame(ranges: ranges, ackDelay: ackDelay, ecn: ecn)
    }

    /// Encodes the fields that follow the frame type.
    @inlinable
    public func encodeBody(to writer: inout ByteWriter) {
        let first = self.ranges[0]
        writer.writeVarInt(first.upperBound)
        writer.writeVarInt(self.ackDelay)
        writer.writeVarInt(UInt64(self.ranges.rangeCount - 1))
        writer.writeVarInt(first.upperBound - first.lowerBound)
        var previousLower = first.lowerBound
        var index = 1
        while index < self.ranges.rangeCount {
            let range = self.ranges[index]
            writer.writeVarInt(previousLower - range.upperBound - 2)
            writer.writeVarInt(range.upperBound - range.lowerBound)
            previousLower = range.lowerBound
            index += 1
        }
        if let ecn = self.ecn {
            writer.writeVarInt(ecn.ect0)
            writer.writeVarInt(ecn.ect1)
            writer.writeVarInt(ecn.ce)
        }
    }

    /// The exact size of ``encodeBody(to:)``'s output.
    @inlinable
    public var bodyLength: Int {
        let first = self.ranges[0]
        var length = VarInt.encodedLength(first.upperBound) + VarInt.encodedLength(self.ackDelay)
            + VarInt.encodedLength(UInt64(self.ranges.rangeCount - 1))
            + VarInt.encodedLength(first.upperBound - first.lowerBound)
        var previousLower = first.lowerBound
        var index = 1
        while index < self.ranges.rangeCount {
            let range = self.ranges[index]
            length += VarInt.encodedLength(previousLower - range.upperBound - 2)
            length += VarInt.encodedLength(range.upperBound - range.lowerBound)
            previousLower = range.lowerBound
            index += 1
        }
        if let ecn = self.ecn {
            length += VarInt.encodedLength(ecn.ect0) + VarInt.encodedLength(ecn.ect1) + VarInt.encodedLength(ecn.ce)
        }
        return length
    }
}

/// A PATH_ACK frame (draft-ietf-quic-multipath-21 §4.1): an ACK frame for the packet-number space of
/// one path, which may travel on any path.
public struct PathAckFrame: Hashable, Sendable {
    public var pathID: PathID
    public var ack: AckFrame

    public init(pathID: PathID, ack: AckFrame) {
        self.pathID = pathID
        self.ack = ack
    }
}
