/// A key exchange group (RFC 8446 §4.2.7).
public struct NamedGroup: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let secp256r1 = NamedGroup(rawValue: 0x0017)
    public static let secp384r1 = NamedGroup(rawValue: 0x0018)
    public static let secp521r1 = NamedGroup(rawValue: 0x0019)
    public static let x25519 = NamedGroup(rawValue: 0x001d)
    public static let x448 = NamedGroup(rawValue: 0x001e)
    /// The X25519 + ML-KEM-768 hybrid (draft-ietf-tls-ecdhe-mlkem).
    public static let x25519MLKEM768 = NamedGroup(rawValue: 0x11ec)

    public var description: String {
        switch self.rawValue {
        case 0x0017: return "secp256r1"
        case 0x0018: return "secp384r1"
        case 0x0019: return "secp521r1"
        case 0x001d: return "x25519"
        case 0x001e: return "x448"
        case 0x11ec: return "X25519MLKEM768"
        default: return "group 0x" + String(self.rawValue, radix: 16)
        }
    }
}
