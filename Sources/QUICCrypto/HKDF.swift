import Crypto

/// The HKDF functions of TLS 1.3 that QUIC uses to derive its keys.
public enum QUICHKDF {
    /// The hash functions of the TLS 1.3 cipher suites.
    public enum Hash: Sendable {
        case sha256
        case sha384

        /// Output length in bytes.
        public var length: Int {
            switch self {
            case .sha256: return 32
            case .sha384: return 48
            }
        }
    }

    /// HKDF-Extract (RFC 5869 §2.2): PRK = HMAC-Hash(salt, IKM).
    public static func extract(salt: [UInt8], inputKeyMaterial: [UInt8], hash: Hash) -> [UInt8] {
        let ikm = SymmetricKey(data: inputKeyMaterial)
        switch hash {
        case .sha256:
            return HKDF<SHA256>.extract(inputKeyMaterial: ikm, salt: salt).withUnsafeBytes { Array($0) }
        case .sha384:
            return HKDF<SHA384>.extract(inputKeyMaterial: ikm, salt: salt).withUnsafeBytes { Array($0) }
        }
    }

    /// HKDF-Expand-Label (RFC 8446 §7.1):
    ///
    ///     HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length)
    ///     struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label;
    ///              opaque context<0..255> = Context; } HkdfLabel;
    ///
    /// Throws `invalidKeyLength` if the secret is shorter than the hash, or the label, context or length
    /// do not fit their fields.
    public static func expandLabel(
        secret: [UInt8],
        label: String,
        context: [UInt8] = [],
        length: Int,
        hash: Hash
    ) throws(CryptoError) -> [UInt8] {
        // RFC 5869 §2.3: L <= 255 * HashLen; the PRK must be at least HashLen bytes.
        guard secret.count >= hash.length, length > 0, length <= 255 * hash.length, length <= 0xffff else {
            throw .invalidKeyLength
        }
        let info = try Self.hkdfLabel(label: label, context: context, length: length)
        switch hash {
        case .sha256:
            let key = HKDF<SHA256>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
            return key.withUnsafeBytes { Array($0) }
        case .sha384:
            let key = HKDF<SHA384>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
            return key.withUnsafeBytes { Array($0) }
        }
    }

    /// The serialized `HkdfLabel` structure (RFC 8446 §7.1), exposed so tests can compare it with the
    /// label bytes listed in RFC 9001 Appendix A.1.
    public static func hkdfLabel(label: String, context: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        let fullLabel = Array("tls13 ".utf8) + Array(label.utf8)
        guard fullLabel.count <= 255, context.count <= 255, length >= 0, length <= 0xffff else {
            throw .invalidKeyLength
        }
        var info: [UInt8] = []
        info.reserveCapacity(4 + fullLabel.count + context.count)
        info.append(UInt8(truncatingIfNeeded: length >> 8))
        info.append(UInt8(truncatingIfNeeded: length))
        info.append(UInt8(fullLabel.count))
        info.append(contentsOf: fullLabel)
        info.append(UInt8(context.count))
        info.append(contentsOf: context)
        return info
    }
}

extension CipherSuite {
    /// The hash used by the suite's HKDF.
    public var hash: QUICHKDF.Hash {
        switch self {
        case .aes128GCMSHA256, .chacha20Poly1305SHA256: return .sha256
        case .aes256GCMSHA384: return .sha384
        }
    }
}
