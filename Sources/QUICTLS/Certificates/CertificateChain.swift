import Foundation
import SwiftASN1
import X509

/// An ordered certificate chain: the end-entity (leaf) certificate first, then the intermediates that certify
/// it, as sent in a TLS 1.3 Certificate message (RFC 8446 §4.4.2: "The sender's certificate MUST come in the
/// first CertificateEntry in the list. Each following certificate SHOULD directly certify the one
/// immediately preceding it.").
public struct CertificateChain: Sendable, Hashable {
    public var certificates: [Certificate]

    /// Creates a chain; `certificates` must not be empty.
    public init(_ certificates: [Certificate]) throws(CertificateLoadingError) {
        guard !certificates.isEmpty else {
            throw CertificateLoadingError(.notPEM, "a certificate chain needs at least the leaf certificate")
        }
        self.certificates = certificates
    }

    /// The end-entity certificate.
    public var leaf: Certificate {
        // Non-empty by construction.
        self.certificates[0]
    }

    /// Loads every "CERTIFICATE" block from a PEM file, leaf first.
    public init(pemFile path: String) throws(CertificateLoadingError) {
        try self.init(pemEncoded: PEMInput.readFile(path, what: "certificate"), source: "certificate file '\(path)'")
    }

    /// Loads every "CERTIFICATE" block in `pem`, leaf first; other blocks (keys) are skipped.
    public init(pemEncoded pem: String) throws(CertificateLoadingError) {
        try self.init(pemEncoded: pem, source: "certificate PEM")
    }

    init(pemEncoded pem: String, source: String) throws(CertificateLoadingError) {
        self.certificates = try Self.certificates(inPEM: pem, source: source)
    }

    /// All certificates in a PEM bundle (for trust roots as well as chains). Throws if there are none.
    public static func certificates(
        inPEM pem: String,
        source: String
    ) throws(CertificateLoadingError) -> [Certificate] {
        var certificates: [Certificate] = []
        for (index, document) in try PEMInput.documents(in: pem, what: source).enumerated()
        where document.discriminator == "CERTIFICATE" {
            do {
                certificates.append(try Certificate(derEncoded: document.derBytes))
            } catch {
                throw CertificateLoadingError(
                    .malformedContent,
                    "\(source): PEM block \(index + 1) is not a valid X.509 certificate (\(error))"
                )
            }
        }
        guard !certificates.isEmpty else {
            throw CertificateLoadingError(.notPEM, "\(source) contains no '-----BEGIN CERTIFICATE-----' block")
        }
        return certificates
    }

    /// The DER encoding of each certificate, leaf first: the `cert_data` of each CertificateEntry.
    public var derEncoded: [[UInt8]] {
        self.certificates.map { Self.der($0) }
    }

    /// The chain as concatenated PEM blocks.
    public var pemRepresentation: String {
        self.derEncoded.map { PEMDocument(type: "CERTIFICATE", derBytes: $0).pemString }.joined(separator: "\n") + "\n"
    }

    /// Checks that `key` is the private key of the leaf certificate.
    public func checkMatches(_ key: PrivateSigningKey) throws(CertificateLoadingError) {
        guard key.publicKey == self.leaf.publicKey else {
            throw CertificateLoadingError(
                .keyDoesNotMatchCertificate,
                "the private key (\(key.keyTypeName)) does not belong to the leaf certificate "
                    + "(subject \(self.leaf.subject), key \(self.leaf.publicKey)); check that the key and "
                    + "certificate files are a pair and that the leaf comes first in the certificate file"
            )
        }
    }

    static func der(_ certificate: Certificate) -> [UInt8] {
        var serializer = DER.Serializer()
        // Serializing a parsed or built certificate only re-emits stored encodings; it does not fail.
        try? serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}

/// A certificate chain with the private key of its leaf: what an endpoint presents.
public struct CertificateIdentity: Sendable {
    public var chain: CertificateChain
    public var privateKey: PrivateSigningKey

    /// Pairs `chain` and `privateKey`, checking that the key belongs to the leaf.
    public init(chain: CertificateChain, privateKey: PrivateSigningKey) throws(CertificateLoadingError) {
        try chain.checkMatches(privateKey)
        self.chain = chain
        self.privateKey = privateKey
    }

    /// Loads a chain and key from PEM files (they may be the same file).
    public init(certificateFile: String, privateKeyFile: String) throws(CertificateLoadingError) {
        try self.init(
            chain: CertificateChain(pemFile: certificateFile),
            privateKey: PrivateSigningKey(pemFile: privateKeyFile)
        )
    }
}
