/// QUIC variable-length integers (RFC 9000 §16).
///
/// The two most significant bits of the first byte give the length: 00 = 1 byte (6-bit value),
/// 01 = 2 bytes (14 bits), 10 = 4 bytes (30 bits), 11 = 8 bytes (62 bits).
public enum VarInt {
    /// The largest value a variable-length integer can carry: 2^62 - 1.
    public static let max: UInt64 = (1 << 62) - 1

    /// The number of bytes the shortest encoding of `value` takes (1, 2, 4 or 8).
    ///
    /// - Precondition: `value <= VarInt.max`.
    @inlinable
    public static func encodedLength(_ value: UInt64) -> Int {
        if value < (1 << 6) { return 1 }
        if value < (1 << 14) { return 2 }
        if value < (1 << 30) { return 4 }
        precondition(value <= VarInt.max, "\(value) does not fit a QUIC variable-length integer")
        return 8
    }

    /// The number of bytes the shortest encoding of `value` takes (for lengths and counts).
    @inlinable
    public static func encodedLength(_ value: Int) -> Int {
        self.encodedLength(UInt64(value))
    }

    /// The length of an encoding from its first byte.
    @inlinable
    public static func length(firstByte: UInt8) -> Int {
        1 << Int(firstByte >> 6)
    }
}
