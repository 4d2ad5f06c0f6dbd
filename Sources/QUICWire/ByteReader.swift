/// Reads QUIC's big-endian integers, variable-length integers and byte strings from a buffer the
/// caller owns.
///
/// Every read checks the bytes that remain first and throws ``WireError`` (kind `.truncated`) when
/// they are too few; nothing here traps on short input and no arithmetic on a length can overflow.
/// Byte strings come back as `ArraySlice`s that share the caller's storage, so reading a STREAM
/// frame's data does not copy or allocate.
public struct ByteReader: Sendable {
    @usableFromInline
    internal let storage: ArraySlice<UInt8>
    @usableFromInline
    internal var index: Int

    /// Reads `bytes` from the start.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) {
        self.storage = bytes
        self.index = bytes.startIndex
    }

    /// Reads `bytes` from the start.
    @inlinable
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// The number of bytes not yet read.
    @inlinable
    public var remaining: Int { self.storage.endIndex &- self.index }

    /// True when every byte has been read.
    @inlinable
    public var isAtEnd: Bool { self.index >= self.storage.endIndex }

    /// The number of bytes read so far (the offset of the next byte from the start of the input).
    @inlinable
    public var offset: Int { self.index &- self.storage.startIndex }

    /// The bytes not yet read, without consuming them.
    @inlinable
    public var unreadBytes: ArraySlice<UInt8> { self.storage[self.index...] }

    /// The whole input, read or not.
    @inlinable
    public var input: ArraySlice<UInt8> { self.storage }

    @inlinable
    internal func require(_ count: Int) throws(WireError) {
        guard count >= 0, count <= self.remaining else { throw WireError.truncated }
    }

    /// The next byte, without consuming it.
    @inlinable
    public func peekUInt8() throws(WireError) -> UInt8 {
        try self.require(1)
        return self.storage[self.index]
    }

    @inlinable
    public mutating func readUInt8() throws(WireError) -> UInt8 {
        try self.require(1)
        let value = self.storage[self.index]
        self.index &+= 1
        return value
    }

    @inlinable
    public mutating func readUInt16() throws(WireError) -> UInt16 {
        UInt16(truncatingIfNeeded: try self.readBigEndian(byteCount: 2))
    }

    @inlinable
    public mutating func readUInt32() throws(WireError) -> UInt32 {
        UInt32(truncatingIfNeeded: try self.readBigEndian(byteCount: 4))
    }

    @inlinable
    public mutating func readUInt64() throws(WireError) -> UInt64 {
        try self.readBigEndian(byteCount: 8)
    }

    /// Reads an unsigned big-endian integer of `byteCount` bytes (0 to 8).
    @inlinable
    public mutating func readBigEndian(byteCount: Int) throws(WireError) -> UInt64 {
        guard byteCount <= 8 else {
            throw WireError(.malformed, reason: "integers are at most 8 bytes long")
        }
        try self.require(byteCount)
        var value: UInt64 = 0
        var position = self.index
        let end = self.index &+ byteCount
        while position < end {
            value = (value << 8) | UInt64(self.storage[position])
            position &+= 1
        }
        self.index = end
        return value
    }

    /// Reads a variable-length integer (RFC 9000 §16).
    @inlinable
    public mutating func readVarInt() throws(WireError) -> UInt64 {
        try self.readVarIntWithLength().value
    }

    /// Reads a variable-length integer and reports how many bytes its encoding took, which frame
    /// type decoding needs to reject non-minimal encodings (RFC 9000 §12.4).
    @inlinable
    public mutating func readVarIntWithLength() throws(WireError) -> (value: UInt64, length: Int) {
        let first = try self.peekUInt8()
        let length = VarInt.length(firstByte: first)
        try self.require(length)
        let start = self.index &- self.storage.startIndex
        let value = self.storage.withUnsafeBytes { raw -> UInt64 in
            switch length {
            case 1:
                return UInt64(first & 0x3f)
            case 2:
                return UInt64(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt16.self)) & 0x3fff)
            case 4:
                return UInt64(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt32.self)) & 0x3fff_ffff)
            default:
                return UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)) & 0x3fff_ffff_ffff_ffff
            }
        }
        self.index &+= length
        return (value, length)
    }

    /// Reads a variable-length integer that must fit an `Int` and be at most `limit`; used for
    /// lengths and counts, so that later arithmetic on them cannot overflow.
    @inlinable
    public mutating func readVarIntLength(limit: Int = Int(Int32.max)) throws(WireError) -> Int {
        let value = try self.readVarInt()
        guard value <= UInt64(limit) else {
            throw WireError(.overlong, reason: "length \(value) exceeds \(limit)")
        }
        return Int(value)
    }

    /// Reads `count` bytes, sharing the caller's storage.
    @inlinable
    public mutating func readBytes(_ count: Int) throws(WireError) -> ArraySlice<UInt8> {
        try self.require(count)
        let start = self.index
        self.index = start &+ count
        return self.storage[start..<self.index]
    }

    /// Reads a length given as a variable-length integer, then that many bytes.
    @inlinable
    public mutating func readVarIntPrefixedBytes() throws(WireError) -> ArraySlice<UInt8> {
        let count = try self.readVarInt()
        guard count <= UInt64(self.remaining) else { throw WireError.truncated }
        return try self.readBytes(Int(count))
    }

    /// Reads the bytes that remain.
    @inlinable
    public mutating func readRemainingBytes() -> ArraySlice<UInt8> {
        let bytes = self.storage[self.index...]
        self.index = self.storage.endIndex
        return bytes
    }

    /// Skips `count` bytes.
    @inlinable
    public mutating func skip(_ count: Int) throws(WireError) {
        try self.require(count)
        self.index &+= count
    }

    /// Reads `count` bytes and returns a reader over just them, for length-prefixed structures.
    @inlinable
    public mutating func readSubReader(_ count: Int) throws(WireError) -> ByteReader {
        ByteReader(try self.readBytes(count))
    }
}
