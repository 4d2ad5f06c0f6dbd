import QUICRecovery
import QUICWire

extension Endpoint {
    /// Gives a server connection one NEW_TOKEN token once its handshake is confirmed, so that the client's
    /// next connection to this server skips the Retry round trip (RFC 9000 §8.1.3: "A server MAY provide
    /// clients with an address validation token during one connection that can be used on a subsequent
    /// connection"). The token is bound to the client's address at that moment and validated in
    /// ``Endpoint`` when a client Initial carries it.
    func issueNewTokenIfDue(_ handle: ConnectionHandle, _ connection: Connection, now: QUICInstant) {
        guard self.newTokensOwed.contains(handle) else { return }
        if connection.isClosed {
            self.newTokensOwed.remove(handle)
            return
        }
        guard connection.role == .server, connection.isHandshakeConfirmed else { return }
        self.newTokensOwed.remove(handle)
        connection.newTokenPending = self.tokens.makeNewToken(client: connection.fourTuple.remote,
                                                              now: now.nanosecondsSinceOrigin)
    }
}
