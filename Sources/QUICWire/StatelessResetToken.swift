/// A 16-byte stateless reset token (RFC 9000 §10.3), stored inline.
public struct StatelessResetToken: Hashable, Sendable, CustomStringConvertible {
    /// RFC 9000 §10.3: the token is 16 bytes long.
    public static let length = 16

    public var high: UInt64
    public var low: UInt64

    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A token from exactly 16 bytes.
    ///
    /// - Throws: ``WireError`` with kind `.malformed` for any other length.
    @inlinable
    public init(_ bytes: some Collection<UInt8>) throws(WireError) {
        guard bytes.count == StatelessResetToken.length else {
            throw WireError(.malformed, reason: "a stateless reset token is 16 bytes, not \(bytes.count)")
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (position, byte) in bytes.enumerated() {
            if position < 8 {
                high = (high << 8) | UInt64(byte)
            } else {
                low = (low << 8) | UInt64(byte)
            }
        }
        self.high = high
        self.low = low
    }

    @inlinable
    public static func read(from reader: inout ByteReader) throws(WireError) -> StatelessResetToken {
        let high = try reader.readUInt64()
        let low = try reader.readUInt64()
        return StatelessResetToken(high: high, low: low)
    }

    @inlinable
    public func write(to writer: inout ByteWriter) {
        writer.writeUInt64(self.high)
        writer.writeUInt64(self.low)
    }

    /// The 16 bytes.
    public var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 16)
        self.write(to: &writer)
        return writer.bytes
    }

    public var description: String {
        self.bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
