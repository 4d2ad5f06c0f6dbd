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

/// CertificateVerify (RFC 8446 §4.4.3): `struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; }`.
public struct CertificateVerify: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.certificateVerify

    public var algorithm: SignatureScheme
    public var signature: [UInt8]

    public init(algorithm: SignatureScheme, signature: [UInt8]) {
        self.algorithm = algorithm
        self.signature = signature
    }

    public init(body: ArraySlice<UInt8>) throws(TLSAlert) {
        var reader = TLSReader(body)
        self.algorithm = SignatureScheme(rawValue: try reader.readUInt16("algorithm"))
        self.signature = Array(try reader.readVector(lengthBytes: 2, min: 0, max: 0xffff, "signature"))
        try reader.expectEnd("CertificateVerify")
    }

    public func encodeBody(to writer: inout ByteWriter) {
        writer.writeUInt16(self.algorithm.rawValue)
        writer.writeTLSVector(self.signature, lengthBytes: 2)
    }
}

/// Finished (RFC 8446 §4.4.4): `struct { opaque verify_data[Hash.length]; }`.
public struct Finished: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.finished

    /// The HMAC over the transcript; as long as the cipher suite's hash (32 or 48 bytes).
    public var verifyData: [UInt8]

    public init(verifyData: [UInt8]) {
        self.verifyData = verifyData
    }

    /// Decodes a Finished body.
    ///
    /// - Parameter hashLength: the negotiated hash length. When nil (the suite is not known yet, as for a
    ///   fuzzer), any length from 32 to 64 bytes is accepted and the handshake must check it.
    /// - Throws: decode_error when the length is wrong.
    public init(body: ArraySlice<UInt8>, hashLength: Int?) throws(TLSAlert) {
        if let hashLength {
            guard body.count == hashLength else {
                throw TLSAlert.decodeError("verify_data is \(body.count) bytes, expected \(hashLength)")
            }
        } else {
            guard body.count >= 32, body.count <= 64 else {
                throw TLSAlert.decodeError("verify_data of \(body.count) bytes")
            }
        }
        self.verifyData = Array(body)
    }

    public func encodeBody(to writer: inout ByteWriter) {
        writer.writeBytes(self.verifyData)
    }
}
