import QUICWire

/// The Initial secrets and keys of a connection (RFC 9001 §5.2, RFC 9369 §3.3.1).
///
///     initial_secret = HKDF-Extract(initial_salt, client_dst_connection_id)
///     client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
///     server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
///
/// Initial packets always use AEAD_AES_128_GCM with SHA-256.
public struct InitialSecrets: Sendable {
    /// The version whose salt and labels were used.
    public let parameters: VersionParameters
    /// The PRK both directions are derived from.
    public let initialSecret: [UInt8]
    /// Secret protecting packets sent by the client.
    public let clientSecret: [UInt8]
    /// Secret protecting packets sent by the server.
    public let serverSecret: [UInt8]

    /// Derives the Initial secrets from the Destination Connection ID of the client's first Initial packet.
    public init(version: QUICVersion, destinationConnectionID: ConnectionID) throws(CryptoError) {
        let parameters = try VersionParameters.forVersion(version)
        let initialSecret = QUICHKDF.extract(
            salt: parameters.initialSalt, inputKeyMaterial: destinationConnectionID.bytes, hash: .sha256)
        self.parameters = parameters
        self.initialSecret = initialSecret
        self.clientSecret = try QUICHKDF.expandLabel(
            secret: initialSecret, label: "client in", length: 32, hash: .sha256)
        self.serverSecret = try QUICHKDF.expandLabel(
            secret: initialSecret, label: "server in", length: 32, hash: .sha256)
    }

    /// Packet protection for packets the client sends.
    public func clientProtection() throws(CryptoError) -> PacketProtection {
        try PacketProtection(cipherSuite: .aes128GCMSHA256, secret: self.clientSecret, parameters: self.parameters)
    }

    /// Packet protection for packets the server sends.
    public func serverProtection() throws(CryptoError) -> PacketProtection {
        try PacketProtection(cipherSuite: .aes128GCMSHA256, secret: self.serverSecret, parameters: self.parameters)
    }
}
