import QUICWire

/// The routing identity a QUIC-LB connection ID carries: one of the server IDs the configuration agent assigned
/// to this server (draft-ietf-quic-load-balancers-21 §5.1), 1 to 15 octets.
///
/// Stored inline, so that decoding one from a connection ID, hashing it and looking it up in a dictionary (a
/// router choosing the event loop that owns a datagram) never allocates.
public struct QUICLBServerID: Hashable, Sendable, CustomStringConvertible {
    /// §5.1: "MUST be at least one octet"; with the nonce's four octets, at most 15 fit in 19 octets.
    public static let lengthRange = 1...15

    /// The octets, held in a connection ID's inline storage (at most 20 octets, no heap).
    @usableFromInline
    let storage: ConnectionID

    /// A server ID with the given octets.
    public init(_ bytes: some Collection<UInt8>) throws(QUICLBError) {
        guard Self.lengthRange.contains(bytes.count) else { throw .invalidServerIDLength(bytes.count) }
        do {
            self.storage = try ConnectionID(bytes)
        } catch {
            throw .invalidServerIDLength(bytes.count)
        }
    }

    /// A server ID of `length` octets holding `value` big-endian (for example a loop index); the high octets of
    /// `value` beyond `length` must be zero.
    public init(_ value: UInt64, length: Int) throws(QUICLBError) {
        guard Self.lengthRange.contains(length) else { throw .invalidServerIDLength(length) }
        guard length >= 8 || value >> UInt64(8 * length) == 0 else {
            throw .serverIDValueTooLarge(value, length: length)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for position in 0..<length {
            let shift = 8 * (length - 1 - position)
            bytes.append(shift < 64 ? UInt8(truncatingIfNeeded: value >> UInt64(shift)) : 0)
        }
        try self.init(bytes)
    }

    /// Wraps octets already checked to be 1 to 15 long.
    init(checked storage: ConnectionID) {
        self.storage = storage
    }

    /// The number of octets.
    @inlinable
    public var length: Int { self.storage.length }

    /// The octet at `position` (0 ..< length).
    @inlinable
    public subscript(position: Int) -> UInt8 { self.storage[position] }

    /// The octets, as a new array.
    public var bytes: [UInt8] { self.storage.bytes }

    /// Lowercase hex.
    public var description: String { self.storage.description }
}

/// The part of a QUIC-LB connection ID that makes each one unique for the same server ID
/// (draft-ietf-quic-load-balancers-21 §5.2), 4 to 18 octets, stored inline.
public struct QUICLBNonce: Hashable, Sendable, CustomStringConvertible {
    /// §5.3: "The nonce length MUST be at least 4 octets"; with a one-octet server ID at most 18 fit.
    public static let lengthRange = 4...18

    @usableFromInline
    let storage: ConnectionID

    /// A nonce with the given octets.
    public init(_ bytes: some Collection<UInt8>) throws(QUICLBError) {
        guard Self.lengthRange.contains(bytes.count) else { throw .invalidNonceLength(bytes.count) }
        do {
            self.storage = try ConnectionID(bytes)
        } catch {
            throw .invalidNonceLength(bytes.count)
        }
    }

    /// Wraps octets already checked to be 4 to 18 long.
    init(checked storage: ConnectionID) {
        self.storage = storage
    }

    /// The number of octets.
    @inlinable
    public var length: Int { self.storage.length }

    /// The octet at `position` (0 ..< length).
    @inlinable
    public subscript(position: Int) -> UInt8 { self.storage[position] }

    /// The octets, as a new array.
    public var bytes: [UInt8] { self.storage.bytes }

    /// Lowercase hex.
    public var description: String { self.storage.description }
}

/// What a QUIC-LB connection ID decodes to.
public struct QUICLBDecodedConnectionID: Hashable, Sendable {
    public var serverID: QUICLBServerID
    public var nonce: QUICLBNonce

    public init(serverID: QUICLBServerID, nonce: QUICLBNonce) {
        self.serverID = serverID
        self.nonce = nonce
    }
}
