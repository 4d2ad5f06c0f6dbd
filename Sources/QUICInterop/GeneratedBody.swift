/// The deterministic bytes of a generated response (`/N`): the byte at offset `i` is
/// `UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 13)` (Knuth's multiplicative hash of the offset), so a
/// client can check any range without the server storing anything, and chunk boundaries never matter.
public enum GeneratedBody {
    /// The byte at `offset`.
    @inlinable
    public static func byte(at offset: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: (offset &* 2_654_435_761) >> 13)
    }

    /// Writes the bytes at `offset ..< offset + buffer.count` into `buffer`.
    @inlinable
    public static func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>, offset: UInt64) {
        var position = offset
        for index in buffer.indices {
            buffer[index] = Self.byte(at: position)
            position &+= 1
        }
    }

    /// The `count` bytes starting at `offset`.
    public static func bytes(offset: UInt64, count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: max(0, count)) { buffer, initialized in
            Self.fill(buffer, offset: offset)
            initialized = buffer.count
        }
    }
}
