import QUICWire

/// A QUIC stream identifier (RFC 9000 §2.1).
///
/// RFC 9000 §2.1: "The least significant bit (0x01) of the stream ID identifies the initiator of the
/// stream. Client-initiated streams have even-numbered stream IDs (with the bit set to 0), and
/// server-initiated streams have odd-numbered stream IDs (with the bit set to 1). The second least
/// significant bit (0x02) of the stream ID distinguishes between bidirectional streams (with the bit
/// set to 0) and unidirectional streams (with the bit set to 1)."
public struct StreamID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    @inlinable
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Who opened a stream.
    public enum Initiator: Sendable, Hashable {
        case client
        case server
    }

    /// Whether data flows both ways.
    public enum Direction: Sendable, Hashable {
        case bidirectional
        case unidirectional
    }

    /// The `index`-th stream (counting from 0) of the given initiator and direction, or nil when the
    /// identifier would exceed 2^62 - 1.
    @inlinable
    public init?(initiator: Initiator, direction: Direction, index: UInt64) {
        guard index <= (VarInt.max >> 2) else { return nil }
        let low: UInt64 = (initiator == .server ? 0x1 : 0) | (direction == .unidirectional ? 0x2 : 0)
        self.rawValue = (index << 2) | low
    }

    @inlinable
    public var initiator: Initiator { self.rawValue & 0x1 == 0 ? .client : .server }

    @inlinable
    public var direction: Direction { self.rawValue & 0x2 == 0 ? .bidirectional : .unidirectional }

    /// The position of this stream among the streams of its type (RFC 9000 §2.1: the stream count
    /// limit of MAX_STREAMS counts these).
    @inlinable
    public var index: UInt64 { self.rawValue >> 2 }

    @inlinable
    public static func < (lhs: StreamID, rhs: StreamID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String { String(self.rawValue) }
}
