/// 1-RTT packet protection of one direction, with QUIC key update (RFC 9001 §6).
///
/// RFC 9001 §6.1: "secret_<n+1> = HKDF-Expand-Label(secret_<n>, "quic ku", "", Hash.length)"
/// ("quicv2 ku" for QUIC v2, RFC 9369 §3.3.2). The AEAD key and IV are derived from the new secret; "The
/// header protection key is not updated."
///
/// The keys of the next generation are derived ahead of time (RFC 9001 §6.3 recommends it, so that a packet
/// with the other key phase can be tried at once without a timing side channel). Keys of the previous
/// generation stay available until `discardPrevious()` so that reordered packets can still be opened.
public struct KeyUpdateState: Sendable {
    /// The cipher suite of the connection.
    public let cipherSuite: CipherSuite
    /// The version whose key update label is used.
    public let parameters: VersionParameters
    /// The header protection key, shared by every generation.
    public let headerProtectionKey: HeaderProtectionKey
    /// The Key Phase bit of packets protected with `current`.
    public private(set) var keyPhase: Bool
    /// Number of key updates done so far (0 for the keys from the handshake).
    public private(set) var generation: UInt64
    /// Protection for the current key phase.
    public private(set) var current: PacketProtection
    /// Protection for the next key phase, derived ahead of time.
    public private(set) var next: PacketProtection
    /// Protection for the previous key phase, if not yet discarded.
    public private(set) var previous: PacketProtection?
    /// The secret of `next`; kept to derive the generation after it.
    private var nextSecret: [UInt8]

    /// Starts at generation 0 (Key Phase 0) from the 1-RTT traffic secret the handshake produced.
    public init(cipherSuite: CipherSuite, secret: [UInt8], parameters: VersionParameters) throws(CryptoError) {
        let headerProtectionKey = try HeaderProtectionKey(
            cipherSuite: cipherSuite, secret: secret, parameters: parameters)
        let currentKeys = try PacketKeys(cipherSuite: cipherSuite, secret: secret, parameters: parameters)
        let nextSecret = try Self.nextSecret(after: secret, cipherSuite: cipherSuite, parameters: parameters)
        let nextKeys = try PacketKeys(cipherSuite: cipherSuite, secret: nextSecret, parameters: parameters)
        self.cipherSuite = cipherSuite
        self.parameters = parameters
        self.headerProtectionKey = headerProtectionKey
        self.keyPhase = false
        self.generation = 0
        self.current = try PacketProtection(packetKeys: currentKeys, headerProtectionKey: headerProtectionKey)
        self.next = try PacketProtection(packetKeys: nextKeys, headerProtectionKey: headerProtectionKey)
        self.previous = nil
        self.nextSecret = nextSecret
    }

    /// RFC 9001 §6.1: the secret of the next key generation.
    public static func nextSecret(
        after secret: [UInt8],
        cipherSuite: CipherSuite,
        parameters: VersionParameters
    ) throws(CryptoError) -> [UInt8] {
        let hash = cipherSuite.hash
        guard secret.count == hash.length else { throw .invalidKeyLength }
        return try QUICHKDF.expandLabel(
            secret: secret, label: parameters.keyUpdateLabel, length: hash.length, hash: hash)
    }

    /// Switches to the next key phase: `current` becomes `previous`, `next` becomes `current`, the Key
    /// Phase bit flips, and the generation after it is derived.
    public mutating func update() throws(CryptoError) {
        let newNextSecret = try Self.nextSecret(
            after: self.nextSecret, cipherSuite: self.cipherSuite, parameters: self.parameters)
        let newNextKeys = try PacketKeys(
            cipherSuite: self.cipherSuite, secret: newNextSecret, parameters: self.parameters)
        let newNext = try PacketProtection(packetKeys: newNextKeys, headerProtectionKey: self.headerProtectionKey)
        self.previous = self.current
        self.current = self.next
        self.next = newNext
        self.nextSecret = newNextSecret
        self.keyPhase.toggle()
        self.generation += 1
    }

    /// Drops the previous generation's keys (RFC 9001 §6.5: after about three times the PTO).
    public mutating func discardPrevious() {
        self.previous = nil
    }
}
