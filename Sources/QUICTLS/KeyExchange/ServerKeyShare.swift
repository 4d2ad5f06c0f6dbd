import Crypto

/// The server's side of the key exchange (RFC 8446 §4.2.8): given the client's share for the chosen group,
/// produce the ServerHello's share and the shared secret in one step.
///
/// As for ``ClientKeyShare``, the server's ephemeral keys come from the system RNG through swift-crypto.
public enum ServerKeyShare {
    /// The server's KeyShareEntry and the IKM of the Handshake Secret.
    public struct Response: Sendable {
        public var entry: KeyShareEntry
        public var sharedSecret: [UInt8]
    }

    /// Whether this library can answer a share for `group`.
    public static func supports(_ group: NamedGroup) -> Bool {
        ClientKeyShare.supportedGroups.contains(group)
    }

    /// Answers the client's share with a fresh ephemeral key.
    ///
    /// - Throws: illegal_parameter when the share has the wrong length or is not a valid public value (or, for
    ///   X25519MLKEM768, a valid encapsulation key); internal_error for a group this library does not support
    ///   (the caller chooses the group and should only choose one that ``supports(_:)``).
    public static func respond(to clientShare: KeyShareEntry) throws(TLSAlert) -> Response {
        switch clientShare.group {
        case .x25519:
            return try Self.respondX25519(to: clientShare, privateKey: Curve25519.KeyAgreement.PrivateKey())
        case .secp256r1:
            return try Self.respondP256(to: clientShare, privateKey: P256.KeyAgreement.PrivateKey())
        case .x25519MLKEM768:
            let x25519 = Curve25519.KeyAgreement.PrivateKey()
            let result = try X25519MLKEM768KeyExchange.respond(to: clientShare.keyExchange, x25519: x25519)
            return Response(
                entry: KeyShareEntry(group: .x25519MLKEM768, keyExchange: result.serverShare),
                sharedSecret: result.sharedSecret
            )
        default:
            throw TLSAlert(.internalError, reason: "key exchange group \(clientShare.group) is not supported")
        }
    }

    /// X25519 with a given private key (tests use RFC 8448's).
    static func respondX25519(
        to clientShare: KeyShareEntry,
        privateKey: Curve25519.KeyAgreement.PrivateKey
    ) throws(TLSAlert) -> Response {
        let secret = try X25519KeyExchange.sharedSecret(privateKey: privateKey, peerValue: clientShare.keyExchange)
        return Response(
            entry: KeyShareEntry(group: .x25519, keyExchange: X25519KeyExchange.publicValue(of: privateKey)),
            sharedSecret: secret
        )
    }

    /// secp256r1 with a given private key.
    static func respondP256(
        to clientShare: KeyShareEntry,
        privateKey: P256.KeyAgreement.PrivateKey
    ) throws(TLSAlert) -> Response {
        let secret = try P256KeyExchange.sharedSecret(privateKey: privateKey, peerValue: clientShare.keyExchange)
        return Response(
            entry: KeyShareEntry(group: .secp256r1, keyExchange: P256KeyExchange.publicValue(of: privateKey)),
            sharedSecret: secret
        )
    }
}
