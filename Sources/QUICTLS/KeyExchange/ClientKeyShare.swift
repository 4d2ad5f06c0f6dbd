import Crypto

/// One key share a client offers in its ClientHello, with the private key kept until the ServerHello arrives
/// (RFC 8446 §4.2.8).
///
/// Key generation uses swift-crypto's own generator, which draws from the system RNG: unlike every other
/// random choice in the stack, which comes from the seeded generator the caller injects, handshake key pairs are
/// not reproducible from a seed. Simulations are still deterministic in everything else, since the secrets only
/// feed packet protection.
public struct ClientKeyShare: Sendable {
    enum PrivateKey: Sendable {
        case x25519(Curve25519.KeyAgreement.PrivateKey)
        case secp256r1(P256.KeyAgreement.PrivateKey)
        case x25519MLKEM768(MLKEM768.PrivateKey, Curve25519.KeyAgreement.PrivateKey)
    }

    /// The groups this library can generate shares for, in the order a client should prefer them.
    public static let supportedGroups: [NamedGroup] = [.x25519MLKEM768, .x25519, .secp256r1]

    /// The KeyShareEntry to put in the ClientHello's key_share extension.
    public let entry: KeyShareEntry
    let privateKey: PrivateKey

    /// The group of this share.
    public var group: NamedGroup { self.entry.group }

    /// Generates a fresh key pair for `group`.
    ///
    /// - Throws: internal_error when the group is not one of ``supportedGroups`` (a configuration mistake, not
    ///   something a peer can cause), or when the system RNG fails.
    public init(group: NamedGroup) throws(TLSAlert) {
        switch group {
        case .x25519:
            self.init(privateKey: .x25519(Curve25519.KeyAgreement.PrivateKey()))
        case .secp256r1:
            self.init(privateKey: .secp256r1(P256.KeyAgreement.PrivateKey()))
        case .x25519MLKEM768:
            let mlkem: MLKEM768.PrivateKey
            do {
                mlkem = try MLKEM768.PrivateKey()
            } catch {
                throw TLSAlert(.internalError, reason: "ML-KEM-768 key generation failed")
            }
            self.init(privateKey: .x25519MLKEM768(mlkem, Curve25519.KeyAgreement.PrivateKey()))
        default:
            throw TLSAlert(.internalError, reason: "key exchange group \(group) is not supported")
        }
    }

    /// A share from a given private key (tests use the fixed keys of RFC 8448).
    init(privateKey: PrivateKey) {
        self.privateKey = privateKey
        switch privateKey {
        case .x25519(let key):
            self.entry = KeyShareEntry(group: .x25519, keyExchange: X25519KeyExchange.publicValue(of: key))
        case .secp256r1(let key):
            self.entry = KeyShareEntry(group: .secp256r1, keyExchange: P256KeyExchange.publicValue(of: key))
        case .x25519MLKEM768(let mlkem, let x25519):
            self.entry = KeyShareEntry(
                group: .x25519MLKEM768,
                keyExchange: X25519MLKEM768KeyExchange.clientShare(mlkem: mlkem, x25519: x25519)
            )
        }
    }

    /// Finishes the exchange with the ServerHello's key share: the IKM of the Handshake Secret.
    ///
    /// - Throws: illegal_parameter when the server's share is for another group (RFC 8446 §4.2.8: the server's
    ///   share "MUST be in the same group as one of the client's shares"; the caller picks the matching
    ///   ``ClientKeyShare``), has the wrong length, or is not a valid public value.
    public func sharedSecret(serverShare: KeyShareEntry) throws(TLSAlert) -> [UInt8] {
        guard serverShare.group == self.group else {
            throw TLSAlert.illegalParameter("server key share for \(serverShare.group), offered \(self.group)")
        }
        switch self.privateKey {
        case .x25519(let key):
            return try X25519KeyExchange.sharedSecret(privateKey: key, peerValue: serverShare.keyExchange)
        case .secp256r1(let key):
            return try P256KeyExchange.sharedSecret(privateKey: key, peerValue: serverShare.keyExchange)
        case .x25519MLKEM768(let mlkem, let x25519):
            return try X25519MLKEM768KeyExchange.sharedSecret(
                mlkem: mlkem,
                x25519: x25519,
                serverShare: serverShare.keyExchange
            )
        }
    }
}
