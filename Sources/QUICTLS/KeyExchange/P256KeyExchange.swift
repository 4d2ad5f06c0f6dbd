import Crypto

/// ECDHE over secp256r1 for TLS 1.3 (RFC 8446 §4.2.8.2, §7.4.2).
enum P256KeyExchange {
    /// RFC 8446 §4.2.8.2: UncompressedPointRepresentation, legacy_form = 4 followed by X and Y, 32 bytes each.
    static let keyLength = 65
    /// The shared secret is the x-coordinate of the ECDH point, 32 bytes (RFC 8446 §7.4.2).
    static let secretLength = 32

    /// The public value of `privateKey` in uncompressed form.
    static func publicValue(of privateKey: P256.KeyAgreement.PrivateKey) -> [UInt8] {
        Array(privateKey.publicKey.x963Representation)
    }

    /// The ECDH shared secret with the peer's point.
    ///
    /// - Throws: illegal_parameter when the value is not 65 bytes starting with 4, or is not a point on the curve.
    ///   RFC 8446 §4.2.8.2: "Peers MUST validate each other's public key Y by ensuring that the point is a valid
    ///   point on the elliptic curve"; swift-crypto's parser performs that check.
    static func sharedSecret(
        privateKey: P256.KeyAgreement.PrivateKey,
        peerValue: some Collection<UInt8>
    ) throws(TLSAlert) -> [UInt8] {
        guard peerValue.count == Self.keyLength else {
            throw TLSAlert.illegalParameter("secp256r1 key share of \(peerValue.count) bytes, expected 65")
        }
        guard peerValue.first == 0x04 else {
            throw TLSAlert.illegalParameter("secp256r1 key share is not an uncompressed point")
        }
        let secret: [UInt8]
        do {
            let peer = try P256.KeyAgreement.PublicKey(x963Representation: Array(peerValue))
            let shared = try privateKey.sharedSecretFromKeyAgreement(with: peer)
            secret = shared.withUnsafeBytes { Array($0) }
        } catch {
            throw TLSAlert.illegalParameter("secp256r1 key share is not a point on the curve")
        }
        guard secret.count == Self.secretLength else {
            throw TLSAlert(.internalError, reason: "secp256r1 shared secret of unexpected length")
        }
        return secret
    }
}
