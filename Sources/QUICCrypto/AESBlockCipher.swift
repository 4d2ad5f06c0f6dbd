import Crypto
import _CryptoExtras

/// AES applied to one 16-byte block, in place, with no mode around it (AES-ECB of a single block).
///
/// QUIC uses the bare block function where the input is already unique: AES header protection
/// (RFC 9001 §5.4.3) and the QUIC-LB connection ID encodings (draft-ietf-quic-load-balancers §5.4.1,
/// §5.4.2). It is not a general-purpose cipher: encrypting two equal blocks gives two equal outputs.
public struct AESBlockCipher: Sendable {
    /// The AES block size in bytes.
    public static let blockSize = 16

    private let key: SymmetricKey

    /// A cipher for a 16-, 24- or 32-byte AES key.
    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count == 16 || key.count == 24 || key.count == 32 else { throw .invalidKeyLength }
        self.key = SymmetricKey(data: key)
    }

    /// The key length in bytes.
    public var keyLength: Int { self.key.bitCount / 8 }

    /// Encrypts the 16 bytes of `block` in place.
    public func encrypt(_ block: UnsafeMutableBufferPointer<UInt8>) throws(CryptoError) {
        guard block.count == Self.blockSize else { throw .invalidRange }
        var view = block
        do {
            try AES.permute(&view, key: self.key)
        } catch {
            throw .backendFailure
        }
    }

    /// Decrypts the 16 bytes of `block` in place (the inverse of ``encrypt(_:)``).
    public func decrypt(_ block: UnsafeMutableBufferPointer<UInt8>) throws(CryptoError) {
        guard block.count == Self.blockSize else { throw .invalidRange }
        var view = block
        do {
            try AES.inversePermute(&view, key: self.key)
        } catch {
            throw .backendFailure
        }
    }
}
