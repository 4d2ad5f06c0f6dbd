import QUICRecovery
import QUICWire

/// Liveness of the paths a client receives on (see ``quietPathDeadline(ofPathAt:)``).
extension Connection {
    /// A client mostly receives, and a receiver does not notice by itself that a path died: its acknowledgments
    /// are not acknowledged, and they usually travel on another path anyway. When an available path that was
    /// delivering falls silent for three of its RTTs (at least 50 ms) while another path still delivers, the
    /// client sends a PING on it. A NAT that rebound the path lets the server see the new address and move the
    /// path there (RFC 9000 §9.3); a dead path shows up as probe timeouts, which the path manager acts on.
    func quietPathDeadline(ofPathAt index: Int) -> UInt64? {
        guard self.role == .client, self.multipath.isNegotiated, self.paths.count > 1 else { return nil }
        let path = self.paths[index]
        let lastReceived = path.received.largestReceivedTime
        guard lastReceived > 0, !path.multipath.isAbandoned, path.multipath.isEstablished,
              path.multipath.effectiveStatus(validated: true) == .available,
              path.multipath.quietProbeFor != lastReceived,
              self.paths.contains(where: { $0.id != path.id && $0.received.largestReceivedTime > lastReceived })
        else { return nil }
        let silence = max(UInt64(max(path.recovery.rtt.smoothedRTT.nanoseconds, 0)) * 3, 50_000_000)
        return lastReceived &+ silence
    }

    /// Sends the PINGs of ``quietPathDeadline(ofPathAt:)`` that are due.
    func probeQuietPaths(now: UInt64) {
        for index in self.paths.indices {
            guard let deadline = self.quietPathDeadline(ofPathAt: index), deadline <= now else { continue }
            self.paths[index].multipath.quietProbeFor = self.paths[index].received.largestReceivedTime
            self.paths[index].probePacketsPending = max(self.paths[index].probePacketsPending, 1)
        }
    }
}
