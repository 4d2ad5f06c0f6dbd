/// Which side produced a CertificateVerify; selects the context string of RFC 8446 §4.4.3.
public enum CertificateVerifyRole: Sendable, Hashable {
    case server
    case client

    /// RFC 8446 §4.4.3: "The context string for a server signature is "TLS 1.3, server CertificateVerify".
    /// The context string for a client signature is "TLS 1.3, client CertificateVerify"."
    public var contextString: String {
        switch self {
        case .server: return "TLS 1.3, server CertificateVerify"
        case .client: return "TLS 1.3, client CertificateVerify"
        }
    }
}

/// The bytes a CertificateVerify signature covers.
public enum CertificateVerifyContent {
    /// RFC 8446 §4.4.3: "The digital signature is then computed over the concatenation of:
    /// - A string that consists of octet 32 (0x20) repeated 64 times
    /// - The context string
    /// - A single 0 byte which serves as the separator
    /// - The content to be signed" (the transcript hash Transcript-Hash(Handshake Context, Certificate)).
    public static func make(role: CertificateVerifyRole, transcriptHash: some Collection<UInt8>) -> [UInt8] {
        let context = Array(role.contextString.utf8)
        var content = [UInt8]()
        content.reserveCapacity(64 + context.count + 1 + transcriptHash.count)
        content.append(contentsOf: repeatElement(0x20, count: 64))
        content.append(contentsOf: context)
        content.append(0)
        content.append(contentsOf: transcriptHash)
        return content
    }
}
