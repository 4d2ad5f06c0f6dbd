/// Signs this endpoint's CertificateVerify (RFC 8446 §4.4.3) and supplies its certificate chain.
///
/// X.509 certificates and their keys plug in here; the handshake only needs the chain's DER bytes and a
/// signature over the content it builds. Tests may use any opaque blob as "certificate" as long as the
/// matching ``PeerVerifier`` understands it.
public protocol TLSCertificateSigner: Sendable {
    /// The scheme ``sign(_:)`` produces; it must be one the peer listed in signature_algorithms.
    var scheme: SignatureScheme { get }
    /// The chain, end-entity certificate first, each DER encoded.
    var certificateChain: [[UInt8]] { get }
    /// Signs `content` (the 64 spaces, context string, zero byte and transcript hash of RFC 8446 §4.4.3).
    func sign(_ content: [UInt8]) throws -> [UInt8]
}

/// What the handshake asks the caller to check when the peer has proved possession of its key: that the
/// chain is trusted for `serverName` (or for a client, acceptable) and that `signature` by the end-entity key
/// over `signedContent` verifies with `scheme`. The check may be asynchronous; the handshake waits.
public struct PeerVerificationRequest: Hashable, Sendable {
    /// The peer's chain, end-entity first, DER.
    public var certificateChain: [[UInt8]]
    public var scheme: SignatureScheme
    public var signature: [UInt8]
    /// The exact bytes the peer signed (RFC 8446 §4.4.3).
    public var signedContent: [UInt8]
    /// The name the client asked for (server_name); nil when verifying a client.
    public var serverName: String?
    /// True when the client verifies the server, false when the server verifies a client certificate.
    public var peerIsServer: Bool

    public init(
        certificateChain: [[UInt8]], scheme: SignatureScheme, signature: [UInt8], signedContent: [UInt8],
        serverName: String?, peerIsServer: Bool
    ) {
        self.certificateChain = certificateChain
        self.scheme = scheme
        self.signature = signature
        self.signedContent = signedContent
        self.serverName = serverName
        self.peerIsServer = peerIsServer
    }
}

/// The caller's answer to a ``PeerVerificationRequest``.
public enum PeerVerdict: Hashable, Sendable {
    /// Chain trusted and signature valid: the handshake continues.
    case trusted
    /// Refused; the handshake fails with this alert (for example decrypt_error for a bad signature,
    /// RFC 8446 §4.4.3, or bad_certificate / unknown_ca for the chain).
    case rejected(TLSAlert)
}

