import X509

/// Certificate pinning: the peer is trusted when its end-entity certificate is byte for byte one of the pinned
/// ones and its CertificateVerify signature verifies with that certificate's key. No chain building, no clock:
/// suited to development certificates, simulations and deployments that distribute the server's certificate.
public struct PinnedCertificates: Sendable {
    /// DER encodings of the accepted end-entity certificates.
    public var certificates: [[UInt8]]

    public init(_ certificates: [[UInt8]]) {
        self.certificates = certificates
    }

    /// Pins the end-entity certificate of `identity`.
    public init(_ identity: CertificateIdentity) {
        self.certificates = Array(identity.chain.derEncoded.prefix(1))
    }

    /// The verdict for a handshake's verification request (synchronous, so a connection can apply it at once).
    public func verdict(for request: PeerVerificationRequest) -> PeerVerdict {
        guard let leaf = request.certificateChain.first, self.certificates.contains(leaf) else {
            return .rejected(TLSAlert(.badCertificate, reason: "the peer's certificate is not a pinned one"))
        }
        do {
            let certificate = try Certificate(derEncoded: leaf)
            try CertificateVerifySignature.verify(signature: request.signature, scheme: request.scheme,
                                                  content: request.signedContent, publicKey: certificate.publicKey)
            return .trusted
        } catch let error as CertificateVerificationError {
            return .rejected(TLSAlert(TLSAlert.Code(rawValue: error.alert), reason: error.reason))
        } catch {
            return .rejected(TLSAlert(.badCertificate, reason: "the pinned certificate does not parse: \(error)"))
        }
    }
}
