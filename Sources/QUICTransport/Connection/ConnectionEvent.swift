import QUICTLS
import QUICWire

/// Why a connection ended.
public enum ConnectionCloseReason: Hashable, Sendable, CustomStringConvertible {
    /// This endpoint closed with a transport error (including protocol violations it detected).
    case localTransport(TransportError)
    /// The application on this side closed with its own code.
    case localApplication(code: UInt64, reason: String)
    /// The peer sent CONNECTION_CLOSE with a transport error.
    case peerTransport(code: TransportErrorCode, frameType: UInt64, reason: String)
    /// The peer's application closed.
    case peerApplication(code: UInt64, reason: String)
    /// No packet arrived within the idle timeout (RFC 9000 §10.1).
    case idleTimeout
    /// The peer sent a stateless reset (RFC 9000 §10.3).
    case statelessReset
    /// The handshake did not complete (for example every address failed validation).
    case handshakeTimeout
    /// The server answered with versions this endpoint does not speak (RFC 9000 §6.2).
    case versionNegotiationFailed([QUICVersion])

    public var description: String {
        switch self {
        case .localTransport(let error): return "closed locally: \(error)"
        case .localApplication(let code, let reason): return "closed by the application, code \(code): \(reason)"
        case .peerTransport(let code, let frameType, let reason):
            return "closed by the peer: \(code) (frame type \(frameType)): \(reason)"
        case .peerApplication(let code, let reason): return "closed by the peer's application, code \(code): \(reason)"
        case .idleTimeout: return "idle timeout"
        case .statelessReset: return "stateless reset by the peer"
        case .handshakeTimeout: return "the handshake timed out"
        case .versionNegotiationFailed(let versions):
            return "no common QUIC version; the server offers \(versions.map(\.description).joined(separator: ", "))"
        }
    }
}

/// What a connection reports to its application, in order, through ``Connection/pollEvent()``.
public enum ConnectionEvent: Hashable, Sendable {
    /// Both Finished messages are verified; streams may be used in 1-RTT.
    case handshakeCompleted(alpn: [UInt8])
    /// The peer's certificate must be checked (``PeerVerification/deferred``); answer with
    /// ``Connection/providePeerVerdict(_:)``.
    case peerVerificationRequested(PeerVerificationRequest)
    /// A stream event: opened by the peer, readable, writable, finished, reset.
    case stream(StreamEvent)
    /// A DATAGRAM frame arrived (RFC 9221).
    case datagramReceived([UInt8])
    /// Client: a session ticket to resume a later connection with.
    case sessionTicket(TLSSessionTicket)
    /// Client: a NEW_TOKEN the server sent, to present in a later connection's Initial packets.
    case newToken([UInt8])
    /// 0-RTT data was accepted or refused by the server.
    case earlyData(accepted: Bool)
    /// A path has been validated and is in use (after a migration or NAT rebinding).
    case pathValidated(FourTuple)
    /// The connection moved to a new 4-tuple.
    case migrated(from: FourTuple, to: FourTuple)
    /// Both endpoints offered multipath (draft-ietf-quic-multipath-21): the client may open paths with path IDs
    /// up to `maxPathID`.
    case multipathNegotiated(maxPathID: PathID)
    /// A path opened with multipath passed validation and now carries data.
    case pathAvailable(PathID, FourTuple)
    /// A new path could not be validated; it is abandoned.
    case pathValidationFailed(PathID)
    /// A path was abandoned, by this endpoint or by the peer (PATH_ABANDON with `errorCode`).
    case pathAbandoned(PathID, errorCode: UInt64, byPeer: Bool)
    /// The peer announced how it prefers a path to be used (PATH_STATUS_AVAILABLE / PATH_STATUS_BACKUP).
    case peerPathStatus(PathID, PathStatus)
    /// What the client's path manager noticed or did: a path failed, a re-open is scheduled, a standby took
    /// over.
    case pathManager(PathEvent)
    /// The connection entered closing or draining; no more data moves. Sent once.
    case closed(ConnectionCloseReason)
}
