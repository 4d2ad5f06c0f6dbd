import Crypto
import Foundation
import X509
import _CryptoExtras

/// Checking the peer's CertificateVerify (RFC 8446 §4.4.3).
public enum CertificateVerifySignature {
    /// Verifies `signature` over the CertificateVerify content for `role` and `transcriptHash`, made with
    /// `scheme` by the private key of `publicKey` (the peer's leaf certificate key).
    ///
    /// - `scheme` not among `offered` (what we sent in signature_algorithms), a scheme TLS 1.3 forbids here
    ///   (RSASSA-PKCS1-v1_5, SHA-1) or one that does not fit the key: illegal_parameter (RFC 8446 §4.4.3: "If the
    ///   CertificateVerify message is sent by a server, the signature algorithm MUST be one offered in the
    ///   client's "signature_algorithms" extension"; §4.4.2.4 / §6.2 for the alert).
    /// - A signature that does not verify: decrypt_error (RFC 8446 §4.4.3: "If the verification fails, the
    ///   receiver MUST terminate the handshake with a "decrypt_error" alert.").
    public static func verify(
        signature: some Collection<UInt8>,
        scheme: SignatureScheme,
        role: CertificateVerifyRole,
        transcriptHash: some Collection<UInt8>,
        publicKey: Certificate.PublicKey,
        offered: some Sequence<SignatureScheme> = SignatureScheme.supportedForCertificateVerify
    ) throws(CertificateVerificationError) {
        try Self.verify(
            signature: signature,
            scheme: scheme,
            content: CertificateVerifyContent.make(role: role, transcriptHash: transcriptHash),
            publicKey: publicKey,
            offered: offered
        )
    }

    /// Verifies `signature` over `content`, the complete signed bytes of RFC 8446 §4.4.3 (as
    /// ``PeerVerificationRequest/signedContent`` carries them). Same checks and alerts as above.
    public static func verify(
        signature: some Collection<UInt8>,
        scheme: SignatureScheme,
        content: [UInt8],
        publicKey: Certificate.PublicKey,
        offered: some Sequence<SignatureScheme> = SignatureScheme.supportedForCertificateVerify
    ) throws(CertificateVerificationError) {
        guard offered.contains(scheme) else {
            throw Self.illegal("peer signed CertificateVerify with \(scheme), which we did not offer")
        }
        let bytes = Array(signature)
        let valid: Bool
        switch scheme {
        case .ecdsaSecp256r1SHA256:
            guard let key = P256.Signing.PublicKey(publicKey) else { throw Self.mismatch(scheme, publicKey) }
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: bytes) else {
                throw Self.bad("ECDSA signature is not a DER ECDSA-Sig-Value")
            }
            valid = key.isValidSignature(parsed, for: SHA256.hash(data: content))
        case .ecdsaSecp384r1SHA384:
            guard let key = P384.Signing.PublicKey(publicKey) else { throw Self.mismatch(scheme, publicKey) }
            guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: bytes) else {
                throw Self.bad("ECDSA signature is not a DER ECDSA-Sig-Value")
            }
            valid = key.isValidSignature(parsed, for: SHA384.hash(data: content))
        case .ed25519:
            guard let key = Curve25519.Signing.PublicKey(publicKey) else { throw Self.mismatch(scheme, publicKey) }
            valid = key.isValidSignature(bytes, for: content)
        case .rsaPSSRSAESHA256, .rsaPSSRSAESHA384, .rsaPSSRSAESHA512:
            guard let key = _RSA.Signing.PublicKey(publicKey) else { throw Self.mismatch(scheme, publicKey) }
            let parsed = _RSA.Signing.RSASignature(rawRepresentation: bytes)
            switch scheme {
            case .rsaPSSRSAESHA256:
                valid = key.isValidSignature(parsed, for: SHA256.hash(data: content), padding: .PSS)
            case .rsaPSSRSAESHA384:
                valid = key.isValidSignature(parsed, for: SHA384.hash(data: content), padding: .PSS)
            default: valid = key.isValidSignature(parsed, for: SHA512.hash(data: content), padding: .PSS)
            }
        default:
            throw Self.illegal("\(scheme) is not allowed in a TLS 1.3 CertificateVerify")
        }
        guard valid else {
            throw Self.bad("CertificateVerify signature (\(scheme)) does not verify with the certificate's key")
        }
    }

    private static func illegal(_ reason: String) -> CertificateVerificationError {
        CertificateVerificationError(.illegalSignatureScheme, alert: CertificateAlert.illegalParameter, reason: reason)
    }

    private static func mismatch(
        _ scheme: SignatureScheme,
        _ key: Certificate.PublicKey
    ) -> CertificateVerificationError {
        Self.illegal("CertificateVerify scheme \(scheme) does not match the certificate's \(key) key")
    }

    private static func bad(_ reason: String) -> CertificateVerificationError {
        CertificateVerificationError(.badSignature, alert: CertificateAlert.decryptError, reason: reason)
    }
}
