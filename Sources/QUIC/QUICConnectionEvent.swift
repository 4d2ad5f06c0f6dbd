import QUICTransport
import QUICWire

/// What happens to a connection, in order, through ``QUICConnection/events``.
public enum QUICConnectionEvent: Hashable, Sendable {
    /// Both sides verified the handshake; with the negotiated application protocol.
    case handshakeCompleted(alpn: String?)
    /// The server accepted (or refused) the 0-RTT data this client sent.
    case earlyData(accepted: Bool)
    /// The server sent a session ticket: ``QUICConnection/resumption()`` can now resume a later connection.
    case resumptionAvailable
    /// A new path passed validation (after a migration or the peer's NAT rebinding).
    case pathValidated(FourTuple)
    /// The connection moved from one 4-tuple to another.
    case migrated(from: FourTuple, to: FourTuple)
    /// Both sides offered multipath: the client may open paths
    /// (``QUICConnection/openPath(localHost:port:remote:status:cost:label:)``).
    case multipathNegotiated
    /// A path opened with multipath passed validation and carries data.
    case pathAvailable(PathID, FourTuple)
    /// A new path could not be validated and was abandoned.
    case pathValidationFailed(PathID)
    /// A path was abandoned by this side or by the peer.
    case pathAbandoned(PathID, byPeer: Bool)
    /// The peer prefers a path to be used as `available` or as `backup`.
    case peerPathStatus(PathID, PathStatus)
    /// The connection ended; nothing follows.
    case closed(ConnectionCloseReason)
}
