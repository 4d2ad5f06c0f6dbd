/// The type of a long-header packet (RFC 9000 §17.2).
public enum LongPacketType: Sendable, Hashable, CaseIterable {
    case initial
    case zeroRTT
    case handshake
    case retry

    /// Decodes the two type bits of the first byte for `version`.
    ///
    /// RFC 9000 Table 5: Initial 0x00, 0-RTT 0x01, Handshake 0x02, Retry 0x03. RFC 9369 §3.2 (QUIC v2):
    /// "Initial: 0b01, 0-RTT: 0b10, Handshake: 0b11, Retry: 0b00".
    @inlinable
    public init(bits: UInt8, version: QUICVersion) {
        let value = version == .v2 ? (bits &+ 3) & 0x03 : bits & 0x03
        switch value {
        case 0: self = .initial
        case 1: self = .zeroRTT
        case 2: self = .handshake
        default: self = .retry
        }
    }

    /// The two type bits for `version`.
    @inlinable
    public func bits(for version: QUICVersion) -> UInt8 {
        let value: UInt8
        switch self {
        case .initial: value = 0
        case .zeroRTT: value = 1
        case .handshake: value = 2
        case .retry: value = 3
        }
        return version == .v2 ? (value &+ 1) & 0x03 : value
    }

    /// The encryption level of the packet's payload (nil for Retry, which has none).
    @inlinable
    public var encryptionLevel: EncryptionLevel? {
        switch self {
        case .initial: return .initial
        case .zeroRTT: return .zeroRTT
        case .handshake: return .handshake
        case .retry: return nil
        }
    }
}
