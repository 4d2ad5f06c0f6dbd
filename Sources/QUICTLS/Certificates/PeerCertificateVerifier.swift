import Crypto
import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509
import _CryptoExtras

/// What the peer's leaf certificate must identify.
public enum PeerIdentity: Sendable, Hashable {
    /// A server reached by `name`: a DNS name (matched against SAN dNSName entries, with RFC 6125 wildcard
    /// rules as implemented by swift-certificates' `ServerIdentityPolicy`) or an IPv4/IPv6 literal (matched
    /// against SAN iPAddress entries; "[v6]" brackets are accepted).
    case server(name: String)
    /// A client (RFC 8446 §4.4.2.4 client authentication): the chain must be trusted, but no name is checked;
    /// the application inspects the returned leaf if it needs to.
    case client
}

/// The peer's accepted chain.
public struct VerifiedPeerCertificates: Sendable {
    /// The leaf as the peer sent it; its public key verifies CertificateVerify.
    public var leaf: Certificate
    /// The validated path from the leaf to a trust root (just the leaf when verification was skipped).
    public var chain: [Certificate]
    /// True when the chain was accepted without verification (insecure mode).
    public var isUnverified: Bool
}

/// Verifies a peer's certificate chain (RFC 8446 §4.4.2.4) with swift-certificates' `Verifier`, the
/// `RFC5280Policy` at a caller-supplied time and, for servers, `ServerIdentityPolicy`.
///
/// Verification is `async` because swift-certificates' `Verifier.validate` is; the handshake state machine
/// stays synchronous and the driver awaits this, then feeds the result back as an input.
///
/// Alerts (RFC 8446 §6.2 lets the sender choose among the certificate alerts; these follow what OpenSSL and
/// rustls send):
/// - no chain to a trust root: unknown_ca (48)
/// - a certificate past notAfter: certificate_expired (45)
/// - a certificate before notBefore: bad_certificate (42)
/// - leaf not valid for the server name / IP: bad_certificate (42)
/// - leaf key of an unsupported algorithm: unsupported_certificate (43)
/// - certificate that is not DER X.509: decode_error (50) (the Certificate message parsed, its content did not)
/// - empty chain from a server: decode_error (50) (RFC 8446 §4.4.2.4); from a client when one is required:
///   certificate_required (116)
public struct PeerCertificateVerifier: Sendable {
    public enum Mode: Sendable, Hashable {
        /// Full verification.
        case verify
        /// Accepts any well-formed chain. Only for tests and development; never the default.
        case insecureAcceptAnyCertificate
    }

    public var trustRoots: TrustRoots
    public var mode: Mode

    public init(trustRoots: TrustRoots, mode: Mode = .verify) {
        self.trustRoots = trustRoots
        self.mode = mode
    }

    /// A verifier that accepts any well-formed chain. Named so it is never chosen by accident.
    public static func insecureAcceptingAnyCertificate() -> PeerCertificateVerifier {
        PeerCertificateVerifier(trustRoots: TrustRoots([]), mode: .insecureAcceptAnyCertificate)
    }

    /// Verifies `chain` (DER certificates, leaf first, as in the Certificate message) for `identity` at
    /// `validationTime`.
    public func verify(
        chain derChain: [[UInt8]],
        identity: PeerIdentity,
        validationTime: Date
    ) async throws(CertificateVerificationError) -> VerifiedPeerCertificates {
        let certificates = try Self.parse(derChain, identity: identity)
        return try await self.verify(certificates: certificates, identity: identity, validationTime: validationTime)
    }

    /// Verifies already parsed certificates, leaf first.
    public func verify(
        certificates: [Certificate],
        identity: PeerIdentity,
        validationTime: Date
    ) async throws(CertificateVerificationError) -> VerifiedPeerCertificates {
        guard let leaf = certificates.first else {
            throw Self.emptyChain(identity)
        }
        try Self.checkLeafKey(leaf)
        if self.mode == .insecureAcceptAnyCertificate {
            return VerifiedPeerCertificates(leaf: leaf, chain: [leaf], isUnverified: true)
        }

        let server = Self.serverIdentityPolicy(identity)
        var verifier = Verifier(rootCertificates: CertificateStore(self.trustRoots.certificates)) {
            RFC5280Policy(fixedExpiryValidationTime: validationTime)
            if let server {
                server
            }
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(certificates.dropFirst()))
        switch result {
        case .validCertificate(let validated):
            return VerifiedPeerCertificates(leaf: leaf, chain: Array(validated), isUnverified: false)
        case .couldNotValidate(let failures):
            throw await Self.diagnose(
                certificates: certificates,
                server: server,
                validationTime: validationTime,
                failures: failures
            )
        }
    }

    // MARK: - Steps

    static func parse(
        _ derChain: [[UInt8]],
        identity: PeerIdentity
    ) throws(CertificateVerificationError) -> [Certificate] {
        guard !derChain.isEmpty else { throw Self.emptyChain(identity) }
        var certificates: [Certificate] = []
        certificates.reserveCapacity(derChain.count)
        for (index, der) in derChain.enumerated() {
            do {
                certificates.append(try Certificate(derEncoded: der))
            } catch let error as CertificateError where error.code == .unsupportedPublicKeyAlgorithm {
                throw CertificateVerificationError(
                    .unsupportedCertificate,
                    alert: CertificateAlert.unsupportedCertificate,
                    reason: "certificate \(index) has a public key algorithm we do not support: \(error)"
                )
            } catch {
                throw CertificateVerificationError(
                    .malformedCertificate,
                    alert: CertificateAlert.decodeError,
                    reason: "certificate \(index) in the peer's chain is not valid DER X.509: \(error)"
                )
            }
        }
        return certificates
    }

    static func emptyChain(_ identity: PeerIdentity) -> CertificateVerificationError {
        switch identity {
        case .server:
            return CertificateVerificationError(
                .emptyChain,
                alert: CertificateAlert.decodeError,
                reason: "the server sent an empty certificate chain"
            )
        case .client:
            return CertificateVerificationError(
                .emptyChain,
                alert: CertificateAlert.certificateRequired,
                reason: "the client sent no certificate but one is required"
            )
        }
    }

    /// The leaf's key must be one CertificateVerify can be checked with (P-521 parses but has no scheme here).
    static func checkLeafKey(_ leaf: Certificate) throws(CertificateVerificationError) {
        let key = leaf.publicKey
        let supported =
            P256.Signing.PublicKey(key) != nil || P384.Signing.PublicKey(key) != nil
            || Curve25519.Signing.PublicKey(key) != nil || _RSA.Signing.PublicKey(key) != nil
        guard supported else {
            throw CertificateVerificationError(
                .unsupportedCertificate,
                alert: CertificateAlert.unsupportedCertificate,
                reason: "the peer's certificate key (\(key)) is not P-256, P-384, Ed25519 or RSA"
            )
        }
    }

    static func serverIdentityPolicy(_ identity: PeerIdentity) -> ServerIdentityPolicy? {
        guard case .server(let written) = identity else { return nil }
        // Accept a bracketed IPv6 literal as written in URLs ("[::1]").
        let name = IPAddressLiteral.unbracketed(written)
        return IPAddressLiteral.bytes(name) != nil
            ? ServerIdentityPolicy(serverHostname: nil, serverIP: name)
            : ServerIdentityPolicy(serverHostname: name, serverIP: nil)
    }

    /// Finds the most specific reason a chain was rejected. `Verifier` reports only policy failures per candidate
    /// chain (none at all when no issuer was found), so we re-check the presented certificates directly.
    static func diagnose(
        certificates: [Certificate],
        server: ServerIdentityPolicy?,
        validationTime: Date,
        failures: [CertificateValidationResult.PolicyFailure]
    ) async -> CertificateVerificationError {
        for (index, certificate) in certificates.enumerated() {
            let what = index == 0 ? "the peer's certificate" : "intermediate certificate \(index)"
            if validationTime > certificate.notValidAfter {
                return CertificateVerificationError(
                    .expired,
                    alert: CertificateAlert.certificateExpired,
                    reason: "\(what) (\(certificate.subject)) expired at \(certificate.notValidAfter); "
                        + "validation time \(validationTime)"
                )
            }
            if validationTime < certificate.notValidBefore {
                return CertificateVerificationError(
                    .notYetValid,
                    alert: CertificateAlert.badCertificate,
                    reason: "\(what) (\(certificate.subject)) is not valid before \(certificate.notValidBefore); "
                        + "validation time \(validationTime) (check the clocks)"
                )
            }
        }
        if let server {
            // Evaluate the identity policy alone: with the leaf as its own root, only the policy decides.
            let leaf = certificates[0]
            let identityPolicy = IdentityOnlyPolicy(identity: server, leaf: leaf)
            var identityOnly = Verifier(rootCertificates: CertificateStore([leaf])) { identityPolicy }
            if case .couldNotValidate = await identityOnly.validate(leaf: leaf, intermediates: CertificateStore()) {
                return CertificateVerificationError(
                    .wrongIdentity,
                    alert: CertificateAlert.badCertificate,
                    reason: "the server certificate is not valid for the requested name or address; its subject "
                        + "alternative names are \(Self.subjectAlternativeNames(leaf))"
                )
            }
        }
        let reasons = failures.map { String(describing: $0.policyFailureReason) }
        return CertificateVerificationError(
            .untrustedRoot,
            alert: CertificateAlert.unknownCA,
            reason: "the peer's certificate chain does not lead to a trusted root"
                + (reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")")
                + "; add the issuing CA to the trust roots"
        )
    }

    static func subjectAlternativeNames(_ leaf: Certificate) -> String {
        guard let names = try? leaf.extensions.subjectAlternativeNames else { return "(none)" }
        return "[" + names.map { String(describing: $0) }.joined(separator: ", ") + "]"
    }
}

/// `ServerIdentityPolicy` evaluated on its own, for diagnosis: it claims the leaf's critical extensions as handled
/// so that only the name check decides (the full verification already enforced those extensions).
private struct IdentityOnlyPolicy: VerifierPolicy {
    var identity: ServerIdentityPolicy
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier]

    init(identity: ServerIdentityPolicy, leaf: Certificate) {
        self.identity = identity
        self.verifyingCriticalExtensions = leaf.extensions.filter { $0.critical }.map { $0.oid }
    }

    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        self.identity.chainMeetsPolicyRequirements(chain: chain)
    }
}
