/// A signature algorithm and hash (RFC 8446 §4.2.3).
public struct SignatureScheme: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let rsaPKCS1SHA256 = SignatureScheme(rawValue: 0x0401)
    public static let rsaPKCS1SHA384 = SignatureScheme(rawValue: 0x0501)
    public static let rsaPKCS1SHA512 = SignatureScheme(rawValue: 0x0601)
    public static let ecdsaSecp256r1SHA256 = SignatureScheme(rawValue: 0x0403)
    public static let ecdsaSecp384r1SHA384 = SignatureScheme(rawValue: 0x0503)
    public static let ecdsaSecp521r1SHA512 = SignatureScheme(rawValue: 0x0603)
    public static let rsaPSSRSAESHA256 = SignatureScheme(rawValue: 0x0804)
    public static let rsaPSSRSAESHA384 = SignatureScheme(rawValue: 0x0805)
    public static let rsaPSSRSAESHA512 = SignatureScheme(rawValue: 0x0806)
    public static let ed25519 = SignatureScheme(rawValue: 0x0807)
    public static let ed448 = SignatureScheme(rawValue: 0x0808)
    public static let rsaPSSPSSSHA256 = SignatureScheme(rawValue: 0x0809)
    public static let rsaPSSPSSSHA384 = SignatureScheme(rawValue: 0x080a)
    public static let rsaPSSPSSSHA512 = SignatureScheme(rawValue: 0x080b)
    /// Legacy SHA-1 schemes: RFC 8446 §4.2.3 forbids them in CertificateVerify.
    public static let rsaPKCS1SHA1 = SignatureScheme(rawValue: 0x0201)
    public static let ecdsaSHA1 = SignatureScheme(rawValue: 0x0203)

    /// The schemes this module can produce and check in CertificateVerify, in order of preference: what an
    /// endpoint advertises in its own signature_algorithms extension. RFC 8446 §4.2.3: RSASSA-PKCS1-v1_5
    /// schemes "refer solely to signatures which appear in certificates [...] and are not defined for use
    /// in signed TLS handshake messages".
    public static let supportedForCertificateVerify: [SignatureScheme] = [
        .ecdsaSecp256r1SHA256,
        .ed25519,
        .ecdsaSecp384r1SHA384,
        .rsaPSSRSAESHA256,
        .rsaPSSRSAESHA384,
        .rsaPSSRSAESHA512,
    ]

    public var description: String {
        switch self.rawValue {
        case 0x0401: return "rsa_pkcs1_sha256"
        case 0x0501: return "rsa_pkcs1_sha384"
        case 0x0601: return "rsa_pkcs1_sha512"
        case 0x0403: return "ecdsa_secp256r1_sha256"
        case 0x0503: return "ecdsa_secp384r1_sha384"
        case 0x0603: return "ecdsa_secp521r1_sha512"
        case 0x0804: return "rsa_pss_rsae_sha256"
        case 0x0805: return "rsa_pss_rsae_sha384"
        case 0x0806: return "rsa_pss_rsae_sha512"
        case 0x0807: return "ed25519"
        case 0x0808: return "ed448"
        case 0x0809: return "rsa_pss_pss_sha256"
        case 0x080a: return "rsa_pss_pss_sha384"
        case 0x080b: return "rsa_pss_pss_sha512"
        case 0x0201: return "rsa_pkcs1_sha1"
        case 0x0203: return "ecdsa_sha1"
        default: return "signature scheme 0x" + String(self.rawValue, radix: 16)
        }
    }
}
