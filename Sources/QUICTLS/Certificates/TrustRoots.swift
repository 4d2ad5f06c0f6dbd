import Foundation
import X509

/// The certificates a peer chain must lead to.
public struct TrustRoots: Sendable, Hashable {
    public var certificates: [Certificate]

    public init(_ certificates: [Certificate]) {
        self.certificates = certificates
    }

    /// Where Debian and Ubuntu keep the system bundle (package ca-certificates).
    public static let debianSystemBundlePath = "/etc/ssl/certs/ca-certificates.crt"

    /// Roots from PEM text (one or more "CERTIFICATE" blocks).
    public init(pemEncoded pem: String) throws(CertificateLoadingError) {
        self.certificates = try CertificateChain.certificates(inPEM: pem, source: "trust root PEM")
    }

    /// Roots from a PEM bundle file.
    public init(pemFile path: String) throws(CertificateLoadingError) {
        let text = try PEMInput.readFile(path, what: "trust root bundle")
        self.certificates = try CertificateChain.certificates(inPEM: text, source: "trust root bundle '\(path)'")
    }

    /// The operating system's bundle.
    public static func system(
        path: String = TrustRoots.debianSystemBundlePath
    ) throws(CertificateLoadingError) -> TrustRoots {
        do {
            return try TrustRoots(pemFile: path)
        } catch let error where error.kind == .fileNotReadable {
            throw CertificateLoadingError(
                .fileNotReadable,
                "system trust roots not found at '\(path)': install the 'ca-certificates' package or pass "
                    + "explicit trust roots"
            )
        }
    }
}
