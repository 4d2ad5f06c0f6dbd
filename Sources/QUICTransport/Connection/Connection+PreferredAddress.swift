import QUICRecovery
import QUICWire

/// The server's preferred address (RFC 9000 §9.6): the server advertises an address and a connection ID for
/// it in its transport parameters; the client moves there once the handshake is confirmed.
extension Connection {
    /// Server: the preferred_address parameter for `configuration`, with a fresh connection ID and reset token,
    /// or nil when none is configured (or the server uses zero-length connection IDs, which RFC 9000 §18.2
    /// forbids with a preferred address).
    ///
    /// The connection ID comes from `generator`, the one that made the handshake's Source Connection ID and makes
    /// every later ID, so that it carries the same routing information (a QUIC-LB server ID) and, for a
    /// generator with state, does not repeat an ID made from the same state.
    static func preferredAddressParameter(_ configuration: ConnectionConfiguration, resetKey: StatelessResetKey?,
                                          generator: inout any ConnectionIDGenerator,
                                          random: inout ConnectionRandom) -> PreferredAddress? {
        guard let address = configuration.preferredAddress, generator.length > 0 else { return nil }
        let connectionID = generator.generate(using: &random)
        let token = resetKey?.token(for: connectionID) ?? StatelessResetToken(random: &random)
        switch address.ip {
        case .v4(let value):
            return PreferredAddress(ipv4: (value, address.port), ipv6: nil, connectionID: connectionID,
                                    statelessResetToken: token)
        case .v6(let high, let low):
            return PreferredAddress(ipv4: nil, ipv6: (high, low, address.port), connectionID: connectionID,
                                    statelessResetToken: token)
        }
    }

    /// Server: records the preferred address's connection ID as sequence number 1 (RFC 9000 §5.1.1: "The
    /// sequence number of the connection ID supplied in the preferred_address transport parameter is 1")
    /// without announcing it again in NEW_CONNECTION_ID, and asks the endpoint to route it.
    func issuePreferredAddressConnectionID() {
        guard let preferred = self.localParameters.preferredAddress else { return }
        _ = self.localCIDs.issue(preferred.connectionID, resetToken: preferred.statelessResetToken)
        _ = self.localCIDs.popAnnouncement()
        self.endpointEvents.append(.connectionIDIssued(preferred.connectionID))
    }

    /// Client: stores the connection ID a server's preferred_address carries as the peer's sequence number 1.
    func acceptPreferredAddress(_ parameters: TransportParameters) throws(TransportError) {
        guard self.role == .client, let preferred = parameters.preferredAddress else { return }
        try self.peerCIDs.receiveNew(sequenceNumber: 1, retirePriorTo: 0, connectionID: preferred.connectionID,
                                     resetToken: preferred.statelessResetToken)
        self.endpointEvents.append(.peerResetTokenLearned(preferred.statelessResetToken))
    }

    /// The preferred address of the family the connection uses now (RFC 9000 §9.6.1: the client picks one).
    var preferredServerAddress: NetworkAddress? {
        guard self.role == .client, let preferred = self.peerParameters?.preferredAddress else { return nil }
        switch self.path.fourTuple.remote.ip {
        case .v4:
            return preferred.ipv4.map { NetworkAddress(ip: .v4($0.address), port: $0.port) }
        case .v6:
            return preferred.ipv6.map { NetworkAddress(ip: .v6(high: $0.high, low: $0.low), port: $0.port) }
        }
    }

    /// Client, once the handshake is confirmed (RFC 9000 §9.6.1: "the client SHOULD NOT migrate [...] before
    /// the handshake is confirmed"): moves to the server's preferred address with the connection ID issued
    /// for it and validates the new path. If validation fails, the connection falls back to the handshake
    /// path (``onPathValidationFailed(now:)``), as RFC 9000 §9.6.1 allows ("the client [...] MUST continue
    /// sending all future packets to the server's original IP address").
    func migrateToPreferredAddress(now: QUICInstant) {
        guard self.isHandshakeConfirmed, let address = self.preferredServerAddress,
              address != self.path.fourTuple.remote,
              let entry = self.peerCIDs.active.first(where: { $0.sequenceNumber == 1 }) else { return }
        let old = self.path.fourTuple
        let new = FourTuple(local: old.local, remote: address)
        let current = self.path.peerCIDSequence
        self.path.peerCIDSequence = entry.sequenceNumber
        self.peerCIDs.retire(sequenceNumber: current)
        self.moveTo(new, validated: true, now: now)
        self.emit(.migrated(from: old, to: new))
    }
}
