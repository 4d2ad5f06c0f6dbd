import QUICCrypto

/// One QUIC-LB configuration (draft-ietf-quic-load-balancers-21 §5.3): what a configuration agent gives the
/// servers and load balancers of a pool so that servers write their server ID into every connection ID they
/// issue and load balancers read it back.
///
/// A connection ID under a configuration is a first octet followed by the server ID and the nonce, encrypted
/// when there is a key (§5.2):
///
///     QUIC-LB Connection ID {
///       First Octet (8) { Config Rotation (3), CID Len or Random Bits (5) },
///       Plaintext Block (40..152) { Server ID (8..), Nonce (32..) },
///     }
///
/// Which encoding applies follows from the lengths and the key (§5.4): none without a key, one AES-128-ECB
/// block when server ID and nonce are exactly 16 octets, the four-pass Feistel network otherwise.
///
/// The encoding and decoding functions are in `QUICLBEncoding.swift`; ``QUICLBConnectionIDGenerator`` makes the
/// IDs of one server.
public struct QUICLBConfiguration: Sendable {
    /// The three ways a server ID and nonce become the octets after the first (§5.4).
    public enum Algorithm: Hashable, Sendable {
        /// No key: the server ID and nonce are visible (§5.4: "If there is no key in the configuration, the
        /// Connection ID is complete").
        case plaintext
        /// §5.4.1: "When the nonce length and server ID length sum to exactly 16 octets, the server MUST use a
        /// single-pass encryption algorithm."
        case singlePassEncryption
        /// §5.4.2: "When configured with both a key, and a nonce length and server ID length that sum to any
        /// number other than 16, the server MUST follow the algorith below".
        case fourPassEncryption
    }

    /// §3.2: "Servers with no active configuration MUST issue connection IDs with the reserved value of the
    /// three most significant bits set to 0b111 to signify the connection ID is unroutable."
    public static let unroutableConfigRotation: UInt8 = 0b111
    /// §3.1: "A configuration MUST NOT use the reserved identifier 0b111".
    public static let configRotationRange: ClosedRange<UInt8> = 0...6
    /// §5.3: "the server ID and nonce lengths MUST sum to 19 octets or less".
    public static let maximumPlaintextLength = 19
    /// §5.3: "Optionally, it also defines a 16-octet key."
    public static let keyLength = 16

    /// The codepoint in the top three bits of the first octet that names this configuration (§3.1).
    public let configRotation: UInt8
    /// The length of the server ID field in octets.
    public let serverIDLength: Int
    /// The length of the nonce field in octets.
    public let nonceLength: Int
    /// Whether the first octet's low five bits give the length of the rest of the connection ID (§3.3); when
    /// false they are random.
    public let encodesLength: Bool
    /// The AES-128 block function for the key; nil for a plaintext configuration.
    let cipher: AESBlockCipher?

    /// A validated configuration.
    ///
    /// - Parameters:
    ///   - configRotation: 0 through 6; 0b111 is reserved for unroutable connection IDs (§3.1).
    ///   - serverIDLength: at least one octet (§5.1).
    ///   - nonceLength: at least four octets (§5.3), and with the server ID at most 19 (a 20-octet ID).
    ///   - key: 16 octets for the encrypted encodings, nil for plaintext. §5.3: "failure to define a key means
    ///     that observers can determine the assigned server of any connection".
    ///   - encodesLength: whether the first octet self-describes the length (§3.3). The draft's test vectors do;
    ///     hardware crypto offload can use it, load balancers may ignore it.
    /// - Throws: ``QUICLBError`` naming the broken limit.
    public init(configRotation: UInt8, serverIDLength: Int, nonceLength: Int, key: [UInt8]? = nil,
                encodesLength: Bool = true) throws(QUICLBError) {
        guard Self.configRotationRange.contains(configRotation) else {
            throw .invalidConfigRotation(configRotation)
        }
        guard QUICLBServerID.lengthRange.contains(serverIDLength) else {
            throw .invalidServerIDLength(serverIDLength)
        }
        guard QUICLBNonce.lengthRange.contains(nonceLength) else { throw .invalidNonceLength(nonceLength) }
        guard serverIDLength + nonceLength <= Self.maximumPlaintextLength else {
            throw .plaintextTooLong(serverIDLength: serverIDLength, nonceLength: nonceLength)
        }
        if let key {
            guard key.count == Self.keyLength else { throw .invalidKeyLength(key.count) }
            do {
                self.cipher = try AESBlockCipher(key: key)
            } catch {
                throw .invalidKeyLength(key.count)
            }
        } else {
            self.cipher = nil
        }
        self.configRotation = configRotation
        self.serverIDLength = serverIDLength
        self.nonceLength = nonceLength
        self.encodesLength = encodesLength
    }

    /// Server ID and nonce together: the length of the block the encodings work on.
    public var plaintextLength: Int { self.serverIDLength + self.nonceLength }

    /// The length of every connection ID under this configuration: the first octet and the plaintext block.
    public var connectionIDLength: Int { 1 + self.plaintextLength }

    /// Whether a key hides the server ID.
    public var isEncrypted: Bool { self.cipher != nil }

    /// The encoding the lengths and the key select (§5.4).
    public var algorithm: Algorithm {
        guard self.cipher != nil else { return .plaintext }
        return self.plaintextLength == AESBlockCipher.blockSize ? .singlePassEncryption : .fourPassEncryption
    }

    /// The first octet (§3.4): the config rotation in the top three bits, then the length of the rest of the
    /// connection ID (§3.3) or, when the length is not self-encoded, the low five bits of `randomBits`.
    func firstOctet(randomBits: UInt8) -> UInt8 {
        let low = self.encodesLength ? UInt8(self.plaintextLength) : randomBits & 0x1f
        return self.configRotation << 5 | low
    }
}
