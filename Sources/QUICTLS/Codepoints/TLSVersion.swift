/// A TLS ProtocolVersion value (RFC 8446 §4.1.2, §4.2.1).
public struct TLSVersion: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// RFC 8446 §4.1.2: legacy_version in a TLS 1.3 ClientHello and ServerHello is 0x0303.
    public static let tls12 = TLSVersion(rawValue: 0x0303)
    /// The version that supported_versions negotiates; RFC 9001 §4.2: QUIC requires TLS 1.3 or later.
    public static let tls13 = TLSVersion(rawValue: 0x0304)

    public var description: String {
        switch self.rawValue {
        case 0x0303: return "TLS 1.2"
        case 0x0304: return "TLS 1.3"
        default: return "version 0x" + String(self.rawValue, radix: 16)
        }
    }
}
