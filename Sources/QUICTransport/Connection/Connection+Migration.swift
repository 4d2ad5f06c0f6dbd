import QUICRecovery
import QUICWire

extension Connection {
    /// Client: moves the connection to a new local address (RFC 9000 §9.2): a fresh connection ID of the
    /// peer's is used on the new path, the path is validated with PATH_CHALLENGE, and congestion control and
    /// RTT start over (RFC 9000 §9.4).
    ///
    /// With multipath, `path` names the path that moves (draft-ietf-quic-multipath-21 §3.1.2: "all connection IDs
    /// used during path migration MUST be associated with the current path ID of the path being migrated");
    /// by default the primary path.
    ///
    /// `remote`, when given, is another address of the same server to send to from now on (one the network reaches
    /// it by from the new interface, such as a relay in front of it); by default the path's current one.
    public func migrate(toLocalAddress local: NetworkAddress, remote: NetworkAddress? = nil, path: PathID? = nil,
                        now: QUICInstant) throws(TransportError) {
        guard let index = path.map({ self.pathIndex(of: $0) }) ?? self.primaryPathIndex,
              !self.paths[index].multipath.isAbandoned else {
            throw TransportError(.protocolViolation, reason: "no path \(path.map(String.init) ?? "") to migrate")
        }
        self.pathIndex = index
        guard self.role == .client, self.isHandshakeConfirmed else {
            throw TransportError(.protocolViolation, reason: "only a client with a confirmed handshake may migrate")
        }
        if self.peerParameters?.disableActiveMigration == true {
            throw TransportError(.protocolViolation, reason: "the server disabled active migration")
        }
        let old = self.path.fourTuple
        let new = FourTuple(local: local, remote: remote ?? old.remote)
        self.switchPeerConnectionID()
        self.moveTo(new, validated: true, now: now)
        self.emit(.migrated(from: old, to: new))
    }

    /// RFC 9000 §9.5: a new path gets a connection ID not used before, when the peer provided one.
    private func switchPeerConnectionID() {
        let current = self.path.peerCIDSequence
        if self.path.id != 0 {
            let pathID = self.path.id
            guard let next = self.multipath.peerPathCIDs[pathID]?.active.first(where: { $0.sequenceNumber > current })
            else { return }
            self.path.peerCIDSequence = next.sequenceNumber
            self.multipath.peerPathCIDs[pathID]?.retire(sequenceNumber: current)
            return
        }
        guard let next = self.peerCIDs.active.first(where: { $0.sequenceNumber > current }) else { return }
        self.path.peerCIDSequence = next.sequenceNumber
        self.peerCIDs.retire(sequenceNumber: current)
    }

    /// Sends on `fourTuple` from now on and validates it.
    func moveTo(_ fourTuple: FourTuple, validated: Bool, now: QUICInstant) {
        let sameHost = fourTuple.remote.ip == self.path.fourTuple.remote.ip
            && fourTuple.local.ip == self.path.fourTuple.local.ip
        self.path.previousFourTuple = self.path.fourTuple
        self.path.fourTuple = fourTuple
        self.path.amplification = AmplificationLimit(validated: validated)
        let timeout = 3 * max(self.ptoNanoseconds, UInt64(max(self.configuration.initialRTT.nanoseconds, 0)) * 3)
        self.path.validation.start(now: now.nanosecondsSinceOrigin, timeout: timeout)
        if !sameHost {
            // RFC 9000 §9.4: "the endpoint MUST reset the congestion controller and round-trip time estimator"
            // unless only the peer's port changed.
            self.path.recovery.onPersistentPathChange()
            self.path.pmtu = PMTUDiscovery(maximumSize: self.path.pmtu.maximumSize)
        }
    }

    /// Server: a non-probing packet from a new address with the highest packet number moves the connection
    /// there (RFC 9000 §9.3); the new address is validated and limited to 3x what it sent until then.
    func onPacketFromNewAddress(_ fourTuple: FourTuple, probingOnly: Bool, packetNumber: UInt64, now: QUICInstant) {
        // Only a client moves (RFC 9000 §9): a client ignores a server's packets arriving on a local address
        // it left, instead of moving back to it.
        guard self.role == .server, !probingOnly, self.isHandshakeConfirmed,
              self.path.received.ranges.largest == packetNumber else {
            return
        }
        let old = self.path.fourTuple
        self.moveTo(fourTuple, validated: false, now: now)
        self.path.amplification.onReceived(self.lastDatagramSize)
        self.emit(.migrated(from: old, to: fourTuple))
    }

    func onPathResponse(_ data: UInt64, from fourTuple: FourTuple, now: QUICInstant) {
        guard self.path.validation.onResponse(data) else { return }
        self.path.amplification.markValidated()
        self.path.previousFourTuple = nil
        if !self.path.multipath.isEstablished {
            self.onNewPathValidated(now: now)
            return
        }
        self.emit(.pathValidated(self.path.fourTuple))
    }

    /// RFC 9000 §9.3.2: when the new path fails validation the endpoint goes back to the last validated one.
    func onPathValidationFailed(now: QUICInstant) {
        if !self.path.multipath.isEstablished {
            // draft-ietf-quic-multipath-21 §3.1: "If validation fails, the client MUST NOT use the path [...] the
            // endpoint MUST explicitly close the path".
            let id = self.path.id
            self.emit(.pathValidationFailed(id))
            self.multipath.pathManager?.pathValidationFailed(id, now: now.nanosecondsSinceOrigin)
            if self.paths.contains(where: { $0.id != id && !$0.multipath.isAbandoned }) {
                self.abandon(pathAt: self.pathIndex, errorCode: TransportErrorCode.pathUnstableOrPoor.rawValue,
                             byPeer: false, now: now)
            } else {
                self.closeWithError(TransportError(.noViablePath, reason: "path validation failed"), now: now)
            }
            return
        }
        guard let previous = self.path.previousFourTuple else {
            self.closeWithError(TransportError(.noViablePath, reason: "path validation failed"), now: now)
            return
        }
        let failed = self.path.fourTuple
        self.path.fourTuple = previous
        self.path.previousFourTuple = nil
        self.path.amplification = AmplificationLimit(validated: true)
        self.path.validation.markValidated()
        self.emit(.migrated(from: failed, to: previous))
    }
}
