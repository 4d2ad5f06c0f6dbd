import QUICWire

/// Which way a traffic secret protects packets, from the point of view of the endpoint that polls it.
public enum TLSSecretDirection: Hashable, Sendable {
    /// Opens packets the peer sends.
    case read
    /// Seals packets this endpoint sends.
    case write
}

/// A traffic secret the handshake has just derived, for QUIC packet protection (RFC 9001 §5.1).
public struct TLSSecret: Hashable, Sendable {
    /// The packet number space / encryption level the secret protects: 0-RTT, Handshake or 1-RTT.
    public var level: EncryptionLevel
    public var direction: TLSSecretDirection
    /// The negotiated suite: its AEAD and hash drive the packet protection keys.
    public var cipherSuite: CipherSuite
    /// Hash.length bytes.
    public var secret: [UInt8]

    public init(level: EncryptionLevel, direction: TLSSecretDirection, cipherSuite: CipherSuite, secret: [UInt8]) {
        self.level = level
        self.direction = direction
        self.cipherSuite = cipherSuite
        self.secret = secret
    }
}

/// Something the handshake reports to the connection.
public enum TLSHandshakeEvent: Hashable, Sendable {
    /// The peer's quic_transport_parameters extension payload (RFC 9001 §8.2), undecoded.
    case peerTransportParameters([UInt8])
    /// The application protocol both ends agreed on (RFC 9001 §8.1).
    case negotiatedALPN([UInt8])
    /// The peer's Certificate and CertificateVerify have arrived: check them and answer with
    /// ``TLSHandshaker/provideVerdict(_:)``. The handshake makes no progress until then.
    case verifyPeer(PeerVerificationRequest)
    /// The server accepted the client's 0-RTT data (reported on both sides).
    case earlyDataAccepted
    /// 0-RTT was offered but refused: the client must resend that data in 1-RTT packets (RFC 9001 §4.6.2).
    case earlyDataRejected
    /// Both Finished messages are verified; on the server this also means 1-RTT keys may be used to read.
    case handshakeComplete
    /// Client only: a ticket to offer in a later connection's ClientHello.
    case newSessionTicket(TLSSessionTicket)
}

/// Why a handshake stopped: a TLS alert (sent as CRYPTO_ERROR, RFC 9001 §4.8) or a QUIC transport error that
/// RFC 9001 defines for misuse of CRYPTO frames (PROTOCOL_VIOLATION, CRYPTO_BUFFER_EXCEEDED).
public enum TLSHandshakeError: Error, Hashable, Sendable, CustomStringConvertible {
    case alert(TLSAlert)
    case transport(TransportError)

    /// The error the connection closes with.
    public var transportError: TransportError {
        switch self {
        case .alert(let alert): return alert.transportError
        case .transport(let error): return error
        }
    }

    /// The alert, when the failure is one.
    public var alert: TLSAlert? {
        if case .alert(let alert) = self { return alert }
        return nil
    }

    public var description: String {
        switch self {
        case .alert(let alert): return "TLS alert \(alert)"
        case .transport(let error): return "\(error)"
        }
    }
}

/// A sans-IO TLS 1.3 handshake for QUIC (ARCHITECTURE.md §3): bytes of the CRYPTO streams go in, and
/// handshake bytes, traffic secrets, events and key-log lines come out, polled by the connection. No
/// record layer, no timers, no sockets; another TLS provider can stand behind the same protocol.
public protocol TLSHandshaker {
    /// The caller's clock in milliseconds, used for ticket ages (RFC 8446 §4.2.11.1). Set it before each input.
    var nowMilliseconds: UInt64 { get set }
    /// Whether both Finished messages have been verified.
    var isComplete: Bool { get }

    /// Feeds the next in-order bytes of the CRYPTO stream at `level`.
    mutating func receive(_ bytes: ArraySlice<UInt8>, at level: EncryptionLevel) throws(TLSHandshakeError)
    /// Answers a ``TLSHandshakeEvent/verifyPeer(_:)`` request.
    mutating func provideVerdict(_ verdict: PeerVerdict) throws(TLSHandshakeError)

    /// The next handshake bytes to send in CRYPTO frames at a level.
    mutating func pollOutput() -> (level: EncryptionLevel, bytes: [UInt8])?
    /// The next traffic secret to install.
    mutating func pollSecret() -> TLSSecret?
    /// The next event.
    mutating func pollEvent() -> TLSHandshakeEvent?
    /// The next NSS key-log line (only produced when the configuration enables it).
    mutating func pollKeyLogLine() -> String?
}
