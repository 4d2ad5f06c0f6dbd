import Crypto
import _CryptoExtras

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The header protection key and algorithm of one cipher suite (RFC 9001 §5.4).
///
/// It is derived once per encryption level and survives key updates (RFC 9001 §6).
public struct HeaderProtectionKey: Sendable {
    /// The cipher suite whose header protection algorithm is used.
    public let cipherSuite: CipherSuite
    @usableFromInline
    let key: SymmetricKey

    /// RFC 9001 §5.4.2: the sample is 16 bytes of ciphertext.
    public static let sampleLength = 16
    /// RFC 9001 §5.4.2: "the sampled ciphertext starts 4 bytes after the start of the Packet Number field",
    /// as if the packet number were 4 bytes long.
    public static let sampleOffset = 4

    /// A key from raw bytes.
    public init(cipherSuite: CipherSuite, key: [UInt8]) throws(CryptoError) {
        guard key.count == cipherSuite.headerProtectionKeyLength else { throw .invalidKeyLength }
        self.cipherSuite = cipherSuite
        self.key = SymmetricKey(data: key)
    }

    /// RFC 9001 §5.1: hp = HKDF-Expand-Label(secret, "quic hp", "", key length), label per version.
    public init(cipherSuite: CipherSuite, secret: [UInt8], parameters: VersionParameters) throws(CryptoError) {
        let hash = cipherSuite.hash
        guard secret.count == hash.length else { throw .invalidKeyLength }
        let key = try QUICHKDF.expandLabel(
            secret: secret,
            label: parameters.headerProtectionLabel,
            length: cipherSuite.headerProtectionKeyLength,
            hash: hash
        )
        try self.init(cipherSuite: cipherSuite, key: key)
    }

    /// RFC 9001 §5.4.4: ChaCha20 encrypts five zero bytes to produce the mask.
    static let fiveZeros: [UInt8] = [0, 0, 0, 0, 0]

    /// The raw key (for tests and key logging).
    public var keyBytes: [UInt8] { self.key.withUnsafeBytes { Array($0) } }

    /// The 5-byte mask for a 16-byte sample (RFC 9001 §5.4.3 AES, §5.4.4 ChaCha20).
    public func mask(sample: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard sample.count == Self.sampleLength else { throw .sampleTooShort }
        let result = sample.withUnsafeBytes { self.maskRaw(sample: $0) }
        let mask = try result.get()
        return [mask.0, mask.1, mask.2, mask.3, mask.4]
    }

    /// Applies header protection to a packet whose payload is already encrypted (RFC 9001 §5.4.1).
    ///
    /// The first byte is at `packetStart`; its two low bits still give the packet number length. The Packet
    /// Number field starts at `packetNumberOffset` and the packet ends at `packetEnd` (exclusive).
    public func apply(
        to buffer: inout [UInt8],
        packetStart: Int,
        packetNumberOffset: Int,
        packetEnd: Int
    ) throws(CryptoError) {
        let sampleStart = try self.validate(
            buffer: buffer, packetStart: packetStart, packetNumberOffset: packetNumberOffset, packetEnd: packetEnd)
        let mask = try self.mask(buffer: buffer, sampleStart: sampleStart)
        let first = buffer[packetStart]
        let packetNumberLength = Int(first & 0x03) + 1
        buffer[packetStart] = first ^ (mask.0 & Self.firstByteMask(first))
        Self.xorPacketNumber(&buffer, at: packetNumberOffset, length: packetNumberLength, mask: mask)
    }

    /// Removes header protection in place (RFC 9001 §5.4.1) and returns the packet number length and the
    /// truncated packet number as sent.
    public func remove(
        from buffer: inout [UInt8],
        packetStart: Int,
        packetNumberOffset: Int,
        packetEnd: Int
    ) throws(CryptoError) -> (packetNumberLength: Int, truncatedPacketNumber: UInt64) {
        let sampleStart = try self.validate(
            buffer: buffer, packetStart: packetStart, packetNumberOffset: packetNumberOffset, packetEnd: packetEnd)
        let mask = try self.mask(buffer: buffer, sampleStart: sampleStart)
        let protected = buffer[packetStart]
        let first = protected ^ (mask.0 & Self.firstByteMask(protected))
        buffer[packetStart] = first
        let packetNumberLength = Int(first & 0x03) + 1
        Self.xorPacketNumber(&buffer, at: packetNumberOffset, length: packetNumberLength, mask: mask)
        var truncated: UInt64 = 0
        for index in packetNumberOffset..<(packetNumberOffset + packetNumberLength) {
            truncated = truncated << 8 | UInt64(buffer[index])
        }
        return (packetNumberLength, truncated)
    }

    /// RFC 9001 §5.4.1: "if (packet[0] & 0x80) == 0x80: # Long header: 4 bits masked ... else: # Short header:
    /// 5 bits masked". The Header Form bit itself is never protected, so the protected and unprotected
    /// first bytes give the same answer.
    @inlinable
    static func firstByteMask(_ first: UInt8) -> UInt8 {
        first & 0x80 == 0x80 ? 0x0f : 0x1f
    }

    static func xorPacketNumber(
        _ buffer: inout [UInt8],
        at offset: Int,
        length: Int,
        mask: (UInt8, UInt8, UInt8, UInt8, UInt8)
    ) {
        buffer[offset] ^= mask.1
        if length > 1 { buffer[offset + 1] ^= mask.2 }
        if length > 2 { buffer[offset + 2] ^= mask.3 }
        if length > 3 { buffer[offset + 3] ^= mask.4 }
    }

    /// Checks the layout and returns the sample start offset.
    func validate(
        buffer: [UInt8],
        packetStart: Int,
        packetNumberOffset: Int,
        packetEnd: Int
    ) throws(CryptoError) -> Int {
        guard packetStart >= 0, packetStart < packetNumberOffset, packetEnd <= buffer.count,
            packetNumberOffset <= packetEnd
        else { throw .invalidRange }
        // Packet Number offset + 4 + 16 <= end, written so it cannot overflow.
        guard packetEnd - packetNumberOffset >= Self.sampleOffset + Self.sampleLength else { throw .sampleTooShort }
        return packetNumberOffset + Self.sampleOffset
    }

    func mask(buffer: [UInt8], sampleStart: Int) throws(CryptoError) -> (UInt8, UInt8, UInt8, UInt8, UInt8) {
        let result = buffer.withUnsafeBytes { raw in
            self.maskRaw(sample: UnsafeRawBufferPointer(rebasing: raw[sampleStart..<(sampleStart + Self.sampleLength)]))
        }
        return try result.get()
    }

    func maskRaw(sample: UnsafeRawBufferPointer) -> Result<(UInt8, UInt8, UInt8, UInt8, UInt8), CryptoError> {
        guard sample.count == Self.sampleLength else { return .failure(.sampleTooShort) }
        switch self.cipherSuite {
        case .aes128GCMSHA256, .aes256GCMSHA384:
            // RFC 9001 §5.4.3: mask = AES-ECB(hp_key, sample)
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.sampleLength) { block in
                for i in 0..<Self.sampleLength { block[i] = sample[i] }
                var blockView = block
                do {
                    try AES.permute(&blockView, key: self.key)
                } catch {
                    return .failure(.backendFailure)
                }
                return .success((block[0], block[1], block[2], block[3], block[4]))
            }
        case .chacha20Poly1305SHA256:
            // RFC 9001 §5.4.4: counter = sample[0..3] (little endian), nonce = sample[4..15],
            // mask = ChaCha20(hp_key, counter, nonce, {0,0,0,0,0})
            let counter =
                UInt32(sample[0]) | UInt32(sample[1]) << 8 | UInt32(sample[2]) << 16
                | UInt32(sample[3]) << 24
            let output: Data
            do {
                output = try Insecure.ChaCha20CTR.encrypt(
                    Self.fiveZeros,
                    using: self.key,
                    counter: Insecure.ChaCha20CTR.Counter(offset: counter),
                    nonce: Insecure.ChaCha20CTR.Nonce(data: UnsafeRawBufferPointer(rebasing: sample[4..<16]))
                )
            } catch {
                return .failure(.backendFailure)
            }
            guard output.count == 5 else { return .failure(.backendFailure) }
            let start = output.startIndex
            return .success((output[start], output[start + 1], output[start + 2], output[start + 3], output[start + 4]))
        }
    }
}
