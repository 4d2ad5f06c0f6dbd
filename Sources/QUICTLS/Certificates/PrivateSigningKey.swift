import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A private key this endpoint signs CertificateVerify with (RFC 8446 §4.4.3).
///
/// Supported: ECDSA P-256 and P-384 (SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY"), Ed25519 (PKCS#8) and
/// RSA (PKCS#1 "RSA PRIVATE KEY" or PKCS#8), RSA signing only with RSASSA-PSS as TLS 1.3 requires.
public struct PrivateSigningKey: Sendable {
    public enum Backing: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    public var backing: Backing

    public init(_ backing: Backing) {
        self.backing = backing
    }

    public init(_ key: P256.Signing.PrivateKey) { self.backing = .p256(key) }
    public init(_ key: P384.Signing.PrivateKey) { self.backing = .p384(key) }
    public init(_ key: Curve25519.Signing.PrivateKey) { self.backing = .ed25519(key) }
    public init(_ key: _RSA.Signing.PrivateKey) { self.backing = .rsa(key) }

    /// The public key, in the form certificates carry it.
    public var publicKey: Certificate.PublicKey {
        switch self.backing {
        case .p256(let key): return Certificate.PublicKey(key.publicKey)
        case .p384(let key): return Certificate.PublicKey(key.publicKey)
        case .ed25519(let key): return Certificate.PublicKey(key.publicKey)
        case .rsa(let key): return Certificate.PublicKey(key.publicKey)
        }
    }

    /// The same key for swift-certificates, to sign certificates with it.
    public var certificatePrivateKey: Certificate.PrivateKey {
        switch self.backing {
        case .p256(let key): return Certificate.PrivateKey(key)
        case .p384(let key): return Certificate.PrivateKey(key)
        case .ed25519(let key): return Certificate.PrivateKey(key)
        case .rsa(let key): return Certificate.PrivateKey(key)
        }
    }

    /// A short human-readable name of the key type, for messages.
    public var keyTypeName: String {
        switch self.backing {
        case .p256: return "ECDSA P-256"
        case .p384: return "ECDSA P-384"
        case .ed25519: return "Ed25519"
        case .rsa(let key): return "RSA \(key.keySizeInBits)"
        }
    }
}

// MARK: - Loading

extension PrivateSigningKey {
    /// Loads the first private key block from a PEM file.
    public init(pemFile path: String) throws(CertificateLoadingError) {
        try self.init(pemEncoded: PEMInput.readFile(path, what: "private key"), source: "private key file '\(path)'")
    }

    /// Loads the first private key block in `pem`. Other blocks (certificates, "EC PARAMETERS") are skipped, so a
    /// combined file or `openssl ecparam -genkey` output works.
    public init(pemEncoded pem: String) throws(CertificateLoadingError) {
        try self.init(pemEncoded: pem, source: "private key PEM")
    }

    init(pemEncoded pem: String, source: String) throws(CertificateLoadingError) {
        let documents = try PEMInput.documents(in: pem, what: source)
        for document in documents {
            switch document.discriminator {
            case "EC PRIVATE KEY":
                self = try Self.sec1(document.derBytes, source: source)
                return
            case "PRIVATE KEY":
                self = try Self.pkcs8(document.derBytes, source: source)
                return
            case "RSA PRIVATE KEY":
                self = try Self.rsa(document.derBytes, source: source)
                return
            case "ENCRYPTED PRIVATE KEY":
                throw CertificateLoadingError(
                    .unsupportedKeyType,
                    "\(source) is encrypted: decrypt it first, e.g. 'openssl pkey -in key.pem -out plain.pem'"
                )
            default:
                continue
            }
        }
        let found = documents.map { "'\($0.discriminator)'" }.joined(separator: ", ")
        throw CertificateLoadingError(
            .notPEM,
            "\(source) has no private key block (found \(found)); expected 'PRIVATE KEY', 'EC PRIVATE KEY' or "
                + "'RSA PRIVATE KEY'"
        )
    }

    /// Loads a PKCS#8 DER private key.
    public init(pkcs8DER der: [UInt8]) throws(CertificateLoadingError) {
        self = try Self.pkcs8(der, source: "PKCS#8 private key")
    }

    private static func sec1(_ der: [UInt8], source: String) throws(CertificateLoadingError) -> PrivateSigningKey {
        if let key = try? P256.Signing.PrivateKey(derRepresentation: der) {
            return PrivateSigningKey(key)
        }
        if let key = try? P384.Signing.PrivateKey(derRepresentation: der) {
            return PrivateSigningKey(key)
        }
        throw CertificateLoadingError(
            .unsupportedKeyType,
            "\(source): EC key is not a valid P-256 or P-384 key; use 'openssl ecparam -name prime256v1 -genkey'"
        )
    }

    private static func rsa(_ der: [UInt8], source: String) throws(CertificateLoadingError) -> PrivateSigningKey {
        do {
            return PrivateSigningKey(try _RSA.Signing.PrivateKey(derRepresentation: der))
        } catch {
            throw CertificateLoadingError(
                .malformedContent,
                "\(source): RSA key does not parse or is shorter than 2048 bits (\(error))"
            )
        }
    }

    // RFC 5958: OneAsymmetricKey ::= SEQUENCE { version, privateKeyAlgorithm AlgorithmIdentifier,
    //                                          privateKey OCTET STRING, ... }
    private static func pkcs8(_ der: [UInt8], source: String) throws(CertificateLoadingError) -> PrivateSigningKey {
        let algorithm: ASN1ObjectIdentifier
        let parameters: ASN1ObjectIdentifier?
        let privateKey: ArraySlice<UInt8>
        do {
            let root = try DER.parse(der)
            guard case .constructed(let children) = root.content else {
                throw ASN1Error.invalidASN1Object(reason: "PKCS#8 is not a SEQUENCE")
            }
            var iterator = children.makeIterator()
            guard let version = iterator.next(), let algorithmNode = iterator.next(), let keyNode = iterator.next(),
                case .constructed(let algorithmChildren) = algorithmNode.content
            else {
                throw ASN1Error.invalidASN1Object(reason: "PKCS#8 SEQUENCE is too short")
            }
            _ = try Int(derEncoded: version)
            var algorithmIterator = algorithmChildren.makeIterator()
            guard let oidNode = algorithmIterator.next() else {
                throw ASN1Error.invalidASN1Object(reason: "empty AlgorithmIdentifier")
            }
            algorithm = try ASN1ObjectIdentifier(derEncoded: oidNode)
            parameters = algorithmIterator.next().flatMap { try? ASN1ObjectIdentifier(derEncoded: $0) }
            privateKey = try ASN1OctetString(derEncoded: keyNode).bytes
        } catch {
            throw CertificateLoadingError(.malformedContent, "\(source): PKCS#8 structure does not parse (\(error))")
        }

        let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
        let secp256r1: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
        let secp384r1: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
        let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
        let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]

        switch algorithm {
        case ecPublicKey where parameters == secp256r1:
            guard let key = try? P256.Signing.PrivateKey(derRepresentation: der) else { break }
            return PrivateSigningKey(key)
        case ecPublicKey where parameters == secp384r1:
            guard let key = try? P384.Signing.PrivateKey(derRepresentation: der) else { break }
            return PrivateSigningKey(key)
        case ecPublicKey:
            throw CertificateLoadingError(
                .unsupportedKeyType,
                "\(source): EC curve \(parameters.map { String(describing: $0) } ?? "(none)") is not supported; "
                    + "use P-256 (prime256v1), P-384 or Ed25519"
            )
        case ed25519:
            // RFC 8410 §7: the privateKey OCTET STRING holds CurvePrivateKey ::= OCTET STRING (32 bytes).
            guard let inner = try? ASN1OctetString(derEncoded: privateKey),
                let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: inner.bytes)
            else { break }
            return PrivateSigningKey(key)
        case rsaEncryption:
            return try Self.rsa(der, source: source)
        default:
            throw CertificateLoadingError(
                .unsupportedKeyType,
                "\(source): key algorithm \(algorithm) is not supported; use P-256, P-384, Ed25519 or RSA"
            )
        }
        throw CertificateLoadingError(.malformedContent, "\(source): the \(algorithm) key material is invalid")
    }

    /// PKCS#8 PEM of this key ("PRIVATE KEY").
    public var pemRepresentation: String {
        switch self.backing {
        case .p256(let key): return key.pemRepresentation
        case .p384(let key): return key.pemRepresentation
        case .rsa(let key): return key.pkcs8PEMRepresentation
        case .ed25519(let key):
            // RFC 8410 §7 PKCS#8 for Ed25519 has a fixed 16-byte prefix before the 32-byte key.
            let prefix: [UInt8] = [
                0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
            ]
            return PEMDocument(type: "PRIVATE KEY", derBytes: prefix + Array(key.rawRepresentation)).pemString
        }
    }
}
