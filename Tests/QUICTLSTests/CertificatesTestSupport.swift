import QUICTestSupport
import Crypto
import Foundation
import QUICTLS
import SwiftASN1
import X509
import _CryptoExtras

typealias CertificatesSplitMix64 = SplitMix64


enum TestKeyKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case p256
    case ed25519
    case rsa2048

    var description: String { self.rawValue }
}

/// Keys made once per test process: RSA key generation is slow.
enum TestKeys {
    static let rsaKeys: [_RSA.Signing.PrivateKey] = (0..<3).map { _ in
        // 2048 bits is the smallest size _CryptoExtras accepts without the "unsafe" spelling.
        try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    static func make(_ kind: TestKeyKind, index: Int) -> PrivateSigningKey {
        switch kind {
        case .p256: return PrivateSigningKey(P256.Signing.PrivateKey())
        case .ed25519: return PrivateSigningKey(Curve25519.Signing.PrivateKey())
        case .rsa2048: return PrivateSigningKey(Self.rsaKeys[index % Self.rsaKeys.count])
        }
    }
}

/// A root CA, an intermediate CA and a leaf, generated at run time.
struct TestPKI {
    var root: Certificate
    var rootKey: PrivateSigningKey
    var intermediate: Certificate
    var intermediateKey: PrivateSigningKey
    var leaf: Certificate
    var leafKey: PrivateSigningKey

    /// The chain a peer sends: leaf, intermediate.
    var presentedDER: [[UInt8]] {
        [Self.der(self.leaf), Self.der(self.intermediate)]
    }

    var trustRoots: TrustRoots {
        TrustRoots([self.root])
    }

    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    static func make(
        _ kind: TestKeyKind,
        dnsNames: [String] = ["server.example.com", "*.wild.example.net"],
        ipAddresses: [[UInt8]] = [[192, 0, 2, 7], [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]],
        leafNotBefore: Date = TestPKI.now.addingTimeInterval(-86_400),
        leafNotAfter: Date = TestPKI.now.addingTimeInterval(86_400)
    ) throws -> TestPKI {
        let rootKey = TestKeys.make(kind, index: 0)
        let intermediateKey = TestKeys.make(kind, index: 1)
        let leafKey = TestKeys.make(kind, index: 2)
        let rootName = try DistinguishedName { CommonName("Test Root \(kind)") }
        let intermediateName = try DistinguishedName { CommonName("Test Intermediate \(kind)") }
        let leafName = try DistinguishedName { CommonName("Test Leaf \(kind)") }
        let caExtensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
        }
        let root = try Self.certificate(
            key: rootKey,
            subject: rootName,
            issuer: rootName,
            issuerKey: rootKey,
            extensions: caExtensions
        )
        let intermediate = try Self.certificate(
            key: intermediateKey,
            subject: intermediateName,
            issuer: rootName,
            issuerKey: rootKey,
            extensions: caExtensions
        )
        let names =
            dnsNames.map { GeneralName.dnsName($0) }
            + ipAddresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let leafExtensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            SubjectAlternativeNames(names)
        }
        let leaf = try Self.certificate(
            key: leafKey,
            subject: leafName,
            issuer: intermediateName,
            issuerKey: intermediateKey,
            extensions: leafExtensions,
            notBefore: leafNotBefore,
            notAfter: leafNotAfter
        )
        return TestPKI(
            root: root,
            rootKey: rootKey,
            intermediate: intermediate,
            intermediateKey: intermediateKey,
            leaf: leaf,
            leafKey: leafKey
        )
    }

    static func certificate(
        key: PrivateSigningKey,
        subject: DistinguishedName,
        issuer: DistinguishedName,
        issuerKey: PrivateSigningKey,
        extensions: Certificate.Extensions,
        notBefore: Date = TestPKI.now.addingTimeInterval(-365 * 86_400),
        notAfter: Date = TestPKI.now.addingTimeInterval(365 * 86_400)
    ) throws -> Certificate {
        let algorithm: Certificate.SignatureAlgorithm
        switch issuerKey.backing {
        case .p256: algorithm = .ecdsaWithSHA256
        case .p384: algorithm = .ecdsaWithSHA384
        case .ed25519: algorithm = .ed25519
        case .rsa: algorithm = .sha256WithRSAEncryption
        }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: issuer,
            subject: subject,
            signatureAlgorithm: algorithm,
            extensions: extensions,
            issuerPrivateKey: issuerKey.certificatePrivateKey
        )
    }

    static func der(_ certificate: Certificate) -> [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}

/// Fixed keys made with OpenSSL 3.0 (`openssl ecparam -name prime256v1 -genkey`, `openssl genpkey`).
enum OpenSSLKeys {
    /// "EC PARAMETERS" followed by a SEC1 "EC PRIVATE KEY", as `openssl ecparam -genkey` writes it.
    static let p256SEC1WithParameters = """
        -----BEGIN EC PARAMETERS-----
        BggqhkjOPQMBBw==
        -----END EC PARAMETERS-----
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIHM1zucmER5XkXsPKMCvDwIphqexpKhniaPkPQ22XfGOoAoGCCqGSM49
        AwEHoUQDQgAE6S69wmn9+UM8VHWhVqIjG1JpbCTUXi7LnBEiM5MXBEUNhU6owJP0
        /M49arHqGj+TpJqkPLF8gr3VkyVzu49bVQ==
        -----END EC PRIVATE KEY-----
        """
    /// SubjectPublicKeyInfo DER of the key above (`openssl ec -pubout -outform DER`).
    static let p256SPKIHex =
        "3059301306072a8648ce3d020106082a8648ce3d03010703420004e92ebdc269fdf9433c5475a156a2231b52696c24d45e2ecb9c"
        + "112233931704450d854ea8c093f4fcce3d6ab1ea1a3f93a49aa43cb17c82bdd5932573bb8f5b55"

    static let ed25519PKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIEQMCsWfH3RNpah9Uz/JluNdOZgxOOTNHsIH9NF1y/LW
        -----END PRIVATE KEY-----
        """
    /// The raw 32-byte Ed25519 public key of the key above.
    static let ed25519PublicHex = "0cd84cea740f239665723086da8dfe2800e7bab8ea6a2b2b422ce8d1f4fc8adc"

    /// An X25519 key: a key-agreement key, not a signing key.
    static let x25519PKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VuBCIEIPCC5ACOBrxX+tbZwlSjXq1bVRwdM5IVToHMzDF+K7BW
        -----END PRIVATE KEY-----
        """

    /// A P-521 SEC1 key: parses, but we have no CertificateVerify scheme for it here.
    static let p521SEC1 = """
        -----BEGIN EC PRIVATE KEY-----
        MIHcAgEBBEIAnD7I9f4ecX/ChjIkvOZiyc+9da+FqqI+LfWj8eSNUA+cf+79EGMQ
        WJFhnwh5acpXKsbKUZU3TRtHFzYosx7MB5WgBwYFK4EEACOhgYkDgYYABACvYTxx
        TgxZGTfYnWhwPkvOwu8LWgnhA3caCRxAnx6onxCPIZqIWRMBjvONuSMDoDU77Ynq
        /A4Y84Kq6Dp8WodjCwDZhqFbKRhGnOYT4dp559UwX4Sw9kvWDXKAjboWlk1nLOuv
        2x3XY1/2CGInlxNooHQMx1jzbSXGjqjfSY3vZsKmFg==
        -----END EC PRIVATE KEY-----
        """
}

extension Array where Element == UInt8 {
    init(certificatesHex hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(String([high, low]), radix: 16) ?? 0)
        }
        self = bytes
    }
}
