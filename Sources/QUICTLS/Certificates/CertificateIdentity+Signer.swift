/// A loaded or generated certificate and key sign the handshake's CertificateVerify directly.
extension CertificateIdentity: TLSCertificateSigner {
    /// The key's preferred scheme (ECDSA P-256 / P-384 with the matching hash, Ed25519, or RSA-PSS with
    /// SHA-256).
    public var scheme: SignatureScheme {
        // Every key type has at least one scheme; the fallback is never reached.
        self.privateKey.signatureSchemes.first ?? .ecdsaSecp256r1SHA256
    }

    /// The chain, leaf first, DER.
    public var certificateChain: [[UInt8]] {
        self.chain.derEncoded
    }

    public func sign(_ content: [UInt8]) throws -> [UInt8] {
        try self.privateKey.sign(content, scheme: self.scheme)
    }
}
