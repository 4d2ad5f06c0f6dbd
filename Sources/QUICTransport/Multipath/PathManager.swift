import QUICRecovery
import QUICWire

/// Decides which paths a multipath connection has (ARCHITECTURE.md §5): it opens paths from the configured
/// local endpoints, keeps standbys warm, detects failed paths, abandons and re-opens them with back-off, and
/// keeps per-path statistics and a queue of `PathEvent`s.
///
/// A pure sans-IO policy: it owns no clock and no sockets. The engine reports what happens with the input
/// methods (every one takes `now`, nanoseconds of the connection clock), calls `evaluate(paths:now:)` after a
/// batch of inputs and whenever `nextTimeout()` expires, and carries out the returned `PathAction`s.
///
/// Order of use on a client: report the handshake path with `pathOpened(0, local:now:)` and
/// `pathValidated(0, now:)` (the handshake validates it, RFC 9000 §8.1), then call `start(now:)` once the
/// connection may open paths. A local endpoint that already has a path is not opened again. A server never
/// calls `start`; it only reports the paths its peer opens, and gets failure detection and statistics.
///
/// Unknown path IDs and repeated or out-of-order inputs are ignored, and `evaluate` never returns the same
/// action twice for one cause.
public struct PathManager: Sendable {
    /// The configuration in force (values brought into range, duplicate local addresses removed).
    public internal(set) var configuration: PathManagerConfiguration
    /// Whether `start(now:)` was called: only then are paths opened and re-opened.
    public private(set) var isStarted = false

    var locals: [ManagedLocal]
    /// Every known path, in the order the engine reported them.
    var paths: [ManagedPath] = []
    /// Local addresses removed while an open from them was in progress: a path the engine still opens from one
    /// is abandoned at once.
    var cancelledOpens: Set<NetworkAddress> = []
    /// The standby currently announced as available because no available path is usable.
    var promotedStandby: PathID?
    /// The earliest input time since the last `evaluate` whose input needs actions (nil: none pending).
    var evaluationDueAt: UInt64?
    private var events: [PathEvent] = []
    private var eventHead = 0

    /// Events kept when nobody drains them; older ones are dropped first.
    public static let maxQueuedEvents = 1024
    /// RFC 9002 §6.2.2 `kInitialRtt`: the RTT assumed before the first sample.
    public static let initialRTT = UInt64(RTTEstimator.defaultInitialRTT.nanoseconds)

    public init(configuration: PathManagerConfiguration) {
        self.configuration = configuration.normalized
        self.locals = self.configuration.locals.map { ManagedLocal(endpoint: $0) }
    }

    // MARK: - Inputs

    /// Starts opening paths (client): every configured endpoint without a path is opened now, available ones
    /// before backups, up to `maxPaths`. Backups are opened too and announced as backup once they exist, so
    /// they are warm when needed. Calling it again does nothing.
    public mutating func start(now: UInt64) -> [PathAction] {
        guard !self.isStarted else { return [] }
        self.isStarted = true
        for index in self.locals.indices where self.locals[index].reopenAt == nil {
            self.locals[index].reopenAt = now
        }
        var actions: [PathAction] = []
        self.openDueLocals(now: now, into: &actions)
        return actions
    }

    /// The engine created path `id` from `local` (after an `.open`, for the handshake path, or, on a server,
    /// when the peer opened one).
    public mutating func pathOpened(_ id: PathID, local: LocalPathEndpoint, now: UInt64) {
        guard self.pathIndex(id) == nil else { return }
        var path = ManagedPath(id: id, local: self.configuredEndpoint(for: local), now: now)
        if self.cancelledOpens.remove(local.address) != nil {
            path.phase = .abandoning
            path.statistics.closedAt = now
            path.pendingAbandonCode = TransportErrorCode.applicationAbandonPath.rawValue
        }
        self.paths.append(path)
        if let index = self.localIndex(local.address) {
            self.locals[index].openRequested = false
            self.locals[index].reopenAt = nil
        }
        self.emit(.opened(id, label: path.local.label))
        self.markEvaluationDue(now)
    }

    /// The engine could not open a path from `local` after an `.open` (for instance no connection ID for a
    /// new path ID): it is tried again after the back-off.
    public mutating func pathOpenFailed(local: LocalPathEndpoint, now: UInt64) {
        self.cancelledOpens.remove(local.address)
        guard let index = self.localIndex(local.address), self.locals[index].openRequested else { return }
        self.locals[index].openRequested = false
        self.scheduleReopen(localAt: index, now: now)
        self.markEvaluationDue(now)
    }

    /// Path validation of `id` succeeded (RFC 9000 §8.2.3).
    public mutating func pathValidated(_ id: PathID, now: UInt64) {
        guard let index = self.pathIndex(id), self.paths[index].phase == .validating else { return }
        self.paths[index].phase = .active
        self.paths[index].validatedAt = now
        self.paths[index].consecutivePTOs = 0
        if let local = self.localIndex(self.paths[index].local.address) {
            self.locals[local].consecutiveFailures = 0
        }
        self.emit(.validated(id))
        self.markEvaluationDue(now)
    }

    /// Path validation of `id` failed (RFC 9000 §8.2.4): the manager abandons it and re-opens its local
    /// endpoint after the back-off, which also covers a first path that never works.
    public mutating func pathValidationFailed(_ id: PathID, now: UInt64) {
        guard let index = self.pathIndex(id), self.paths[index].phase == .validating else { return }
        self.emit(.validationFailed(id))
        self.giveUp(pathAt: index, now: now)
        self.paths[index].pendingAbandonCode = TransportErrorCode.pathUnstableOrPoor.rawValue
        self.markEvaluationDue(now)
    }

    /// Path `id` is gone: PATH_ABANDON was received from the peer (`byPeer`) or the engine finished abandoning
    /// it. If the manager did not cause it, the local endpoint is re-opened after the back-off, whichever side
    /// abandoned it (to stop using an endpoint for good, remove it with `removeLocal(address:now:)`).
    public mutating func pathAbandoned(_ id: PathID, byPeer: Bool, now: UInt64) {
        guard let index = self.pathIndex(id), self.paths[index].phase != .closed else { return }
        self.emit(.abandoned(id))
        if self.paths[index].isAlive {
            self.giveUp(pathAt: index, now: now)
        }
        self.paths[index].phase = .closed
        self.paths[index].pendingAbandonCode = nil
        self.trimClosedPaths()
        self.markEvaluationDue(now)
    }

    /// A packet of `bytes` bytes left on path `id`.
    public mutating func onPacketSent(_ id: PathID, bytes: Int, ackEliciting: Bool, now: UInt64) {
        guard let index = self.pathIndex(id) else { return }
        self.paths[index].statistics.bytesSent &+= UInt64(clamping: bytes)
        self.paths[index].statistics.packetsSent &+= 1
        guard ackEliciting else { return }
        self.paths[index].lastAckElicitingSentAt = now
        if self.paths[index].unacknowledgedSince == nil {
            self.paths[index].unacknowledgedSince = now
        }
    }

    /// A packet of `bytes` bytes arrived on path `id`.
    public mutating func onPacketReceived(_ id: PathID, bytes: Int, now: UInt64) {
        guard let index = self.pathIndex(id) else { return }
        self.paths[index].statistics.bytesReceived &+= UInt64(clamping: bytes)
        self.paths[index].statistics.packetsReceived &+= 1
        self.paths[index].lastReceivedAt = now
    }

    /// An acknowledgment of packets sent on path `id` arrived: the path delivers, so its silence ends.
    public mutating func onAckReceived(_ id: PathID, now: UInt64) {
        guard let index = self.pathIndex(id) else { return }
        self.paths[index].lastAckAt = now
        self.paths[index].unacknowledgedSince = nil
    }

    /// `count` packets sent on path `id` were declared lost (RFC 9002 §6.1).
    public mutating func onPacketsLost(_ id: PathID, count: Int, now: UInt64) {
        guard let index = self.pathIndex(id) else { return }
        self.paths[index].statistics.packetsLost &+= UInt64(clamping: count)
    }

    // MARK: - Outputs

    /// The next queued event, oldest first.
    public mutating func pollEvent() -> PathEvent? {
        guard self.eventHead < self.events.count else { return nil }
        let event = self.events[self.eventHead]
        self.eventHead += 1
        if self.eventHead == self.events.count {
            self.events.removeAll(keepingCapacity: true)
            self.eventHead = 0
        }
        return event
    }

    /// Statistics of every path, open or recently closed, ordered by path ID.
    public var statistics: [PathStatistics] {
        self.paths.map(\.currentStatistics).sorted { $0.pathID < $1.pathID }
    }

    /// Statistics of one path, if known.
    public func statistics(for id: PathID) -> PathStatistics? {
        self.pathIndex(id).map { self.paths[$0].currentStatistics }
    }

    /// The paths that exist and are not being given up, ordered by path ID.
    public var alivePaths: [PathID] {
        self.paths.filter(\.isAlive).map(\.id).sorted()
    }

    // MARK: - Helpers shared with evaluation

    func pathIndex(_ id: PathID) -> Int? {
        self.paths.firstIndex { $0.id == id }
    }

    func localIndex(_ address: NetworkAddress) -> Int? {
        self.locals.firstIndex { $0.endpoint.address == address }
    }

    /// The configured endpoint with `local`'s address (its label, cost and backup flag win), or `local` itself.
    private func configuredEndpoint(for local: LocalPathEndpoint) -> LocalPathEndpoint {
        self.localIndex(local.address).map { self.locals[$0].endpoint } ?? local
    }

    mutating func emit(_ event: PathEvent) {
        if self.events.count - self.eventHead >= Self.maxQueuedEvents {
            self.eventHead += 1
        }
        if self.eventHead > Self.maxQueuedEvents {
            self.events.removeFirst(self.eventHead)
            self.eventHead = 0
        }
        self.events.append(event)
    }

    mutating func markEvaluationDue(_ now: UInt64) {
        self.evaluationDueAt = min(self.evaluationDueAt ?? now, now)
    }

    /// Marks the path as given up (no longer alive) and schedules a re-open of its configured local endpoint.
    mutating func giveUp(pathAt index: Int, now: UInt64) {
        self.paths[index].phase = .abandoning
        if self.paths[index].statistics.closedAt == nil {
            self.paths[index].statistics.closedAt = now
        }
        if self.promotedStandby == self.paths[index].id {
            self.promotedStandby = nil
        }
        if let local = self.localIndex(self.paths[index].local.address) {
            self.scheduleReopen(localAt: local, now: now)
        }
    }

    /// Schedules the next open of a local endpoint after its back-off: `reopenBackoff × 2^failures`, capped.
    mutating func scheduleReopen(localAt index: Int, now: UInt64) {
        let configuration = self.configuration
        var backoff = configuration.reopenBackoff
        for _ in 0..<min(self.locals[index].consecutiveFailures, 64) where backoff < configuration.maxReopenBackoff {
            backoff = PathTime.multiplying(backoff, 2)
        }
        backoff = min(backoff, configuration.maxReopenBackoff)
        self.locals[index].consecutiveFailures = min(self.locals[index].consecutiveFailures + 1, 64)
        let at = PathTime.adding(now, backoff)
        self.locals[index].reopenAt = at
        self.emit(.reopenScheduled(local: self.locals[index].endpoint, at: at))
    }

    /// Drops the oldest closed paths beyond `closedPathHistory`.
    private mutating func trimClosedPaths() {
        var excess = self.paths.count(where: { $0.phase == .closed }) - self.configuration.closedPathHistory
        guard excess > 0 else { return }
        self.paths.removeAll { path in
            guard excess > 0, path.phase == .closed else { return false }
            excess -= 1
            return true
        }
    }
}
