import Crypto

/// The X25519MLKEM768 hybrid group (0x11EC, draft-ietf-tls-ecdhe-mlkem): ML-KEM-768 (FIPS 203) and X25519, with
/// the ML-KEM part first everywhere.
///
/// - client key_exchange: ML-KEM-768 encapsulation key (1184 bytes) || X25519 public value (32 bytes)
/// - server key_exchange: ML-KEM-768 ciphertext (1088 bytes) || X25519 public value (32 bytes)
/// - shared secret: ML-KEM shared secret (32 bytes) || X25519 shared secret (32 bytes)
enum X25519MLKEM768KeyExchange {
    static let encapsulationKeyLength = 1184
    static let ciphertextLength = 1088
    static let mlkemSecretLength = 32
    static let clientShareLength = Self.encapsulationKeyLength + X25519KeyExchange.keyLength
    static let serverShareLength = Self.ciphertextLength + X25519KeyExchange.keyLength
    static let secretLength = Self.mlkemSecretLength + X25519KeyExchange.keyLength

    /// The client's key_exchange.
    static func clientShare(
        mlkem: MLKEM768.PrivateKey,
        x25519: Curve25519.KeyAgreement.PrivateKey
    ) -> [UInt8] {
        var share = Array(mlkem.publicKey.rawRepresentation)
        share.append(contentsOf: X25519KeyExchange.publicValue(of: x25519))
        return share
    }

    /// Server side: encapsulates to the client's ML-KEM key and runs X25519 with its own fresh key.
    ///
    /// - Throws: illegal_parameter when the share is not 1216 bytes or the encapsulation key fails the FIPS 203
    ///   §7.2 modulus check (the draft: "the server MUST abort with an illegal_parameter alert" for an invalid
    ///   encapsulation key), or when X25519 fails.
    static func respond(
        to clientShare: [UInt8],
        x25519: Curve25519.KeyAgreement.PrivateKey
    ) throws(TLSAlert) -> (serverShare: [UInt8], sharedSecret: [UInt8]) {
        guard clientShare.count == Self.clientShareLength else {
            throw TLSAlert.illegalParameter(
                "X25519MLKEM768 client key share of \(clientShare.count) bytes, expected \(Self.clientShareLength)"
            )
        }
        let encapsulationKey = clientShare[..<Self.encapsulationKeyLength]
        let x25519Value = clientShare[Self.encapsulationKeyLength...]
        let encapsulation: KEM.EncapsulationResult
        do {
            let publicKey = try MLKEM768.PublicKey(rawRepresentation: Array(encapsulationKey))
            encapsulation = try publicKey.encapsulate()
        } catch {
            throw TLSAlert.illegalParameter("X25519MLKEM768 encapsulation key is invalid")
        }
        let classical = try X25519KeyExchange.sharedSecret(privateKey: x25519, peerValue: x25519Value)
        var serverShare = Array(encapsulation.encapsulated)
        guard serverShare.count == Self.ciphertextLength else {
            throw TLSAlert(.internalError, reason: "ML-KEM-768 ciphertext of unexpected length")
        }
        serverShare.append(contentsOf: X25519KeyExchange.publicValue(of: x25519))
        var secret = encapsulation.sharedSecret.withUnsafeBytes { Array($0) }
        secret.append(contentsOf: classical)
        return (serverShare, secret)
    }

    /// Client side: decapsulates the server's ciphertext and finishes X25519.
    ///
    /// - Throws: illegal_parameter when the share is not 1120 bytes (the draft: the client "MUST abort with an
    ///   illegal_parameter alert" when the ciphertext is not of the right length) or X25519 fails. A ciphertext of
    ///   the right length always decapsulates (ML-KEM's implicit rejection yields an unrelated secret, and the
    ///   handshake then fails at Finished).
    static func sharedSecret(
        mlkem: MLKEM768.PrivateKey,
        x25519: Curve25519.KeyAgreement.PrivateKey,
        serverShare: some Collection<UInt8>
    ) throws(TLSAlert) -> [UInt8] {
        let share = Array(serverShare)
        guard share.count == Self.serverShareLength else {
            throw TLSAlert.illegalParameter(
                "X25519MLKEM768 server key share of \(share.count) bytes, expected \(Self.serverShareLength)"
            )
        }
        var secret: [UInt8]
        do {
            let key = try mlkem.decapsulate(share[..<Self.ciphertextLength])
            secret = key.withUnsafeBytes { Array($0) }
        } catch {
            throw TLSAlert.illegalParameter("X25519MLKEM768 ciphertext rejected")
        }
        let x25519Value = share[Self.ciphertextLength...]
        secret.append(contentsOf: try X25519KeyExchange.sharedSecret(privateKey: x25519, peerValue: x25519Value))
        return secret
    }
}
