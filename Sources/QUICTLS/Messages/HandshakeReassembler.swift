import QUICWire

/// Turns the in-order bytes of each encryption level's CRYPTO stream into complete handshake messages.
///
/// The connection reorders CRYPTO frames by offset and hands the contiguous bytes here, in pieces of any
/// size; ``nextMessage(at:)`` yields each message once its header and whole body have arrived. Levels
/// are independent: RFC 9001 §4.1.3 sends each level's messages in its own CRYPTO stream.
///
/// Size bound: a message whose header announces a body longer than ``maxMessageLength`` is refused as
/// soon as the header is seen, with CRYPTO_BUFFER_EXCEEDED. RFC 9000 §7.5 lets an endpoint limit the
/// CRYPTO data it buffers ("Implementations MUST support buffering at least 4096 bytes of data received
/// in out-of-order CRYPTO frames ... If an endpoint does not expand its buffer, it MUST close the
/// connection with a CRYPTO_BUFFER_EXCEEDED error code"); a message we will never hold is that case.
/// The default of 64 KiB fits realistic certificate chains. Unread bytes at one level are further
/// limited to twice (``maxMessageLength`` + 4), so a peer cannot make the buffer grow without bound
/// between two calls to ``nextMessage(at:)``.
public struct HandshakeReassembler: Sendable {
    /// The default bound on a message body: 64 KiB.
    public static let defaultMaxMessageLength = 65_536

    /// The largest body accepted.
    public let maxMessageLength: Int

    private var initial = LevelBuffer()
    private var handshake = LevelBuffer()
    private var oneRTT = LevelBuffer()

    /// - Parameter maxMessageLength: the largest message body accepted, at most 2^24 - 1.
    public init(maxMessageLength: Int = HandshakeReassembler.defaultMaxMessageLength) {
        self.maxMessageLength = min(max(maxMessageLength, 0), RawHandshakeMessage.maxBodyLength)
    }

    /// Appends the next contiguous bytes of `level`'s CRYPTO stream.
    ///
    /// - Throws: PROTOCOL_VIOLATION for the 0-RTT level (RFC 9001 §8.3: "A server MUST treat receipt of a
    ///   CRYPTO frame in a 0-RTT packet as a connection error of type PROTOCOL_VIOLATION");
    ///   CRYPTO_BUFFER_EXCEEDED when a message is too long or too many bytes wait unread.
    public mutating func append(_ bytes: some Collection<UInt8>, at level: EncryptionLevel) throws(TransportError) {
        let limit = 2 * (self.maxMessageLength + RawHandshakeMessage.headerLength)
        switch level {
        case .initial: try self.initial.append(bytes, limit: limit)
        case .handshake: try self.handshake.append(bytes, limit: limit)
        case .oneRTT: try self.oneRTT.append(bytes, limit: limit)
        case .zeroRTT:
            throw TransportError(.protocolViolation, frameType: 0x06, reason: "CRYPTO frame in a 0-RTT packet")
        }
        // Refuse an oversized message as soon as its header is known, not when its body is complete.
        _ = try self.pendingLength(at: level)
    }

    /// The next complete message at `level`, or nil until more bytes arrive.
    public mutating func nextMessage(at level: EncryptionLevel) throws(TransportError) -> RawHandshakeMessage? {
        guard let bodyLength = try self.pendingLength(at: level) else { return nil }
        let total = RawHandshakeMessage.headerLength + bodyLength
        switch level {
        case .initial: return self.initial.take(total)
        case .handshake: return self.handshake.take(total)
        case .oneRTT: return self.oneRTT.take(total)
        case .zeroRTT: return nil
        }
    }

    /// Bytes received at `level` but not yet returned as a message.
    ///
    /// RFC 8446 §5.1: handshake messages MUST NOT span a key change; when the handshake moves to the next
    /// level, a non-zero count here means the peer split a message across levels (unexpected_message).
    public func bufferedByteCount(at level: EncryptionLevel) -> Int {
        switch level {
        case .initial: return self.initial.count
        case .handshake: return self.handshake.count
        case .oneRTT: return self.oneRTT.count
        case .zeroRTT: return 0
        }
    }

    /// The body length of the message at the head of `level`, when it is complete.
    private func pendingLength(at level: EncryptionLevel) throws(TransportError) -> Int? {
        let buffer: LevelBuffer
        switch level {
        case .initial: buffer = self.initial
        case .handshake: buffer = self.handshake
        case .oneRTT: buffer = self.oneRTT
        case .zeroRTT: return nil
        }
        guard let length = buffer.headerBodyLength() else { return nil }
        guard length <= self.maxMessageLength else {
            throw TransportError(
                .cryptoBufferExceeded, frameType: 0x06,
                reason: "handshake message of \(length) bytes exceeds \(self.maxMessageLength)")
        }
        guard buffer.count - RawHandshakeMessage.headerLength >= length else { return nil }
        return length
    }
}

/// One level's unread bytes: `storage[start...]`.
private struct LevelBuffer: Sendable {
    var storage: [UInt8] = []
    var start = 0

    var count: Int { self.storage.count - self.start }

    mutating func append(_ bytes: some Collection<UInt8>, limit: Int) throws(TransportError) {
        guard bytes.count <= limit - self.count else {
            throw TransportError(
                .cryptoBufferExceeded, frameType: 0x06, reason: "more than \(limit) unread handshake bytes")
        }
        if self.start > 0, self.start >= self.storage.count / 2 {
            self.storage.removeFirst(self.start)
            self.start = 0
        }
        self.storage.append(contentsOf: bytes)
    }

    /// The uint24 length in the header at the front, when 4 bytes are there.
    func headerBodyLength() -> Int? {
        guard self.count >= RawHandshakeMessage.headerLength else { return nil }
        let index = self.start
        return Int(self.storage[index + 1]) << 16 | Int(self.storage[index + 2]) << 8 | Int(self.storage[index + 3])
    }

    /// Removes and returns the first `total` bytes (the caller checked they are there).
    mutating func take(_ total: Int) -> RawHandshakeMessage {
        let end = self.start + total
        let message = RawHandshakeMessage(validatedBytes: Array(self.storage[self.start..<end]))
        self.start = end
        if self.start == self.storage.count {
            self.storage.removeAll(keepingCapacity: true)
            self.start = 0
        }
        return message
    }
}
