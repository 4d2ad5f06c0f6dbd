import QUICWire

/// The per-version constants of QUIC packet protection: the Initial salt, the HKDF labels and the
/// Retry integrity key and nonce.
///
/// RFC 9001 §5.2 gives the v1 values; RFC 9369 §3.3 changes all of them for QUIC version 2.
public struct VersionParameters: Sendable {
    /// The version these values belong to.
    public let version: QUICVersion
    /// Salt for HKDF-Extract of the Initial secret.
    public let initialSalt: [UInt8]
    /// Label deriving the AEAD key ("quic key" / "quicv2 key").
    public let keyLabel: String
    /// Label deriving the IV ("quic iv" / "quicv2 iv").
    public let ivLabel: String
    /// Label deriving the header protection key ("quic hp" / "quicv2 hp").
    public let headerProtectionLabel: String
    /// Label deriving the next-generation secret on key update ("quic ku" / "quicv2 ku").
    public let keyUpdateLabel: String
    /// AEAD_AES_128_GCM key of the Retry Integrity Tag.
    public let retryKey: [UInt8]
    /// AEAD nonce of the Retry Integrity Tag.
    public let retryNonce: [UInt8]

    /// RFC 9001 §5.2 and §5.8.
    public static let v1 = VersionParameters(
        version: .v1,
        initialSalt: [
            0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
            0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
        ],
        keyLabel: "quic key",
        ivLabel: "quic iv",
        headerProtectionLabel: "quic hp",
        keyUpdateLabel: "quic ku",
        retryKey: [
            0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e,
        ],
        retryNonce: [0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb]
    )

    /// RFC 9369 §3.3.
    public static let v2 = VersionParameters(
        version: .v2,
        initialSalt: [
            0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
            0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
        ],
        keyLabel: "quicv2 key",
        ivLabel: "quicv2 iv",
        headerProtectionLabel: "quicv2 hp",
        keyUpdateLabel: "quicv2 ku",
        retryKey: [
            0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2, 0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92,
        ],
        retryNonce: [0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a]
    )

    /// The parameters of a supported version; throws `unsupportedVersion` for any other.
    public static func forVersion(_ version: QUICVersion) throws(CryptoError) -> VersionParameters {
        switch version {
        case .v1: return .v1
        case .v2: return .v2
        default: throw .unsupportedVersion(version.rawValue)
        }
    }
}
