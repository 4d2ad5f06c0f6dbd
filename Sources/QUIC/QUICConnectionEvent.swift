import QUICTransport

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
    /// The connection ended; nothing follows.
    case closed(ConnectionCloseReason)
}
