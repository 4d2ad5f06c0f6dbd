import Crypto

/// The hash a TLS 1.3 cipher suite names (RFC 8446 §B.4), which drives HKDF, HMAC and the transcript hash.
///
/// Only the two hashes TLS 1.3's suites use exist here: SHA-256 (TLS_AES_128_GCM_SHA256,
/// TLS_CHACHA20_POLY1305_SHA256, TLS_AES_128_CCM_SHA256) and SHA-384 (TLS_AES_256_GCM_SHA384).
public enum TLSHashAlgorithm: Hashable, Sendable, CustomStringConvertible {
    case sha256
    case sha384

    /// The hash of `suite`, or nil for a suite this library does not know.
    ///
    /// RFC 8446 §4.1.3: a client that receives a cipher suite it did not offer aborts with illegal_parameter;
    /// the caller decides that, since only it knows what was offered.
    public init?(cipherSuite suite: CipherSuite) {
        switch suite.rawValue {
        case 0x1301, 0x1303, 0x1304: self = .sha256
        case 0x1302: self = .sha384
        default: return nil
        }
    }

    /// Hash.length: 32 or 48 bytes. Every secret of the key schedule and Finished.verify_data has this length.
    public var length: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        }
    }

    public var description: String {
        switch self {
        case .sha256: return "SHA-256"
        case .sha384: return "SHA-384"
        }
    }

    /// Hash(data).
    public func hash(_ data: some Sequence<UInt8>) -> [UInt8] {
        let bytes = Array(data)
        switch self {
        case .sha256: return Array(SHA256.hash(data: bytes))
        case .sha384: return Array(SHA384.hash(data: bytes))
        }
    }

    /// Hash of the empty string: the context of Derive-Secret(., "derived", "") (RFC 8446 §7.1).
    public var emptyHash: [UInt8] {
        self.hash([])
    }

    /// HMAC(key, data) (RFC 2104) with this hash.
    public func hmac(key: [UInt8], data: some Sequence<UInt8>) -> [UInt8] {
        let symmetricKey = SymmetricKey(data: key)
        let bytes = Array(data)
        switch self {
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: bytes, using: symmetricKey))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: bytes, using: symmetricKey))
        }
    }

    /// HKDF-Extract(salt, IKM) (RFC 5869 §2.2). RFC 8446 §7.1 draws it with the salt coming from the left
    /// (the previous stage) and the IKM from above (the PSK or the (EC)DHE shared secret).
    public func extract(salt: [UInt8], inputKeyMaterial: [UInt8]) -> [UInt8] {
        let ikm = SymmetricKey(data: inputKeyMaterial)
        switch self {
        case .sha256: return Array(HKDF<SHA256>.extract(inputKeyMaterial: ikm, salt: salt))
        case .sha384: return Array(HKDF<SHA384>.extract(inputKeyMaterial: ikm, salt: salt))
        }
    }

    /// HKDF-Expand(PRK, info, L) (RFC 5869 §2.3).
    ///
    /// - Precondition: `length` is at most 255 * Hash.length (RFC 5869's limit); every TLS use asks for far less.
    public func expand(pseudoRandomKey: [UInt8], info: [UInt8], length: Int) -> [UInt8] {
        precondition(length >= 0 && length <= 255 * self.length, "HKDF-Expand length out of range")
        let key: SymmetricKey
        switch self {
        case .sha256:
            key = HKDF<SHA256>.expand(pseudoRandomKey: pseudoRandomKey, info: info, outputByteCount: length)
        case .sha384:
            key = HKDF<SHA384>.expand(pseudoRandomKey: pseudoRandomKey, info: info, outputByteCount: length)
        }
        return key.withUnsafeBytes { Array($0) }
    }
}

extension CipherSuite {
    /// The suite's hash, or nil for a suite this library does not know.
    public var hashAlgorithm: TLSHashAlgorithm? {
        TLSHashAlgorithm(cipherSuite: self)
    }
}
