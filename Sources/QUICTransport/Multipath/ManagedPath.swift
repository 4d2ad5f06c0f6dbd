import QUICWire

/// The `PathManager`'s record of one path: where it is in its life, what was announced for it, and the times
/// its failure and standby rules are measured from.
struct ManagedPath: Sendable {
    enum Phase: Sendable, Hashable {
        /// Opened; path validation (RFC 9000 §8.2) still running.
        case validating
        /// Validated and in use (as an available path or a standby).
        case active
        /// Given up by the manager (failure or failed validation); waiting for the engine to finish abandoning.
        case abandoning
        /// Abandoned (by either side) and gone.
        case closed
    }

    let id: PathID
    let local: LocalPathEndpoint
    var phase: Phase = .validating
    /// draft-ietf-quic-multipath-21 §3.3: a new path is available until PATH_STATUS_BACKUP says otherwise.
    var announcedStatus: PathStatus = .available
    /// The error code of a PATH_ABANDON the manager still has to ask for (set by a failed validation or a
    /// removed local endpoint, emitted by `evaluate`).
    var pendingAbandonCode: UInt64?
    /// The path meets a failure rule but is kept because no other validated path is healthy.
    var isFailedButKept = false
    var validatedAt: UInt64?
    /// The last ack-eliciting packet sent on the path, and the last standby probe asked for.
    var lastAckElicitingSentAt: UInt64?
    var lastProbeRequestAt: UInt64?
    /// The first ack-eliciting packet sent since the last acknowledgment arrived (nil if none since).
    var unacknowledgedSince: UInt64?
    var lastAckAt: UInt64?
    /// The last packet that arrived on the path.
    var lastReceivedAt: UInt64?
    /// Bytes in flight and probe timeouts in a row according to the latest snapshot.
    var bytesInFlight = 0
    var consecutivePTOs = 0
    var statistics: PathStatistics

    init(id: PathID, local: LocalPathEndpoint, now: UInt64) {
        self.id = id
        self.local = local
        self.statistics = PathStatistics(pathID: id, local: local, openedAt: now)
    }

    /// Whether the path exists and is not being given up: it counts toward `maxPaths` and occupies its local.
    var isAlive: Bool {
        self.phase == .validating || self.phase == .active
    }

    /// Whether the path can carry traffic now.
    var isUsable: Bool {
        self.phase == .active
    }

    /// The status the statistics report.
    var reportedStatus: PathStatus {
        switch self.phase {
        case .validating: return .validating
        case .active: return self.announcedStatus
        case .abandoning, .closed: return .abandoned
        }
    }

    /// The statistics with the current status filled in.
    var currentStatistics: PathStatistics {
        var statistics = self.statistics
        statistics.status = self.reportedStatus
        return statistics
    }

    /// When the silence began that the failure rule measures: the first ack-eliciting packet sent since the
    /// last acknowledgment or, when the snapshot shows older data still in flight, that acknowledgment; never
    /// before validation, which proved the path delivering.
    var silenceStart: UInt64? {
        let start: UInt64?
        if let since = self.unacknowledgedSince {
            start = since
        } else if self.bytesInFlight > 0 {
            start = self.lastAckAt ?? self.validatedAt
        } else {
            start = nil
        }
        guard let start else { return nil }
        return max(start, self.validatedAt ?? 0)
    }

    /// The last sign that the path and the peer work: a packet that arrived on it, or an acknowledgment of one sent
    /// on it; nil when nothing was recorded for it.
    var lastSignOfLife: UInt64? {
        guard let received = self.lastReceivedAt else { return self.lastAckAt }
        return max(received, self.lastAckAt ?? 0)
    }

    /// The time the standby-probe rule measures idleness from.
    var lastStandbyActivity: UInt64 {
        max(self.lastAckElicitingSentAt ?? 0, self.lastProbeRequestAt ?? 0, self.validatedAt ?? 0)
    }
}

/// The `PathManager`'s record of one configured local endpoint.
struct ManagedLocal: Sendable {
    var endpoint: LocalPathEndpoint
    /// Failures since a path from this endpoint was last validated; the re-open back-off doubles with each.
    var consecutiveFailures = 0
    /// When a new path from this endpoint is due (nil: none scheduled).
    var reopenAt: UInt64?
    /// An `.open` was asked for and the engine has not yet answered with `pathOpened` or `pathOpenFailed`.
    var openRequested = false
}

/// Saturating arithmetic on nanosecond times, so that no clock value or setting can trap.
enum PathTime {
    static func adding(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? .max : sum
    }

    static func multiplying(_ lhs: UInt64, _ rhs: UInt64) -> UInt64 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        return overflow ? .max : product
    }
}
