/// Appends QUIC's big-endian integers, variable-length integers and byte strings to a buffer the
/// caller owns.
///
/// Hand a buffer in with ``init(reusing:)`` and take it back with ``bytes``; its capacity survives,
/// so a connection that writes every packet into the same buffer does not allocate per packet.
/// Writers never fail for lack of space (the array grows); callers that must fit a datagram compare
/// ``count`` against their budget, using the `encodedLength` that every encodable type reports.
public struct ByteWriter: Sendable {
    /// What has been written.
    public var bytes: [UInt8]

    /// A writer with an empty buffer of at least `capacity` bytes.
    @inlinable
    public init(capacity: Int = 0) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    /// A writer that appends to `buffer` after emptying it, keeping its capacity.
    @inlinable
    public init(reusing buffer: [UInt8]) {
        self.bytes = buffer
        self.bytes.removeAll(keepingCapacity: true)
    }

    /// A writer that appends after the bytes already in `buffer`.
    @inlinable
    public init(appendingTo buffer: [UInt8]) {
        self.bytes = buffer
    }

    /// Empties the buffer, keeping its capacity, to write the next packet.
    @inlinable
    public mutating func reset() {
        self.bytes.removeAll(keepingCapacity: true)
    }

    /// The number of bytes written.
    @inlinable
    public var count: Int { self.bytes.count }

    @inlinable
    public mutating func writeUInt8(_ value: UInt8) {
        self.bytes.append(value)
    }

    @inlinable
    public mutating func writeUInt16(_ value: UInt16) {
        self.writeBigEndian(UInt64(value), byteCount: 2)
    }

    @inlinable
    public mutating func writeUInt32(_ value: UInt32) {
        self.writeBigEndian(UInt64(value), byteCount: 4)
    }

    @inlinable
    public mutating func writeUInt64(_ value: UInt64) {
        self.writeBigEndian(value, byteCount: 8)
    }

    /// Writes the low `byteCount` bytes (0 to 8) of `value`, most significant first.
    @inlinable
    public mutating func writeBigEndian(_ value: UInt64, byteCount: Int) {
        precondition(byteCount >= 0 && byteCount <= 8, "integers are at most 8 bytes long")
        // One bulk append of the big-endian bytes instead of one append per byte.
        withUnsafeBytes(of: value.bigEndian) { raw in
            self.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(8 - byteCount)...]))
        }
    }

    /// Writes `value` as a variable-length integer in its shortest form (RFC 9000 §16).
    ///
    /// - Precondition: `value <= VarInt.max`. Values that came off the wire always satisfy this;
    ///   values from users must be checked where they enter.
    @inlinable
    public mutating func writeVarInt(_ value: UInt64) {
        self.writeVarInt(value, length: VarInt.encodedLength(value))
    }

    /// Writes a length or count as a variable-length integer.
    @inlinable
    public mutating func writeVarInt(_ value: Int) {
        precondition(value >= 0, "negative lengths have no encoding")
        self.writeVarInt(UInt64(value))
    }

    /// Writes `value` as a variable-length integer in exactly `length` bytes (1, 2, 4 or 8), for
    /// fields that are written before their value is known and patched later.
    ///
    /// - Precondition: `value` fits in `length` bytes.
    @inlinable
    public mutating func writeVarInt(_ value: UInt64, length: Int) {
        self.writeBigEndian(Self.varIntEncoding(value, length: length), byteCount: length)
    }

    /// Overwrites the variable-length integer of `length` bytes at `offset` with `value`.
    @inlinable
    public mutating func patchVarInt(_ value: UInt64, at offset: Int, length: Int) {
        let encoded = Self.varIntEncoding(value, length: length)
        for position in 0..<length {
            let shift = UInt64((length - 1 - position) * 8)
            self.bytes[offset + position] = UInt8(truncatingIfNeeded: encoded >> shift)
        }
    }

    /// `value` with the two length bits of a `length`-byte variable-length integer (RFC 9000 §16) set.
    @inlinable
    internal static func varIntEncoding(_ value: UInt64, length: Int) -> UInt64 {
        let prefix: UInt64
        switch length {
        case 1: prefix = 0
        case 2: prefix = 0b01
        case 4: prefix = 0b10
        case 8: prefix = 0b11
        default: preconditionFailure("a variable-length integer is 1, 2, 4 or 8 bytes, not \(length)")
        }
        let bits = UInt64(length * 8 - 2)
        precondition(value < (UInt64(1) << bits), "\(value) does not fit \(length) bytes")
        return value | (prefix << bits)
    }

    @inlinable
    public mutating func writeBytes(_ bytes: some Sequence<UInt8>) {
        self.bytes.append(contentsOf: bytes)
    }

    /// Writes the length of `bytes` as a variable-length integer, then the bytes.
    @inlinable
    public mutating func writeVarIntPrefixedBytes(_ bytes: some Collection<UInt8>) {
        self.writeVarInt(bytes.count)
        self.bytes.append(contentsOf: bytes)
    }

    /// Appends `count` zero bytes (PADDING frames are single zero bytes).
    @inlinable
    public mutating func writeZeros(_ count: Int) {
        guard count > 0 else { return }
        self.bytes.append(contentsOf: repeatElement(0, count: count))
    }
}
