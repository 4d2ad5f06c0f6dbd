import QUICWire

/// ServerHello (RFC 8446 §4.1.3).
///
/// ```
/// struct {
///     ProtocolVersion legacy_version = 0x0303;
///     Random random;
///     opaque legacy_session_id_echo<0..32>;
///     CipherSuite cipher_suite;
///     uint8 legacy_compression_method = 0;
///     Extension extensions<6..2^16-1>;
/// } ServerHello;
/// ```
///
/// A ServerHello whose random is ``HelloRetryRequest/specialRandom`` is a ``HelloRetryRequest``; use
/// ``HandshakeMessage`` to decode either.
public struct ServerHello: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.serverHello

    public var legacyVersion: TLSVersion
    public var random: [UInt8]
    /// RFC 8446 §4.1.3: the client's legacy_session_id, echoed (empty in QUIC).
    public var legacySessionIDEcho: [UInt8]
    public var cipherSuite: CipherSuite
    public var legacyCompressionMethod: UInt8
    public var extensions: [TLSExtension]

    public init(
        legacyVersion: TLSVersion = .tls12, random: [UInt8], legacySessionIDEcho: [UInt8] = [],
        cipherSuite: CipherSuite, legacyCompressionMethod: UInt8 = 0, extensions: [TLSExtension]
    ) {
        self.legacyVersion = legacyVersion
        self.random = random
        self.legacySessionIDEcho = legacySessionIDEcho
        self.cipherSuite = cipherSuite
        self.legacyCompressionMethod = legacyCompressionMethod
        self.extensions = extensions
    }

    /// Decodes a ServerHello body (not a HelloRetryRequest: the random decides, see ``HandshakeMessage``).
    public init(body: ArraySlice<UInt8>) throws(TLSAlert) {
        let fields = try ServerHelloFields(body: body, context: .serverHello)
        self.init(
            legacyVersion: fields.legacyVersion, random: fields.random, legacySessionIDEcho: fields.sessionID,
            cipherSuite: fields.cipherSuite, legacyCompressionMethod: fields.compressionMethod,
            extensions: fields.extensions)
    }

    /// - Precondition: `random` is 32 bytes and every list fits its length prefix.
    public func encodeBody(to writer: inout ByteWriter) {
        precondition(self.random.count == 32, "a ServerHello random is 32 bytes")
        ServerHelloFields.encode(
            legacyVersion: self.legacyVersion, random: self.random, sessionID: self.legacySessionIDEcho,
            cipherSuite: self.cipherSuite, compressionMethod: self.legacyCompressionMethod,
            extensions: self.extensions, to: &writer)
    }
}

/// The layout ServerHello and HelloRetryRequest share.
internal struct ServerHelloFields {
    var legacyVersion: TLSVersion
    var random: [UInt8]
    var sessionID: [UInt8]
    var cipherSuite: CipherSuite
    var compressionMethod: UInt8
    var extensions: [TLSExtension]

    /// Whether a ServerHello body announces a HelloRetryRequest: its random (bytes 2..<34) is the
    /// special value of RFC 8446 §4.1.3. False when the body is too short to tell.
    static func isHelloRetryRequest(body: ArraySlice<UInt8>) -> Bool {
        guard body.count >= 34 else { return false }
        let start = body.startIndex + 2
        return body[start..<(start + 32)].elementsEqual(HelloRetryRequest.specialRandom)
    }

    init(body: ArraySlice<UInt8>, context: ExtensionContext) throws(TLSAlert) {
        var reader = TLSReader(body)
        self.legacyVersion = TLSVersion(rawValue: try reader.readUInt16("legacy_version"))
        self.random = Array(try reader.readBytes(32, "random"))
        self.sessionID = Array(try reader.readVector(lengthBytes: 1, min: 0, max: 32, "legacy_session_id_echo"))
        self.cipherSuite = CipherSuite(rawValue: try reader.readUInt16("cipher_suite"))
        self.compressionMethod = try reader.readUInt8("legacy_compression_method")
        // RFC 8446 §4.1.3: "legacy_compression_method: A single byte which MUST have the value 0."
        guard self.compressionMethod == 0 else {
            throw TLSAlert.illegalParameter("legacy_compression_method must be 0")
        }
        self.extensions = try TLSExtensionBlock.decode(from: &reader, minLength: 6, context: context)
        try reader.expectEnd("ServerHello")
    }

    static func encode(
        legacyVersion: TLSVersion, random: [UInt8], sessionID: [UInt8], cipherSuite: CipherSuite,
        compressionMethod: UInt8, extensions: [TLSExtension], to writer: inout ByteWriter
    ) {
        writer.writeUInt16(legacyVersion.rawValue)
        writer.writeBytes(random)
        writer.writeTLSVector(sessionID, lengthBytes: 1)
        writer.writeUInt16(cipherSuite.rawValue)
        writer.writeUInt8(compressionMethod)
        TLSExtensionBlock.encode(extensions, to: &writer)
    }
}
