import QUICWire

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
