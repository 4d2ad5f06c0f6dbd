import Crypto

/// The AEAD key and IV that protect packet payloads for one key phase (RFC 9001 §5.3).
///
/// The header protection key is kept apart in `HeaderProtectionKey` because it does not change on key
/// update (RFC 9001 §6: "The header protection key is not updated").
public struct PacketKeys: Sendable {
    /// The cipher suite the key belongs to.
    public let cipherSuite: CipherSuite
    @usableFromInline
    let key: SymmetricKey
    /// First 4 bytes of the IV, big endian.
    @usableFromInline
    let ivHigh: UInt32
    /// Last 8 bytes of the IV, big endian.
    @usableFromInline
    let ivLow: UInt64

    /// Keys from raw key and IV bytes.
    public init(cipherSuite: CipherSuite, key: [UInt8], iv: [UInt8]) throws(CryptoError) {
        guard key.count == cipherSuite.keyLength, iv.count == cipherSuite.ivLength else {
            throw .invalidKeyLength
        }
        self.cipherSuite = cipherSuite
        self.key = SymmetricKey(data: key)
        var high: UInt32 = 0
        for byte in iv[0..<4] { high = high << 8 | UInt32(byte) }
        var low: UInt64 = 0
        for byte in iv[4..<12] { low = low << 8 | UInt64(byte) }
        self.ivHigh = high
        self.ivLow = low
    }

    /// RFC 9001 §5.1: key = HKDF-Expand-Label(secret, "quic key", "", key length) and
    /// iv = HKDF-Expand-Label(secret, "quic iv", "", 12), with the labels of `parameters`.
    public init(cipherSuite: CipherSuite, secret: [UInt8], parameters: VersionParameters) throws(CryptoError) {
        let hash = cipherSuite.hash
        guard secret.count == hash.length else { throw .invalidKeyLength }
        let key = try QUICHKDF.expandLabel(
            secret: secret, label: parameters.keyLabel, length: cipherSuite.keyLength, hash: hash)
        let iv = try QUICHKDF.expandLabel(
            secret: secret, label: parameters.ivLabel, length: cipherSuite.ivLength, hash: hash)
        try self.init(cipherSuite: cipherSuite, key: key, iv: iv)
    }

    /// The raw AEAD key (for tests and key logging).
    public var keyBytes: [UInt8] { self.key.withUnsafeBytes { Array($0) } }

    /// The 12-byte IV.
    public var iv: [UInt8] { Self.bytes(high: self.ivHigh, low: self.ivLow) }

    /// The AEAD nonce for a packet.
    ///
    /// RFC 9001 §5.3: "The 62 bits of the reconstructed QUIC packet number in network byte order are left-padded
    /// with zeros to the size of the IV. The exclusive OR of the padded packet number and the IV forms the AEAD
    /// nonce."
    ///
    /// draft-ietf-quic-multipath, "Nonce Calculation after Handshake Completion": the 96-bit
    /// Path-and-Packet-Number is "the 32 bits of the path ID in network byte order, two zero bits, and the
    /// 62 bits of the reconstructed QUIC packet number", XORed with the IV. Path 0 gives the single-path nonce.
    public func nonce(packetNumber: UInt64, pathID: UInt32 = 0) throws(CryptoError) -> [UInt8] {
        let (high, low) = try self.nonceWords(packetNumber: packetNumber, pathID: pathID)
        return Self.bytes(high: high, low: low)
    }

    @inlinable
    func nonceWords(packetNumber: UInt64, pathID: UInt32) throws(CryptoError) -> (UInt32, UInt64) {
        guard packetNumber < (1 << 62) else { throw .packetNumberOutOfRange }
        return (self.ivHigh ^ pathID, self.ivLow ^ packetNumber)
    }

    static func bytes(high: UInt32, low: UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 12)
        for i in 0..<4 { out[i] = UInt8(truncatingIfNeeded: high >> (24 - 8 * i)) }
        for i in 0..<8 { out[4 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * i)) }
        return out
    }

    /// Runs `body` with the 12 nonce bytes in a stack buffer (no heap allocation).
    @inlinable
    func withNonce<R>(
        packetNumber: UInt64,
        pathID: UInt32,
        _ body: (UnsafeRawBufferPointer) -> R
    ) throws(CryptoError) -> R {
        let (high, low) = try self.nonceWords(packetNumber: packetNumber, pathID: pathID)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 12) { nonce -> R in
            for i in 0..<4 { nonce[i] = UInt8(truncatingIfNeeded: high >> (24 - 8 * i)) }
            for i in 0..<8 { nonce[4 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * i)) }
            return body(UnsafeRawBufferPointer(nonce))
        }
    }
}
