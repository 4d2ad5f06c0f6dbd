import QUICWire

/// CertificateRequest (RFC 8446 §4.3.2).
///
/// ```
/// struct {
///     opaque certificate_request_context<0..2^8-1>;
///     Extension extensions<2..2^16-1>;
/// } CertificateRequest;
/// ```
public struct CertificateRequest: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.certificateRequest

    /// RFC 8446 §4.3.2: zero length unless used for post-handshake authentication.
    public var certificateRequestContext: [UInt8]
    public var extensions: [TLSExtension]

    public init(certificateRequestContext: [UInt8] = [], extensions: [TLSExtension]) {
        self.certificateRequestContext = certificateRequestContext
        self.extensions = extensions
    }

    /// - Throws: missing_extension when signature_algorithms is absent (RFC 8446 §4.3.2: "The
    ///   signature_algorithms extension MUST be specified"), plus the usual decode and extension rules.
    public init(body: ArraySlice<UInt8>) throws(TLSAlert) {
        var reader = TLSReader(body)
        self.certificateRequestContext = Array(
            try reader.readVector(lengthBytes: 1, min: 0, max: 255, "certificate_request_context"))
        self.extensions = try TLSExtensionBlock.decode(from: &reader, minLength: 2, context: .certificateRequest)
        try reader.expectEnd("CertificateRequest")
        guard self.extensions.first(ofType: .signatureAlgorithms) != nil else {
            throw TLSAlert(.missingExtension, reason: "CertificateRequest without signature_algorithms")
        }
    }

    public func encodeBody(to writer: inout ByteWriter) {
        writer.writeTLSVector(self.certificateRequestContext, lengthBytes: 1)
        TLSExtensionBlock.encode(self.extensions, to: &writer)
    }
}
