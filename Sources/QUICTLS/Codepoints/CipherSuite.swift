/// A TLS 1.3 cipher suite (RFC 8446 §B.4): the AEAD and the hash used by HKDF.
///
/// A struct over the raw value: a ClientHello may offer suites this library does not know, and they must
/// survive decoding and re-encoding byte for byte.
public struct CipherSuite: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let aes128GCMSHA256 = CipherSuite(rawValue: 0x1301)
    public static let aes256GCMSHA384 = CipherSuite(rawValue: 0x1302)
    public static let chacha20Poly1305SHA256 = CipherSuite(rawValue: 0x1303)
    /// RFC 8446 §B.4 lists it, but RFC 9001 §5.3 forbids it for QUIC (no header protection is defined).
    public static let aes128CCMSHA256 = CipherSuite(rawValue: 0x1304)

    /// The length in bytes of the suite's hash (and so of Finished.verify_data), or nil for an unknown suite.
    public var hashLength: Int? {
        switch self.rawValue {
        case 0x1301, 0x1303, 0x1304: return 32
        case 0x1302: return 48
        default: return nil
        }
    }

    public var description: String {
        switch self.rawValue {
        case 0x1301: return "TLS_AES_128_GCM_SHA256"
        case 0x1302: return "TLS_AES_256_GCM_SHA384"
        case 0x1303: return "TLS_CHACHA20_POLY1305_SHA256"
        case 0x1304: return "TLS_AES_128_CCM_SHA256"
        default: return "cipher suite 0x" + String(self.rawValue, radix: 16)
        }
    }
}
