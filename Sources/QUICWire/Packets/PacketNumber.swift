/// Packet number encoding and decoding (RFC 9000 §17.1, Appendix A.2 and A.3).
public enum PacketNumber {
    /// RFC 9000 §12.3: packet numbers are integers in the range 0 to 2^62-1.
    public static let maximum: UInt64 = VarInt.max

    /// The number of bytes (1 to 4) to encode `packetNumber` with, given the largest packet number the
    /// peer has acknowledged in this space (nil when none yet).
    ///
    /// RFC 9000 §17.1: "the sender MUST use a packet number size able to represent more than twice as
    /// large a range as the difference between the largest acknowledged packet number and the packet
    /// number that is being sent." Appendix A.2 gives the computation.
    @inlinable
    public static func encodedLength(of packetNumber: UInt64, largestAcknowledged: UInt64?) -> Int {
        let unacknowledged: UInt64
        if let largest = largestAcknowledged, packetNumber > largest {
            unacknowledged = packetNumber - largest
        } else {
            unacknowledged = packetNumber &+ 1
        }
        // min_bits = log2(num_unacked) + 1; the range covered must exceed twice the distance.
        let minimumBits = (64 - unacknowledged.leadingZeroBitCount) + 1
        return min(4, max(1, (minimumBits + 7) / 8))
    }

    /// Recovers a full packet number from its truncated encoding (RFC 9000 Appendix A.3), given the
    /// largest packet number received so far in the space (nil when none).
    @inlinable
    public static func decode(truncated: UInt64, length: Int, largestReceived: UInt64?) -> UInt64 {
        let bits = UInt64(length * 8)
        let expected = largestReceived.map { $0 &+ 1 } ?? 0
        let window: UInt64 = 1 << bits
        let halfWindow = window / 2
        let mask = window - 1
        // The candidate closest to `expected` with the given low bits.
        let candidate = (expected & ~mask) | truncated
        if expected >= halfWindow, candidate <= expected - halfWindow, candidate <= PacketNumber.maximum - window {
            return candidate + window
        }
        if candidate > expected + halfWindow, candidate >= window {
            return candidate - window
        }
        return candidate
    }

    /// Writes the low `length` bytes of `packetNumber`.
    @inlinable
    public static func write(_ packetNumber: UInt64, length: Int, to writer: inout ByteWriter) {
        writer.writeBigEndian(packetNumber, byteCount: length)
    }
}
