import Crypto
import Foundation
import SwiftASN1
import X509

/// A self-signed certificate generated at run time for development and tests.
///
/// It carries basicConstraints CA:TRUE (critical) and keyUsage digitalSignature + keyCertSign (critical), so a
/// peer can put the very same certificate in its trust roots and `RFC5280Policy` accepts it as its own root
/// (the leaf is found in the root store). Note that some other stacks (webpki/rustls) refuse a CA certificate
/// as an end-entity; for interop with those, sign a leaf with a CA instead.
public enum DevelopmentCertificate {
    public enum KeyType: Sendable, Hashable {
        case p256
        case ed25519
    }

    /// Names used when none are given.
    public static let defaultDNSNames = ["localhost"]
    public static let defaultIPAddresses = ["127.0.0.1", "::1"]

    /// Generates a fresh key and a self-signed certificate for `dnsNames` and `ipAddresses`, valid from one hour
    /// before `now` (tolerating clock skew) until `now + validity`.
    public static func generate(
        keyType: KeyType = .p256,
        dnsNames: [String] = Self.defaultDNSNames,
        ipAddresses: [String] = Self.defaultIPAddresses,
        now: Date,
        validity: TimeInterval = 30 * 24 * 3600
    ) throws(CertificateLoadingError) -> CertificateIdentity {
        let key: PrivateSigningKey
        let algorithm: Certificate.SignatureAlgorithm
        switch keyType {
        case .p256:
            key = PrivateSigningKey(P256.Signing.PrivateKey())
            algorithm = .ecdsaWithSHA256
        case .ed25519:
            key = PrivateSigningKey(Curve25519.Signing.PrivateKey())
            algorithm = .ed25519
        }
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for address in ipAddresses {
            guard let bytes = IPAddressLiteral.bytes(address) else {
                throw CertificateLoadingError(
                    .generationFailed,
                    "'\(address)' is not an IPv4 or IPv6 address; pass host names as DNS names"
                )
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        let commonName = dnsNames.first ?? ipAddresses.first ?? "mpquic development"
        do {
            let subject = try DistinguishedName {
                OrganizationName("mpquic development")
                CommonName(commonName)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectKeyIdentifier(hash: key.publicKey)
                if !names.isEmpty {
                    SubjectAlternativeNames(names)
                }
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(validity),
                issuer: subject,
                subject: subject,
                signatureAlgorithm: algorithm,
                extensions: extensions,
                issuerPrivateKey: key.certificatePrivateKey
            )
            return try CertificateIdentity(chain: CertificateChain([certificate]), privateKey: key)
        } catch let error as CertificateLoadingError {
            throw error
        } catch {
            throw CertificateLoadingError(.generationFailed, "could not build the development certificate: \(error)")
        }
    }
}

extension CertificateIdentity {
    /// The certificate chain and the PKCS#8 private key as PEM, e.g. to write `cert.pem` and `key.pem`.
    public var pemFiles: (certificateChain: String, privateKey: String) {
        (self.chain.pemRepresentation, self.privateKey.pemRepresentation)
    }
}
