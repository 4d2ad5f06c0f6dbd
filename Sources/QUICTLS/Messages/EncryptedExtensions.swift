import QUICWire

/// EncryptedExtensions (RFC 8446 §4.3.1): `struct { Extension extensions<0..2^16-1>; }`.
///
/// In QUIC it carries the server's quic_transport_parameters (RFC 9001 §8.2) and its ALPN choice.
public struct EncryptedExtensions: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.encryptedExtensions

    public var extensions: [TLSExtension]

    public init(extensions: [TLSExtension]) {
        self.extensions = extensions
    }

    public init(body: ArraySlice<UInt8>) throws(TLSAlert) {
        var reader = TLSReader(body)
        self.extensions = try TLSExtensionBlock.decode(from: &reader, minLength: 0, context: .encryptedExtensions)
        try reader.expectEnd("EncryptedExtensions")
    }

    public func encodeBody(to writer: inout ByteWriter) {
        TLSExtensionBlock.encode(self.extensions, to: &writer)
    }
}
