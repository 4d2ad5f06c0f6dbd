/// A TLS 1.3 signature scheme (RFC 8446 §4.2.3), as carried in the `signature_algorithms` extension and in
/// CertificateVerify.
///
/// This is a struct rather than an enum so that codepoints we do not implement (and GREASE values) survive a
/// round trip through the peer's list unchanged; only the constants below are ever chosen or verified.
public struct SignatureScheme: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    // RSASSA-PKCS1-v1_5: RFC 8446 §4.2.3 allows these only in certificates, never in CertificateVerify.
    public static let rsa_pkcs1_sha256 = SignatureScheme(rawValue: 0x0401)
    public static let rsa_pkcs1_sha384 = SignatureScheme(rawValue: 0x0501)
    public static let rsa_pkcs1_sha512 = SignatureScheme(rawValue: 0x0601)

    // ECDSA
    public static let ecdsa_secp256r1_sha256 = SignatureScheme(rawValue: 0x0403)
    public static let ecdsa_secp384r1_sha384 = SignatureScheme(rawValue: 0x0503)
    public static let ecdsa_secp521r1_sha512 = SignatureScheme(rawValue: 0x0603)

    // RSASSA-PSS with public key OID rsaEncryption
    public static let rsa_pss_rsae_sha256 = SignatureScheme(rawValue: 0x0804)
    public static let rsa_pss_rsae_sha384 = SignatureScheme(rawValue: 0x0805)
    public static let rsa_pss_rsae_sha512 = SignatureScheme(rawValue: 0x0806)

    // EdDSA
    public static let ed25519 = SignatureScheme(rawValue: 0x0807)
    public static let ed448 = SignatureScheme(rawValue: 0x0808)

    // RSASSA-PSS with public key OID RSASSA-PSS
    public static let rsa_pss_pss_sha256 = SignatureScheme(rawValue: 0x0809)
    public static let rsa_pss_pss_sha384 = SignatureScheme(rawValue: 0x080a)
    public static let rsa_pss_pss_sha512 = SignatureScheme(rawValue: 0x080b)

    // Legacy
    public static let rsa_pkcs1_sha1 = SignatureScheme(rawValue: 0x0201)
    public static let ecdsa_sha1 = SignatureScheme(rawValue: 0x0203)

    /// The schemes this module can produce and check in CertificateVerify, in our order of preference.
    /// This is what an endpoint advertises in its own `signature_algorithms` extension.
    public static let supportedForCertificateVerify: [SignatureScheme] = [
        .ecdsa_secp256r1_sha256,
        .ed25519,
        .ecdsa_secp384r1_sha384,
        .rsa_pss_rsae_sha256,
        .rsa_pss_rsae_sha384,
        .rsa_pss_rsae_sha512,
    ]

    public var description: String {
        switch self {
        case .rsa_pkcs1_sha256: return "rsa_pkcs1_sha256"
        case .rsa_pkcs1_sha384: return "rsa_pkcs1_sha384"
        case .rsa_pkcs1_sha512: return "rsa_pkcs1_sha512"
        case .ecdsa_secp256r1_sha256: return "ecdsa_secp256r1_sha256"
        case .ecdsa_secp384r1_sha384: return "ecdsa_secp384r1_sha384"
        case .ecdsa_secp521r1_sha512: return "ecdsa_secp521r1_sha512"
        case .rsa_pss_rsae_sha256: return "rsa_pss_rsae_sha256"
        case .rsa_pss_rsae_sha384: return "rsa_pss_rsae_sha384"
        case .rsa_pss_rsae_sha512: return "rsa_pss_rsae_sha512"
        case .ed25519: return "ed25519"
        case .ed448: return "ed448"
        case .rsa_pss_pss_sha256: return "rsa_pss_pss_sha256"
        case .rsa_pss_pss_sha384: return "rsa_pss_pss_sha384"
        case .rsa_pss_pss_sha512: return "rsa_pss_pss_sha512"
        case .rsa_pkcs1_sha1: return "rsa_pkcs1_sha1"
        case .ecdsa_sha1: return "ecdsa_sha1"
        default:
            let hex = String(self.rawValue, radix: 16)
            return "unknown(0x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ")"
        }
    }
}
