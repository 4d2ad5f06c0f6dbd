/// A failure to accept the peer's certificate chain or CertificateVerify signature, with the TLS alert the
/// handshake must send (RFC 8446 §6.2).
///
/// `alert` is the raw AlertDescription byte so that this file does not depend on the message codecs; the
/// handshake converts it to its `TLSAlert` (and QUIC to CRYPTO_ERROR 0x0100 + alert, RFC 9001 §4.8).
public struct CertificateVerificationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The peer sent no certificate.
        case emptyChain
        /// A certificate is not valid DER X.509.
        case malformedCertificate
        /// The leaf's public key algorithm is one we cannot verify with.
        case unsupportedCertificate
        /// No chain to a trust root could be built.
        case untrustedRoot
        /// A certificate in the chain has expired at the validation time.
        case expired
        /// A certificate in the chain is not yet valid at the validation time.
        case notYetValid
        /// The leaf does not carry the expected DNS name or IP address.
        case wrongIdentity
        /// The CertificateVerify scheme is not allowed, or does not fit the certificate's key.
        case illegalSignatureScheme
        /// The CertificateVerify signature does not verify.
        case badSignature
        /// Our own signing operation failed (a local fault, not the peer's).
        case signingFailed
    }

    public var kind: Kind
    /// RFC 8446 §6.2 AlertDescription to send.
    public var alert: UInt8
    public var reason: String

    public init(_ kind: Kind, alert: UInt8, reason: String) {
        self.kind = kind
        self.alert = alert
        self.reason = reason
    }

    public var description: String {
        "\(self.reason) (alert \(self.alert))"
    }
}

/// RFC 8446 §6.2 AlertDescription values used by certificate handling. The codec module owns the full
/// `TLSAlert` type; these constants exist so this code reads in the RFC's words.
public enum CertificateAlert {
    public static let handshakeFailure: UInt8 = 40
    public static let badCertificate: UInt8 = 42
    public static let unsupportedCertificate: UInt8 = 43
    public static let certificateExpired: UInt8 = 45
    public static let certificateUnknown: UInt8 = 46
    public static let illegalParameter: UInt8 = 47
    public static let unknownCA: UInt8 = 48
    public static let decodeError: UInt8 = 50
    public static let decryptError: UInt8 = 51
    public static let internalError: UInt8 = 80
    public static let certificateRequired: UInt8 = 116
}
