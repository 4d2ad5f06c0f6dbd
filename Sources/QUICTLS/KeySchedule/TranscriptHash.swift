import Crypto

/// The running transcript hash of a TLS 1.3 handshake (RFC 8446 §4.4.1): Hash over the concatenation of every
/// handshake message, header included, exactly as it was sent or received.
///
/// Appending is incremental and reading the current hash does not disturb the state, so one value serves every
/// Derive-Secret and Finished computation of a connection.
public struct TranscriptHash: Sendable {
    private enum State: Sendable {
        case sha256(SHA256)
        case sha384(SHA384)
    }

    /// RFC 8446 §4.4.1: the msg_type of the synthetic message that replaces ClientHello1 after a
    /// HelloRetryRequest.
    public static let messageHashType: UInt8 = 254

    /// The hash in use, chosen by the cipher suite.
    public let algorithm: TLSHashAlgorithm
    private var state: State
    /// How many bytes went in (the synthetic message_hash counts as its 4 + Hash.length bytes).
    public private(set) var byteCount: Int = 0

    /// An empty transcript.
    public init(algorithm: TLSHashAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .sha256: self.state = .sha256(SHA256())
        case .sha384: self.state = .sha384(SHA384())
        }
    }

    /// The transcript after a HelloRetryRequest, before the HelloRetryRequest itself is appended.
    ///
    /// RFC 8446 §4.4.1: "When the server responds to a ClientHello with a HelloRetryRequest, the value of
    /// ClientHello1 is replaced with a special synthetic handshake message of handshake type "message_hash"
    /// containing Hash(ClientHello1)":
    ///
    ///     Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
    ///         Hash(message_hash ||        /* Handshake type */
    ///              00 00 Hash.length  ||  /* Handshake message length (bytes) */
    ///              Hash(ClientHello1) ||  /* Hash of ClientHello1 */
    ///              HelloRetryRequest  || ... || Mn)
    ///
    /// A client that offered suites with different hashes only learns the hash from the HelloRetryRequest, so
    /// this takes ClientHello1's bytes rather than a running hash.
    public init(algorithm: TLSHashAlgorithm, replacingClientHello1 clientHello1: RawHandshakeMessage) {
        self.init(algorithm: algorithm)
        self.appendMessageHash(of: algorithm.hash(clientHello1.bytes))
    }

    /// Appends one handshake message, header included.
    public mutating func append(_ message: RawHandshakeMessage) {
        self.append(bytes: message.bytes)
    }

    /// Appends raw bytes. Use ``append(_:)`` for whole messages; this is for callers that hold messages already
    /// concatenated.
    public mutating func append(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        switch self.state {
        case .sha256(var hasher):
            hasher.update(data: array)
            self.state = .sha256(hasher)
        case .sha384(var hasher):
            hasher.update(data: array)
            self.state = .sha384(hasher)
        }
        self.byteCount += array.count
    }

    /// Replaces everything appended so far (ClientHello1) by the synthetic message_hash message of RFC 8446
    /// §4.4.1, for an endpoint that already knows the hash when the HelloRetryRequest is sent or received.
    ///
    /// Call it after appending ClientHello1 and before appending the HelloRetryRequest.
    public mutating func replaceWithMessageHash() {
        let clientHello1Hash = self.currentHash()
        self = TranscriptHash(algorithm: self.algorithm)
        self.appendMessageHash(of: clientHello1Hash)
    }

    /// Transcript-Hash of everything appended so far.
    public func currentHash() -> [UInt8] {
        switch self.state {
        case .sha256(let hasher): return Array(hasher.finalize())
        case .sha384(let hasher): return Array(hasher.finalize())
        }
    }

    /// The hash of the transcript followed by `suffix`, without appending it.
    ///
    /// RFC 8446 §4.2.11.2: a PSK binder is computed over the transcript so far (empty, or ClientHello1 +
    /// HelloRetryRequest) followed by the partial ClientHello, up to and including the identities of
    /// pre_shared_key. ``ClientHello/partialTranscript(of:)`` gives that prefix.
    public func hash(appending suffix: some Collection<UInt8>) -> [UInt8] {
        var copy = self
        copy.append(bytes: suffix)
        return copy.currentHash()
    }

    private mutating func appendMessageHash(of clientHello1Hash: [UInt8]) {
        var header: [UInt8] = [Self.messageHashType, 0, 0, UInt8(self.algorithm.length)]
        header.append(contentsOf: clientHello1Hash)
        self.append(bytes: header)
    }
}
