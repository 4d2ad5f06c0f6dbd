import QUICWire

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
