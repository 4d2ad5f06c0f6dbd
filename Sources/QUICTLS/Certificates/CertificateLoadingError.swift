/// An error loading certificates or a private key from local configuration (files or PEM text).
///
/// These are errors a user hits while setting up an endpoint, so every message says what to do next.
public struct CertificateLoadingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The file does not exist or could not be read.
        case fileNotReadable
        /// The input contains no PEM block of the expected kind.
        case notPEM
        /// A PEM block is present but its DER content does not parse.
        case malformedContent
        /// The key is of a type this module cannot sign with.
        case unsupportedKeyType
        /// The private key's public half is not the leaf certificate's public key.
        case keyDoesNotMatchCertificate
        /// Generating a certificate failed.
        case generationFailed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String {
        self.message
    }

    static func fileNotReadable(_ path: String, what: String) -> CertificateLoadingError {
        CertificateLoadingError(
            .fileNotReadable,
            "cannot read \(what) file '\(path)': check that the path exists and is readable by this process"
        )
    }
}
