/// A QUIC connection ID: 0 to 20 bytes (RFC 9000 §5.1), stored inline so that creating, copying,
/// hashing and comparing one never allocates.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// RFC 9000 §17.2: in QUIC version 1 a connection ID is at most 20 bytes.
    public static let maxLength = 20

    @usableFromInline
    internal var storage: (UInt64, UInt64, UInt32)
    /// The number of bytes, 0 through 20.
    public let length: Int

    /// The zero-length connection ID.
    public static let empty = ConnectionID()

    /// The zero-length connection ID.
    @inlinable
    public init() {
        self.storage = (0, 0, 0)
        self.length = 0
    }

    /// A connection ID with the given bytes.
    ///
    /// - Throws: ``WireError`` with kind `.outOfRange` when there are more than 20 bytes.
    @inlinable
    public init(_ bytes: some Collection<UInt8>) throws(WireError) {
        guard bytes.count <= ConnectionID.maxLength else {
            throw WireError(.outOfRange, code: .protocolViolation,
                            reason: "connection ID of \(bytes.count) bytes exceeds 20")
        }
        self.storage = (0, 0, 0)
        self.length = bytes.count
        var position = 0
        for byte in bytes {
            self.setByte(byte, at: position)
            position += 1
        }
    }

    /// A connection ID built from a literal list of bytes; traps on more than 20 (for tests and
    /// constants only).
    public init(literal bytes: [UInt8]) {
        precondition(bytes.count <= ConnectionID.maxLength, "connection IDs are at most 20 bytes")
        self.storage = (0, 0, 0)
        self.length = bytes.count
        for (position, byte) in bytes.enumerated() {
            self.setByte(byte, at: position)
        }
    }

    @inlinable
    internal mutating func setByte(_ byte: UInt8, at position: Int) {
        if position < 8 {
            self.storage.0 |= UInt64(byte) << UInt64(56 - position * 8)
        } else if position < 16 {
            self.storage.1 |= UInt64(byte) << UInt64(56 - (position - 8) * 8)
        } else {
            self.storage.2 |= UInt32(byte) << UInt32(24 - (position - 16) * 8)
        }
    }

    /// The byte at `position` (0 ..< length).
    @inlinable
    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < self.length, "connection ID index out of range")
        if position < 8 {
            return UInt8(truncatingIfNeeded: self.storage.0 >> UInt64(56 - position * 8))
        } else if position < 16 {
            return UInt8(truncatingIfNeeded: self.storage.1 >> UInt64(56 - (position - 8) * 8))
        } else {
            return UInt8(truncatingIfNeeded: self.storage.2 >> UInt32(24 - (position - 16) * 8))
        }
    }

    /// The bytes, as a new array.
    public var bytes: [UInt8] {
        (0..<self.length).map { self[$0] }
    }

    @inlinable
    public var isEmpty: Bool { self.length == 0 }

    /// Reads a connection ID of `length` bytes.
    @inlinable
    public static func read(from reader: inout ByteReader, length: Int) throws(WireError) -> ConnectionID {
        try ConnectionID(try reader.readBytes(length))
    }

    /// Writes the bytes (without a length): up to three big-endian word writes, not one per byte, since
    /// every short header carries a connection ID.
    @inlinable
    public func write(to writer: inout ByteWriter) {
        let first = min(self.length, 8)
        if first > 0 {
            writer.writeBigEndian(self.storage.0 >> UInt64(64 - 8 * first), byteCount: first)
        }
        let second = min(max(self.length - 8, 0), 8)
        if second > 0 {
            writer.writeBigEndian(self.storage.1 >> UInt64(64 - 8 * second), byteCount: second)
        }
        let third = max(self.length - 16, 0)
        if third > 0 {
            writer.writeBigEndian(UInt64(self.storage.2) >> UInt64(32 - 8 * third), byteCount: third)
        }
    }

    public static func == (lhs: ConnectionID, rhs: ConnectionID) -> Bool {
        lhs.length == rhs.length && lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
            && lhs.storage.2 == rhs.storage.2
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.length)
        hasher.combine(self.storage.0)
        hasher.combine(self.storage.1)
        hasher.combine(self.storage.2)
    }

    /// Lowercase hex, as qlog and logs show connection IDs.
    public var description: String {
        var text = ""
        for byte in self.bytes {
            text += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return text
    }
}
