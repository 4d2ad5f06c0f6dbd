import QUICWire

/// Certificate (RFC 8446 §4.4.2). Named CertificateMessage so as not to clash with X.509 types.
///
/// ```
/// struct {
///     opaque certificate_request_context<0..2^8-1>;
///     CertificateEntry certificate_list<0..2^24-1>;
/// } Certificate;
/// struct {
///     opaque cert_data<1..2^24-1>;      /* X.509; QUIC uses no raw public keys here */
///     Extension extensions<0..2^16-1>;
/// } CertificateEntry;
/// ```
public struct CertificateMessage: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.certificate

    /// One certificate of the chain and its extensions (for example OCSP status or SCTs).
    public struct Entry: Hashable, Sendable {
        /// The DER-encoded X.509 certificate.
        public var certData: [UInt8]
        public var extensions: [TLSExtension]

        public init(certData: [UInt8], extensions: [TLSExtension] = []) {
            self.certData = certData
            self.extensions = extensions
        }
    }

    /// Empty in the server's Certificate; echoes the CertificateRequest's context in the client's.
    public var certificateRequestContext: [UInt8]
    /// The end-entity certificate first (RFC 8446 §4.4.2).
    public var entries: [Entry]

    public init(certificateRequestContext: [UInt8] = [], entries: [Entry]) {
        self.certificateRequestContext = certificateRequestContext
        self.entries = entries
    }

    public init(body: ArraySlice<UInt8>) throws(TLSAlert) {
        var reader = TLSReader(body)
        self.certificateRequestContext = Array(
            try reader.readVector(lengthBytes: 1, min: 0, max: 255, "certificate_request_context"))
        var list = try reader.readSubReader(lengthBytes: 3, min: 0, max: (1 << 24) - 1, "certificate_list")
        self.entries = []
        while !list.isAtEnd {
            let data = try list.readVector(lengthBytes: 3, min: 1, max: (1 << 24) - 1, "cert_data")
            let extensions = try TLSExtensionBlock.decode(from: &list, minLength: 0, context: .certificate)
            self.entries.append(Entry(certData: Array(data), extensions: extensions))
        }
        try reader.expectEnd("Certificate")
    }

    public func encodeBody(to writer: inout ByteWriter) {
        writer.writeTLSVector(self.certificateRequestContext, lengthBytes: 1)
        writer.writeTLSVector(lengthBytes: 3) { list in
            for entry in self.entries {
                list.writeTLSVector(entry.certData, lengthBytes: 3)
                TLSExtensionBlock.encode(entry.extensions, to: &list)
            }
        }
    }
}
