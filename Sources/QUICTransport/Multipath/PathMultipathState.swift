import QUICRecovery
import QUICWire

/// What a path carries for multipath (draft-ietf-quic-multipath-21): its status as this endpoint announces it
/// and as the peer asked, the application's description of it, abandonment, and its counters.
struct PathMultipathState {
    /// This endpoint's status for the path, announced with PATH_STATUS_AVAILABLE / PATH_STATUS_BACKUP.
    var localStatus: PathStatus = .available
    /// The peer's preference (draft §3.3: "a clear signal of the peer's preference of path usage"); nil until
    /// a PATH_STATUS frame arrives.
    var peerStatus: PathStatus?
    /// The largest Path Status Sequence Number received (§4.3: older or equal ones are ignored).
    var peerStatusSequence: UInt64?
    /// The sequence number of the next PATH_STATUS frame this endpoint sends.
    var nextStatusSequence: UInt64 = 0
    /// The sequence number of the last PATH_STATUS frame sent; only that one is repeated when lost (§4.3).
    var lastStatusSequenceSent: UInt64?
    /// Whether a PATH_STATUS frame for `localStatus` waits to be sent.
    var statusPending = false
    /// Whether the path carries data: path 0 from the start, a new path once its first validation succeeded
    /// (draft-ietf-quic-multipath-21 §3.1: "the server MUST validate the peer's address before sending any data").
    var isEstablished = true
    /// Set once either side abandoned the path: nothing more is sent on it.
    var isAbandoned = false
    /// Whether this endpoint's PATH_ABANDON waits to be sent (it may leave on any other path).
    var abandonPending = false
    /// Whether this endpoint's PATH_ABANDON was sent (or queued) already.
    var abandonSent = false
    /// The error code of this endpoint's PATH_ABANDON.
    var abandonErrorCode: UInt64 = 0
    /// When the abandoned path's state goes (§3.4: kept 3 PTO to acknowledge late packets).
    var discardAt: QUICInstant?
    /// The application's description of the path.
    var cost: PathCost = .free
    var label = ""
    /// The arrival time of the last packet before this endpoint probed the path for having gone quiet (see
    /// ``Connection/quietPathDeadline(ofPathAt:)``), so a quiet path gets one probe per silence.
    var quietProbeFor: UInt64?
    /// Counters for statistics and schedulers.
    var bytesSent: UInt64 = 0
    var bytesReceived: UInt64 = 0
    var packetsSent: UInt64 = 0
    var packetsLost: UInt64 = 0
    /// Packets sent and lost since the loss rate was last aged (for the snapshot's recent loss rate).
    var recentSent: UInt64 = 0
    var recentLost: UInt64 = 0

    /// The status the scheduler sees: abandoned, still validating, or backup when either side asked for it.
    func effectiveStatus(validated: Bool) -> PathStatus {
        if self.isAbandoned { return .abandoned }
        if !validated { return .validating }
        if self.localStatus == .backup || self.peerStatus == .backup { return .backup }
        return .available
    }

    /// The fraction of recently sent packets declared lost.
    var recentLossRate: Double {
        self.recentSent == 0 ? 0 : min(1, Double(self.recentLost) / Double(self.recentSent))
    }

    /// Counts a sent packet; halves the window of recent counts every 1,000 packets so old losses fade.
    mutating func onPacketSent(bytes: Int) {
        self.bytesSent += UInt64(bytes)
        self.packetsSent += 1
        self.recentSent += 1
        if self.recentSent >= 1_000 {
            self.recentSent /= 2
            self.recentLost /= 2
        }
    }

    mutating func onPacketsLost(_ count: Int) {
        self.packetsLost += UInt64(count)
        self.recentLost += UInt64(count)
    }
}
