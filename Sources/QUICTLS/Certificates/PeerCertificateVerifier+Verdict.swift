import Foundation
import X509

extension PeerCertificateVerifier {
    /// True when this verifier accepts any well-formed chain. Callers should print a loud warning when they
    /// use such a verifier: the peer's identity is not authenticated.
    public var isInsecure: Bool {
        self.mode == .insecureAcceptAnyCertificate
    }

    /// The answer to a ``TLSHandshakeEvent/verifyPeer(_:)`` request, for ``TLSHandshaker/provideVerdict(_:)``.
    ///
    /// Checks, in this order: the chain parses and the leaf key is usable; the CertificateVerify signature over
    /// `request.signedContent` verifies with the leaf key (also in insecure mode, so that the peer still proves
    /// it holds the key of the certificate it sent); the chain leads to a trust root, every certificate is valid
    /// at `now` and, when verifying a server, the leaf carries `request.serverName`.
    ///
    /// Failures become the alerts documented on ``PeerCertificateVerifier`` and ``CertificateVerifySignature``
    /// (decrypt_error for a bad signature, unknown_ca, certificate_expired, bad_certificate, ...).
    ///
    /// - Parameter now: the validation time. The caller reads the clock (the I/O layer), so that a handshake in
    ///   the simulator or a test is checked at the time it runs in.
    public func verdict(for request: PeerVerificationRequest, now: Date) async -> PeerVerdict {
        do {
            _ = try await self.check(request, now: now)
            return .trusted
        } catch {
            return .rejected(TLSAlert(TLSAlert.Code(rawValue: error.alert), reason: error.reason))
        }
    }

    /// The checks of ``verdict(for:now:)``, returning the accepted chain so the caller can inspect the peer's
    /// certificate (for example a client certificate's subject).
    public func check(
        _ request: PeerVerificationRequest,
        now: Date
    ) async throws(CertificateVerificationError) -> VerifiedPeerCertificates {
        let identity: PeerIdentity
        if request.peerIsServer {
            // Fail closed: without a name there is nothing to tie the certificate to the server we meant.
            guard let name = request.serverName, !name.isEmpty else {
                throw CertificateVerificationError(
                    .wrongIdentity,
                    alert: CertificateAlert.internalError,
                    reason: "no server name configured to check the server's certificate against"
                )
            }
            identity = .server(name: name)
        } else {
            identity = .client
        }
        let certificates = try Self.parse(request.certificateChain, identity: identity)
        guard let leaf = certificates.first else { throw Self.emptyChain(identity) }
        try Self.checkLeafKey(leaf)
        try CertificateVerifySignature.verify(
            signature: request.signature,
            scheme: request.scheme,
            content: request.signedContent,
            publicKey: leaf.publicKey
        )
        return try await self.verify(certificates: certificates, identity: identity, validationTime: now)
    }
}
