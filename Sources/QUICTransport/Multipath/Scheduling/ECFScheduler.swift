import QUICWire

/// Earliest Completion First (Lim et al., "ECF: An MPTCP Path Scheduler to Manage Heterogeneous Paths",
/// CoNEXT 2017): like ``MinRTTScheduler`` it fills the paths fastest first, but before a packet spills onto a
/// slower path while the fastest one's congestion window is full, it asks whether waiting for the fast path
/// would deliver everything still queued sooner than the slow path delivers this one packet. If so it waits.
///
/// MinRTT spills the tail of every transfer onto the slow path as soon as the fast window fills, so a short
/// transfer (a video chunk, a reply) ends when its slowest bytes arrive; with a path whose queue has bloated that
/// is seconds. ECF sends on the slow path only while enough data is queued that the fast path could not carry it
/// all sooner: a long transfer still aggregates both paths, its last window goes on the fast one.
///
/// A path's delay is the larger of its smoothed RTT and its last RTT sample: when a path suddenly slows down (its
/// link congested, its queue filling) the smoothed RTT takes several samples to follow, and a path that answers
/// few packets (an idle one kept alive by probes) would go on looking fast.
///
/// The estimate, with `k` the bytes queued (``SendIntent/queuedBytes``, this packet included, at least its size):
/// - by the fast path `f`: the time its in-flight data and `k` need to drain through its window, one window per
///   RTT, plus its pacing delay and half its RTT;
/// - by the slow path `s`: half its RTT plus `margin` times its RTT variation, so that a path whose delay swings
///   is not trusted at its average.
/// It waits when the first is no later than the second. Without a queue size (datagrams, whose queue has no total)
/// it sends as MinRTT does, on the fastest path with room. It never waits for a fast path that has gone silent (a
/// probe timeout without an acknowledgment). Backup paths, and paths whose probes go unanswered (the connection
/// shows them as backups), are standbys: they carry packets only when no available path answers. A path that has
/// just timed out has an RTT estimate from before the trouble, and what it takes lands behind whatever it still
/// holds.
///
/// A path that sent nothing for longer than ``idleThreshold`` (and its probe timeout) restarts, in the manner of
/// RFC 5681 §4.1's "restarting idle connections": it is trusted with ``restartWindow`` bytes in flight, plus what
/// is acknowledged since, until that reaches its congestion window. After a pause its window and RTT describe the
/// network as it was, and a link that has meanwhile slowed down (a Wi-Fi now congested, with a deep queue) would
/// swallow a whole transfer at its old rate; the acknowledgments bring fresh RTT samples, and the allowance grows
/// as slow start would. Only the scheduler holds back: the congestion controller is not touched. The threshold
/// is a second so that a path used for every chunk of a stream (one a second) is not restarted each time.
public struct ECFScheduler: PacketScheduler, Sendable {
    /// How many RTT variations are added to the slow path's delay.
    public var margin: Double
    /// Bytes a path that was idle may have in flight until it is acknowledged again (RFC 9002 §7.2's initial window
    /// for 1,472-byte datagrams).
    public var restartWindow: Int
    /// The shortest pause, in nanoseconds, after which a path restarts (its probe timeout when that is longer).
    public var idleThreshold: UInt64
    /// When each path last sent an ack-eliciting packet, and its allowance while it restarts after a pause: a few
    /// entries, searched linearly (cheaper than hashing for the handful of paths a connection has).
    private var activity: [PathActivity] = []

    struct PathActivity: Sendable {
        var pathID: PathID
        var lastSent: UInt64
        /// While restarting: the bytes it may have in flight, the restart window plus what was acknowledged since.
        var allowance: Int?
    }

    public init(margin: Double = 1, restartWindow: Int = 14_720, idleThreshold: UInt64 = 1_000_000_000) {
        self.margin = margin
        self.restartWindow = restartWindow
        self.idleThreshold = idleThreshold
    }

    public mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        if let decision = SchedulingRules.pinnedOrRedundant(intent, paths: paths) { return decision }
        if self.activity.count > paths.count + 8 { self.forgetPaths(except: paths) }
        var ready: PathSnapshot?
        var fastest: PathSnapshot?
        for path in paths {
            let snapshot = self.view(of: path, now: now)
            if snapshot.canSend(intent), ready.map({ Self.isFaster(snapshot, than: $0) }) ?? true {
                ready = snapshot
            }
            if snapshot.carriesTraffic, snapshot.status == .available, snapshot.consecutivePTOs == 0,
               fastest.map({ Self.isFaster(snapshot, than: $0) }) ?? true {
                fastest = snapshot
            }
        }
        guard let ready else { return .wait }
        // A backup path (or one whose probes went unanswered) is a standby: it takes nothing while an available
        // path answers, however full that one's window.
        if ready.status == .backup, fastest != nil { return .wait }
        if let queued = intent.queuedBytes, let fastest, fastest.pathID != ready.pathID,
           Self.isFaster(fastest, than: ready),
           self.waitingIsSooner(fastest, than: ready, queued: max(queued, intent.size)) {
            return .wait
        }
        return .send(on: PathSelection(ready.pathID))
    }

    public mutating func onPacketSent(on path: PathSnapshot, bytes: Int, packetClass: PacketClass, now: UInt64) {
        guard packetClass != .control else { return }
        if let index = self.activity.firstIndex(where: { $0.pathID == path.pathID }) {
            self.activity[index].lastSent = now
        } else {
            self.activity.append(PathActivity(pathID: path.pathID, lastSent: now, allowance: nil))
        }
    }

    public mutating func onAcked(on path: PathSnapshot, bytes: Int, now: UInt64) {
        if let index = self.activity.firstIndex(where: { $0.pathID == path.pathID }),
           let allowance = self.activity[index].allowance {
            let grown = allowance + bytes
            self.activity[index].allowance = grown >= path.congestionWindow ? nil : grown
        }
    }

    /// The path as this scheduler counts on it: the window of a path restarting after a pause is its allowance. A
    /// path with nothing in flight that has sent nothing for longer than the idle threshold (or its probe timeout,
    /// when longer) starts restarting with ``restartWindow``.
    mutating func view(of path: PathSnapshot, now: UInt64) -> PathSnapshot {
        guard let index = self.activity.firstIndex(where: { $0.pathID == path.pathID }) else { return path }
        if self.activity[index].allowance == nil, path.bytesInFlight == 0,
           now > self.activity[index].lastSent &+ max(Self.delay(path) &+ 4 &* path.rttVariance, self.idleThreshold) {
            self.activity[index].allowance = self.restartWindow
        }
        guard let allowance = self.activity[index].allowance else { return path }
        var view = path
        view.congestionWindow = min(view.congestionWindow, allowance)
        return view
    }

    private mutating func forgetPaths(except paths: [PathSnapshot]) {
        self.activity.removeAll { entry in !paths.contains { $0.pathID == entry.pathID } }
    }

    /// A path's delay as ECF sees it: the larger of its smoothed RTT and its last sample.
    @inlinable
    static func delay(_ path: PathSnapshot) -> UInt64 {
        max(path.smoothedRTT, path.latestRTT)
    }

    /// Ordering of the paths: available before backup, then the lower delay, then the lower path ID.
    @inlinable
    static func isFaster(_ lhs: PathSnapshot, than rhs: PathSnapshot) -> Bool {
        SchedulingRules.isPreferred(lhs, over: rhs, delay: Self.delay)
    }

    /// Whether `queued` bytes through `fast` would all arrive no later than one packet sent now on `slow`.
    func waitingIsSooner(_ fast: PathSnapshot, than slow: PathSnapshot, queued: Int) -> Bool {
        let rtt = Double(max(Self.delay(fast), 1))
        var wait = Double(fast.pacingDelay)
        let excess = Double(fast.bytesInFlight) + Double(queued) - Double(fast.congestionWindow)
        if excess > 0 { wait += excess / Double(max(fast.congestionWindow, 1)) * rtt }
        let fastArrival = wait + rtt / 2
        let slowArrival = Double(Self.delay(slow)) / 2 + Double(slow.rttVariance) * self.margin
        return fastArrival <= slowArrival
    }
}
