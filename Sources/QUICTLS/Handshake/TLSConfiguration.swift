import Crypto

/// Settings both roles share.
public struct TLSConfiguration: Sendable {
    /// Offered (client) or accepted (server) suites, in preference order. RFC 9001 §5.3 excludes
    /// TLS_AES_128_CCM_8_SHA256; this library also leaves out TLS_AES_128_CCM_SHA256.
    public var cipherSuites: [CipherSuite] = [.aes128GCMSHA256, .aes256GCMSHA384, .chacha20Poly1305SHA256]
    /// Key exchange groups in preference order. A client sends a key share for the first only, so X25519 leads:
    /// every QUIC stack supports it, and some (aioquic among them) answer a ClientHello without a key share they
    /// support with a handshake_failure instead of a HelloRetryRequest. X25519MLKEM768 stays on offer for
    /// servers that ask for it with a HelloRetryRequest.
    public var groups: [NamedGroup] = [.x25519, .x25519MLKEM768, .secp256r1]
    /// Application protocols in preference order (RFC 9001 §8.1: ALPN is mandatory in QUIC).
    public var alpn: [[UInt8]]
    /// This endpoint's encoded quic_transport_parameters (RFC 9001 §8.2).
    public var transportParameters: [UInt8]
    /// Schemes accepted in the peer's CertificateVerify, sent as signature_algorithms.
    public var signatureAlgorithms: [SignatureScheme] = [.ecdsaSecp256r1SHA256, .ed25519, .rsaPSSRSAESHA256]
    /// The certificate and key: required for a server, and for a client that a server asks to authenticate
    /// (without one, the client answers a CertificateRequest with an empty Certificate).
    public var signer: (any TLSCertificateSigner)?
    /// Whether to produce NSS key-log lines (``TLSHandshaker/pollKeyLogLine()``; ``KeyLogFile`` writes them).
    public var keyLogEnabled = false

    public init(alpn: [[UInt8]], transportParameters: [UInt8], signer: (any TLSCertificateSigner)? = nil) {
        self.alpn = alpn
        self.transportParameters = transportParameters
        self.signer = signer
    }
}

/// A client's settings.
public struct TLSClientConfiguration: Sendable {
    public var common: TLSConfiguration
    /// The server_name to send (RFC 6066) and to pass to the verifier.
    public var serverName: String?
    /// A ticket from an earlier connection to this server, offered as a resumption PSK with psk_dhe_ke.
    public var sessionTicket: TLSSessionTicket?
    /// Whether to send 0-RTT data when the ticket allows it.
    public var attemptEarlyData = false

    public init(common: TLSConfiguration, serverName: String? = nil) {
        self.common = common
        self.serverName = serverName
    }
}

/// A server's settings.
public struct TLSServerConfiguration: Sendable {
    public var common: TLSConfiguration
    /// The key that seals session tickets (AES-256-GCM). Nil: no tickets are issued and none are accepted.
    public var ticketKey: SymmetricKey?
    /// ticket_lifetime in seconds; RFC 8446 §4.6.1 caps it at 604800 (seven days).
    public var ticketLifetime: UInt32 = 86_400
    /// Whether tickets allow 0-RTT (max_early_data_size 0xffffffff, RFC 9001 §4.6.1) and 0-RTT is accepted.
    public var earlyDataEnabled = false
    /// Bytes that must be identical in the connection that issued a ticket and in one that accepts 0-RTT
    /// with it; put here whatever 0-RTT depends on, such as the transport parameters the client will
    /// remember (RFC 9001 §4.6.2: a server must not accept 0-RTT whose remembered limits it would reduce)
    /// and application settings. At most 65535 bytes.
    public var earlyDataContext: [UInt8] = []
    /// How far the client's view of a ticket's age may differ from the server's before 0-RTT is refused
    /// (RFC 8446 §8.3), in milliseconds.
    public var ticketAgeToleranceMilliseconds: UInt64 = 10_000
    /// Whether to send a CertificateRequest in full handshakes.
    public var requestClientCertificate = false
    /// Whether a client that sends no certificate is refused with certificate_required (RFC 8446 §4.4.2.4).
    public var requireClientCertificate = false

    public init(common: TLSConfiguration, ticketKey: SymmetricKey? = nil) {
        self.common = common
        self.ticketKey = ticketKey
    }
}
