import Crypto

/// X25519 key exchange for TLS 1.3 (RFC 8446 §4.2.8.2, §7.4.2; RFC 7748).
enum X25519KeyExchange {
    /// Public keys and the shared secret are 32 bytes.
    static let keyLength = 32

    /// The public value of `privateKey`, as carried in KeyShareEntry.key_exchange.
    static func publicValue(of privateKey: Curve25519.KeyAgreement.PrivateKey) -> [UInt8] {
        Array(privateKey.publicKey.rawRepresentation)
    }

    /// X25519(privateKey, peer).
    ///
    /// - Throws: illegal_parameter when the peer's value is not 32 bytes, or when the result is all zeros.
    ///   RFC 8446 §7.4.2: "For X25519 and X448, implementations MUST check whether the computed Diffie-Hellman
    ///   shared secret is the all-zero value and abort if so". swift-crypto does not check this itself.
    static func sharedSecret(
        privateKey: Curve25519.KeyAgreement.PrivateKey,
        peerValue: some Collection<UInt8>
    ) throws(TLSAlert) -> [UInt8] {
        guard peerValue.count == Self.keyLength else {
            throw TLSAlert.illegalParameter("X25519 key share of \(peerValue.count) bytes, expected 32")
        }
        let secret: [UInt8]
        do {
            let peer = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: Array(peerValue))
            let shared = try privateKey.sharedSecretFromKeyAgreement(with: peer)
            secret = shared.withUnsafeBytes { Array($0) }
        } catch {
            throw TLSAlert.illegalParameter("X25519 key share rejected")
        }
        guard secret.count == Self.keyLength, secret.contains(where: { $0 != 0 }) else {
            throw TLSAlert.illegalParameter("X25519 shared secret is all zeros (low-order key share)")
        }
        return secret
    }
}
