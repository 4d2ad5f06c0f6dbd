import QUICWire

/// ClientHello (RFC 8446 §4.1.2).
///
/// ```
/// struct {
///     ProtocolVersion legacy_version = 0x0303;
///     Random random;
///     opaque legacy_session_id<0..32>;
///     CipherSuite cipher_suites<2..2^16-2>;
///     opaque legacy_compression_methods<1..2^8-1>;
///     Extension extensions<8..2^16-1>;
/// } ClientHello;
/// ```
public struct ClientHello: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.clientHello

    /// RFC 8446 §4.1.2: 0x0303; servers ignore it once supported_versions is present.
    public var legacyVersion: TLSVersion
    /// 32 bytes from a secure random number generator.
    public var random: [UInt8]
    /// RFC 9001 §8.4: a QUIC client sends it empty (no middlebox compatibility mode).
    public var legacySessionID: [UInt8]
    public var cipherSuites: [CipherSuite]
    /// RFC 8446 §4.1.2: exactly one byte, 0.
    public var legacyCompressionMethods: [UInt8]
    public var extensions: [TLSExtension]

    public init(
        legacyVersion: TLSVersion = .tls12, random: [UInt8], legacySessionID: [UInt8] = [],
        cipherSuites: [CipherSuite], legacyCompressionMethods: [UInt8] = [0], extensions: [TLSExtension]
    ) {
        self.legacyVersion = legacyVersion
        self.random = random
        self.legacySessionID = legacySessionID
        self.cipherSuites = cipherSuites
        self.legacyCompressionMethods = legacyCompressionMethods
        self.extensions = extensions
    }

    /// Decodes a ClientHello body.
    ///
    /// - Throws: decode_error for a malformed body; illegal_parameter when legacy_compression_methods is
    ///   not the single byte 0 (RFC 8446 §4.1.2: "If a TLS 1.3 ClientHello is received with any other
    ///   value in this field, the server MUST abort the handshake with an illegal_parameter alert") and
    ///   for the extension rules of ``TLSExtensionBlock``.
    public init(body: ArraySlice<UInt8>) throws(TLSAlert) {
        var reader = TLSReader(body)
        self.legacyVersion = TLSVersion(rawValue: try reader.readUInt16("legacy_version"))
        self.random = Array(try reader.readBytes(32, "random"))
        self.legacySessionID = Array(try reader.readVector(lengthBytes: 1, min: 0, max: 32, "legacy_session_id"))
        var suites = try reader.readSubReader(lengthBytes: 2, min: 2, max: 0xfffe, "cipher_suites")
        guard suites.remaining % 2 == 0 else {
            throw TLSAlert.decodeError("cipher_suites has an odd length")
        }
        self.cipherSuites = []
        while !suites.isAtEnd {
            self.cipherSuites.append(CipherSuite(rawValue: try suites.readUInt16("cipher_suite")))
        }
        self.legacyCompressionMethods = Array(
            try reader.readVector(lengthBytes: 1, min: 1, max: 255, "legacy_compression_methods"))
        guard self.legacyCompressionMethods == [0] else {
            throw TLSAlert.illegalParameter("legacy_compression_methods must be [0]")
        }
        self.extensions = try TLSExtensionBlock.decode(from: &reader, minLength: 8, context: .clientHello)
        try reader.expectEnd("ClientHello")
    }

    /// - Precondition: `random` is 32 bytes and every list fits its length prefix.
    public func encodeBody(to writer: inout ByteWriter) {
        precondition(self.random.count == 32, "a ClientHello random is 32 bytes")
        writer.writeUInt16(self.legacyVersion.rawValue)
        writer.writeBytes(self.random)
        writer.writeTLSVector(self.legacySessionID, lengthBytes: 1)
        writer.writeTLSVector(lengthBytes: 2) { list in
            for suite in self.cipherSuites { list.writeUInt16(suite.rawValue) }
        }
        writer.writeTLSVector(self.legacyCompressionMethods, lengthBytes: 1)
        TLSExtensionBlock.encode(self.extensions, to: &writer)
    }

    /// The offered PSKs, when the last extension is pre_shared_key.
    public var offeredPSKs: OfferedPSKs? {
        if case .preSharedKey(let offered) = self.extensions.last { return offered }
        return nil
    }

    /// The prefix of `encodedMessage` that PSK binders are computed over (RFC 8446 §4.2.11.2): the
    /// whole ClientHello, header included, up to and including the identities of pre_shared_key.
    ///
    /// `encodedMessage` must be this ClientHello's encoding; returns nil when no PSK is offered.
    public func partialTranscript(of encodedMessage: [UInt8]) -> ArraySlice<UInt8>? {
        guard let offered = self.offeredPSKs else { return nil }
        let cut = encodedMessage.count - offered.bindersEncodedLength
        guard cut >= RawHandshakeMessage.headerLength else { return nil }
        return encodedMessage[..<cut]
    }
}
