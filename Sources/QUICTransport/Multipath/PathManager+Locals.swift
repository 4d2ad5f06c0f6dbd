import QUICWire

extension PathManager {
    /// A local endpoint appeared (an interface came up or got an address). Once started, the manager opens a
    /// path from it at the next evaluation, as if it had been configured from the start. For an address that
    /// is already configured, the new description (label, cost, backup flag) replaces the old one for paths
    /// opened from now on.
    public mutating func addLocal(_ local: LocalPathEndpoint, now: UInt64) {
        if let index = self.localIndex(local.address) {
            self.locals[index].endpoint = local
            if let configured = self.configuration.locals.firstIndex(where: { $0.address == local.address }) {
                self.configuration.locals[configured] = local
            }
        } else {
            var managed = ManagedLocal(endpoint: local)
            managed.reopenAt = now
            // An open from this address asked for before it was removed is still in progress: wait for it.
            managed.openRequested = self.cancelledOpens.remove(local.address) != nil
            self.locals.append(managed)
            self.configuration.locals.append(local)
        }
        self.markEvaluationDue(now)
    }

    /// A local endpoint went away (an interface went down): it is no longer opened, and every path from its
    /// address is abandoned at the next evaluation with APPLICATION_ABANDON_PATH
    /// (draft-ietf-quic-multipath-21 §4.2.1: "abandoning the path at the request of the application").
    /// A path the engine still opens from it afterwards is abandoned as soon as it is reported.
    public mutating func removeLocal(address: NetworkAddress, now: UInt64) {
        if let index = self.localIndex(address) {
            if self.locals[index].openRequested {
                self.cancelledOpens.insert(address)
            }
            self.locals.remove(at: index)
            self.configuration.locals.removeAll { $0.address == address }
        }
        for index in self.paths.indices where self.paths[index].isAlive && self.paths[index].local.address == address {
            self.giveUp(pathAt: index, now: now)
            self.paths[index].pendingAbandonCode = TransportErrorCode.applicationAbandonPath.rawValue
        }
        self.markEvaluationDue(now)
    }
}
