/// The TLS 1.3 cipher suites QUIC packet protection supports (RFC 9001 §5.3).
///
/// TLS_AES_128_CCM_SHA256 is not offered: swift-crypto has no AES-CCM.
public enum CipherSuite: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case aes128GCMSHA256 = 0x1301
    case aes256GCMSHA384 = 0x1302
    case chacha20Poly1305SHA256 = 0x1303

    /// Length of the AEAD key in bytes.
    @inlinable
    public var keyLength: Int {
        switch self {
        case .aes128GCMSHA256: return 16
        case .aes256GCMSHA384, .chacha20Poly1305SHA256: return 32
        }
    }

    /// Length of the IV (and of the nonce) in bytes; 12 for every suite here.
    @inlinable
    public var ivLength: Int { 12 }

    /// RFC 9001 §5.4.3/§5.4.4: the header protection key has the length of the AEAD key.
    @inlinable
    public var headerProtectionKeyLength: Int { self.keyLength }

    /// Length of the AEAD authentication tag in bytes.
    @inlinable
    public var tagLength: Int { 16 }

    /// Output length of the suite's hash, which is also the length of its traffic secrets.
    @inlinable
    public var hashLength: Int {
        switch self {
        case .aes128GCMSHA256, .chacha20Poly1305SHA256: return 32
        case .aes256GCMSHA384: return 48
        }
    }

    /// RFC 9001 §6.6: "For AEAD_AES_128_GCM and AEAD_AES_256_GCM, the confidentiality limit is 2^23 encrypted
    /// packets ... For AEAD_CHACHA20_POLY1305, the confidentiality limit is greater than the number of possible
    /// packets (2^62) and so can be disregarded." `nil` means no limit.
    @inlinable
    public var confidentialityLimit: UInt64? {
        switch self {
        case .aes128GCMSHA256, .aes256GCMSHA384: return 1 << 23
        case .chacha20Poly1305SHA256: return nil
        }
    }

    /// RFC 9001 §6.6: "For AEAD_AES_128_GCM and AEAD_AES_256_GCM, the integrity limit is 2^52 invalid packets
    /// ... For AEAD_CHACHA20_POLY1305, the integrity limit is 2^36 invalid packets". Counted across all keys
    /// of a connection.
    @inlinable
    public var integrityLimit: UInt64 {
        switch self {
        case .aes128GCMSHA256, .aes256GCMSHA384: return 1 << 52
        case .chacha20Poly1305SHA256: return 1 << 36
        }
    }

    public var description: String {
        switch self {
        case .aes128GCMSHA256: return "TLS_AES_128_GCM_SHA256"
        case .aes256GCMSHA384: return "TLS_AES_256_GCM_SHA384"
        case .chacha20Poly1305SHA256: return "TLS_CHACHA20_POLY1305_SHA256"
        }
    }
}
