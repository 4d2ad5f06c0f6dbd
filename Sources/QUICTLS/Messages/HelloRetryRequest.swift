import QUICWire

/// HelloRetryRequest (RFC 8446 §4.1.4): a ServerHello whose random is the SHA-256 of
/// "HelloRetryRequest", asking the client for a new ClientHello (another key share, or a cookie).
public struct HelloRetryRequest: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.serverHello

    /// RFC 8446 §4.1.3: SHA-256("HelloRetryRequest"), the random that marks a HelloRetryRequest.
    public static let specialRandom: [UInt8] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    ]

    public var legacyVersion: TLSVersion
    public var legacySessionIDEcho: [UInt8]
    public var cipherSuite: CipherSuite
    public var legacyCompressionMethod: UInt8
    /// RFC 8446 §4.1.4: supported_versions, and key_share (selected_group) and/or cookie.
    public var extensions: [TLSExtension]

    public init(
        legacyVersion: TLSVersion = .tls12, legacySessionIDEcho: [UInt8] = [], cipherSuite: CipherSuite,
        legacyCompressionMethod: UInt8 = 0, extensions: [TLSExtension]
    ) {
        self.legacyVersion = legacyVersion
        self.legacySessionIDEcho = legacySessionIDEcho
        self.cipherSuite = cipherSuite
        self.legacyCompressionMethod = legacyCompressionMethod
        self.extensions = extensions
    }

    /// Decodes a HelloRetryRequest body.
    ///
    /// - Throws: decode_error when the random is not ``specialRandom``, plus the ServerHello rules.
    public init(body: ArraySlice<UInt8>) throws(TLSAlert) {
        let fields = try ServerHelloFields(body: body, context: .helloRetryRequest)
        guard fields.random == Self.specialRandom else {
            throw TLSAlert.decodeError("a HelloRetryRequest carries the special random")
        }
        self.init(
            legacyVersion: fields.legacyVersion, legacySessionIDEcho: fields.sessionID,
            cipherSuite: fields.cipherSuite, legacyCompressionMethod: fields.compressionMethod,
            extensions: fields.extensions)
    }

    public func encodeBody(to writer: inout ByteWriter) {
        ServerHelloFields.encode(
            legacyVersion: self.legacyVersion, random: Self.specialRandom, sessionID: self.legacySessionIDEcho,
            cipherSuite: self.cipherSuite, compressionMethod: self.legacyCompressionMethod,
            extensions: self.extensions, to: &writer)
    }
}
