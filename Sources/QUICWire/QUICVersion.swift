/// A QUIC version number (RFC 9000 §15).
public struct QUICVersion: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    @inlinable
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// QUIC version 1 (RFC 9000).
    public static let v1 = QUICVersion(rawValue: 0x0000_0001)
    /// QUIC version 2 (RFC 9369).
    public static let v2 = QUICVersion(rawValue: 0x6b33_43cf)
    /// The value a Version Negotiation packet carries in its version field (RFC 9000 §17.2.1).
    public static let negotiation = QUICVersion(rawValue: 0)

    /// The versions this library speaks, most preferred first.
    public static let supported: [QUICVersion] = [.v1, .v2]

    /// RFC 9000 §15: versions that follow the pattern 0x?a?a?a?a are reserved for exercising version
    /// negotiation (greasing); an endpoint never selects one.
    @inlinable
    public var isReserved: Bool {
        self.rawValue & 0x0f0f_0f0f == 0x0a0a_0a0a
    }

    @inlinable
    public var isSupported: Bool {
        self == .v1 || self == .v2
    }

    public var description: String {
        switch self {
        case .v1: return "v1"
        case .v2: return "v2"
        case .negotiation: return "version-negotiation"
        default:
            let hex = String(self.rawValue, radix: 16)
            return "0x" + String(repeating: "0", count: 8 - hex.count) + hex
        }
    }
}
