import Foundation
import Logging
import QUICTLS
import QUICTransport

/// Options shared by clients and servers.
///
/// The defaults suit most applications: only the application protocol (ALPN) must be chosen.
/// ```swift
/// var configuration = QUICConfiguration(alpn: ["hq-interop"])
/// configuration.qlogDirectory = "/tmp/qlog"
/// ```
public struct QUICConfiguration: Sendable {
    /// Application protocols offered (client) or accepted (server), most preferred first.
    public var alpn: [String]
    /// The engine's options (limits, timeouts, congestion control, MTU discovery, ...). Its `alpn` is replaced by
    /// ``alpn`` and its peer verification is set by the driver.
    public var transport: ConnectionConfiguration
    /// TLS cipher suites, most preferred first. `[.chacha20Poly1305SHA256]` forces ChaCha20-Poly1305.
    public var cipherSuites: [CipherSuite] = [.aes128GCMSHA256, .aes256GCMSHA384, .chacha20Poly1305SHA256]
    /// When set, every connection writes a qlog trace (JSON-SEQ) named after its original destination
    /// connection ID into this directory.
    public var qlogDirectory: String?
    /// Where TLS secrets are appended in the NSS key-log format, for Wireshark. Defaults to the
    /// `SSLKEYLOGFILE` environment variable.
    public var keyLogPath: String? = ProcessInfo.processInfo.environment[KeyLogFile.environmentVariable]
    /// Where the driver logs (connections opened and closed at `.info`, socket trouble at `.warning`).
    public var logger = Logger(label: "mpquic")
    /// How many datagrams one socket read may return (vector reads with `recvmmsg`).
    public var receiveBatchSize = 32
    /// Sends runs of equal-size packets to one destination as one UDP GSO write when the kernel allows it.
    public var segmentationOffload = true
    /// Asks the kernel to coalesce received packets (UDP GRO); each read slot then holds up to 64 KiB.
    public var receiveOffload = true
    /// The socket buffer sizes requested from the kernel (SO_SNDBUF / SO_RCVBUF).
    public var socketBufferSize = 4 << 20

    public init(alpn: [String]) {
        self.alpn = alpn
        self.transport = ConnectionConfiguration(alpn: alpn.map { Array($0.utf8) })
    }

    /// Multipath QUIC (draft-ietf-quic-multipath-21), the same value as `transport.multipath`: nil (the default)
    /// speaks plain QUIC; a value offers multipath, which is used when the peer offers it too. Its `scheduler`
    /// decides which path each packet this side sends leaves on (the sender of a download is the server, so the
    /// server's scheduler splits a download). A client endpoint made with
    /// ``QUICEndpoint/client(localPaths:configuration:group:)`` fills in `pathManager.locals` itself.
    /// ```swift
    /// var multipath = MultipathConfiguration()
    /// multipath.scheduler = .minRTT
    /// configuration.multipath = multipath
    /// ```
    public var multipath: MultipathConfiguration? {
        get { self.transport.multipath }
        set { self.transport.multipath = newValue }
    }
}

/// What a server needs besides ``QUICConfiguration``.
public struct QUICServerOptions: Sendable {
    /// The certificate chain and key the server proves its identity with.
    public var identity: CertificateIdentity
    /// Answers every first Initial with a Retry, so clients prove their address before any state is kept
    /// (RFC 9000 §8.1.2).
    public var requireRetry = false
    /// Accepts 0-RTT data from resuming clients (RFC 9001 §4.6).
    public var earlyData = false
    /// Most connections kept at once (per event loop); more are refused.
    public var maxConnections = 10_000
    /// Event loops the server runs on (1 through 256), one endpoint and one UDP socket each, all bound to the
    /// same port with SO_REUSEPORT: the kernel spreads clients over the sockets by 4-tuple, and the connection IDs'
    /// QUIC-LB server IDs (``loadBalancing``) bring a packet that reached the wrong loop (after migration, on a
    /// second path) to its connection's. The event loop group must have at least this many loops.
    public var threads = 1
    /// QUIC-LB connection IDs, shared with a load balancer in front of several machines: one server ID per
    /// loop. Nil: plain random connection IDs with one loop, ``QUICLoadBalancing/loops(_:)`` with several.
    public var loadBalancing: QUICLoadBalancing?
    /// The key stateless reset tokens derive from (32 bytes; RFC 9000 §10.3.2). Give every machine behind one
    /// load balancer the same key, kept across restarts, so that any of them resets a connection another one
    /// lost. Nil: a fresh key from the system's secure generator.
    public var statelessResetKey: [UInt8]?
    /// The key of address-validation tokens (Retry, NEW_TOKEN; 32 bytes): shared, a token one machine issued
    /// validates the client at another. Nil: a fresh key.
    public var tokenKey: [UInt8]?

    public init(identity: CertificateIdentity) {
        self.identity = identity
    }
}

/// How a client checks the server's certificate.
public enum QUICPeerVerification: Sendable {
    /// Against the system's trust roots (`/etc/ssl/certs/ca-certificates.crt`).
    case system
    /// Against the given roots, for example a private CA: `.roots(try TrustRoots(pemFile: "ca.pem"))`.
    case roots(TrustRoots)
    /// Accepts any certificate. The server still proves it holds the certificate's key, but nothing ties the
    /// certificate to the server meant: for tests only.
    case insecure
}

/// What a client needs for one connection besides ``QUICConfiguration``.
public struct QUICClientOptions: Sendable {
    /// The name sent as SNI and checked against the certificate; the host connected to when nil.
    public var serverName: String?
    /// How the server's certificate is checked.
    public var verification: QUICPeerVerification = .system
    /// State from an earlier connection to the same server, to resume its TLS session.
    public var resumption: QUICResumption?
    /// Sends 0-RTT data when resuming: ``QUICEndpoint/connect(host:port:options:)`` then returns before the
    /// handshake completes, and streams opened at once carry early data.
    public var earlyData = false

    public init() {}
}

/// What a later connection to the same server needs to resume: a TLS session ticket and, when the server sent
/// one, an address-validation token (NEW_TOKEN) that spares a Retry.
public struct QUICResumption: Sendable, Hashable {
    public var sessionTicket: TLSSessionTicket
    public var token: [UInt8]

    public init(sessionTicket: TLSSessionTicket, token: [UInt8] = []) {
        self.sessionTicket = sessionTicket
        self.token = token
    }
}
