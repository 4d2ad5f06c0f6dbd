import Crypto
import Foundation
import X509
import _CryptoExtras

extension PrivateSigningKey {
    /// The CertificateVerify schemes this key can sign with, in our order of preference.
    ///
    /// RFC 8446 §4.4.3: "RSA signatures MUST use an RSASSA-PSS algorithm, regardless of whether RSASSA-PKCS1-v1_5
    /// algorithms appear in "signature_algorithms"." An rsaEncryption key therefore offers only rsa_pss_rsae_*.
    public var signatureSchemes: [SignatureScheme] {
        switch self.backing {
        case .p256: return [.ecdsaSecp256r1SHA256]
        case .p384: return [.ecdsaSecp384r1SHA384]
        case .ed25519: return [.ed25519]
        case .rsa: return [.rsaPSSRSAESHA256, .rsaPSSRSAESHA384, .rsaPSSRSAESHA512]
        }
    }

    /// Chooses the scheme to sign CertificateVerify with, given the peer's `signature_algorithms` list.
    ///
    /// Returns our most preferred scheme that the peer offered, or nil when there is none (the handshake then
    /// fails with handshake_failure). RFC 8446 §4.4.3: the CertificateVerify signature algorithm "MUST be one
    /// offered in the client's "signature_algorithms" extension" (for a server; likewise the server's
    /// CertificateRequest list for a client).
    public func selectSignatureScheme(peerSupported: some Sequence<SignatureScheme>) -> SignatureScheme? {
        let offered = Set(peerSupported)
        return self.signatureSchemes.first { offered.contains($0) }
    }

    /// Signs the CertificateVerify content for `role` over `transcriptHash` with `scheme`.
    ///
    /// ECDSA signatures are DER-encoded `ECDSA-Sig-Value` (RFC 8446 §4.2.3); RSA-PSS uses MGF1 with the same
    /// hash and a salt as long as the digest (RFC 8446 §4.2.3: "The length of the Salt MUST be equal to the
    /// length of the output of the digest algorithm").
    public func signCertificateVerify(
        role: CertificateVerifyRole,
        transcriptHash: some Collection<UInt8>,
        scheme: SignatureScheme
    ) throws(CertificateVerificationError) -> [UInt8] {
        let content = CertificateVerifyContent.make(role: role, transcriptHash: transcriptHash)
        return try self.sign(content, scheme: scheme)
    }

    /// Signs `content` (already the full signed content) with `scheme`.
    public func sign(_ content: [UInt8], scheme: SignatureScheme) throws(CertificateVerificationError) -> [UInt8] {
        guard self.signatureSchemes.contains(scheme) else {
            throw CertificateVerificationError(
                .illegalSignatureScheme,
                alert: CertificateAlert.internalError,
                reason: "a \(self.keyTypeName) key cannot sign with \(scheme)"
            )
        }
        do {
            switch self.backing {
            case .p256(let key):
                return Array(try key.signature(for: SHA256.hash(data: content)).derRepresentation)
            case .p384(let key):
                return Array(try key.signature(for: SHA384.hash(data: content)).derRepresentation)
            case .ed25519(let key):
                return Array(try key.signature(for: content))
            case .rsa(let key):
                let signature: _RSA.Signing.RSASignature
                switch scheme {
                case .rsaPSSRSAESHA256: signature = try key.signature(for: SHA256.hash(data: content), padding: .PSS)
                case .rsaPSSRSAESHA384: signature = try key.signature(for: SHA384.hash(data: content), padding: .PSS)
                default: signature = try key.signature(for: SHA512.hash(data: content), padding: .PSS)
                }
                return Array(signature.rawRepresentation)
            }
        } catch {
            throw CertificateVerificationError(
                .signingFailed,
                alert: CertificateAlert.internalError,
                reason: "signing with \(scheme) failed: \(error)"
            )
        }
    }
}
