/// The playout buffer of one clip of a ``PlaybackWorkload``: media seconds received in order against media seconds
/// played, on a clock of seconds since the start of the run.
///
/// A clip starts playing once ``startupSeconds`` of media are buffered (or the rest of the clip, when less remains);
/// the wait before that is the clip's first-frame time, not a rebuffer. Once playing, the position advances one
/// media second per second; when it reaches the end of the media received before the end of the clip, playback
/// rebuffers (a stall) until ``startupSeconds`` are buffered again.
struct PlayoutBuffer: Sendable, Hashable {
    /// Comparisons of times and media positions tolerate this much (seconds): the run's clock has nanoseconds.
    static let tolerance = 1e-6

    let clipSeconds: Double
    let startupSeconds: Double
    /// When the clip was asked for (the user started or swiped to it).
    let requestedAt: Double
    /// Media seconds received in order.
    private(set) var received = 0.0
    /// Media seconds played.
    private(set) var position = 0.0
    private(set) var playing = false
    /// The time the buffer has been advanced to.
    private(set) var clock: Double
    /// When the first frame of the clip was shown.
    private(set) var firstFrameAt: Double?
    private(set) var rebufferCount = 0
    private(set) var rebufferSeconds = 0.0
    private(set) var longestRebuffer = 0.0
    private var stalledSince: Double?

    init(clipSeconds: Double, startupSeconds: Double, requestedAt: Double) {
        self.clipSeconds = clipSeconds
        self.startupSeconds = startupSeconds
        self.requestedAt = requestedAt
        self.clock = requestedAt
    }

    /// Media seconds received but not yet played.
    var buffered: Double { self.received - self.position }

    /// Whether the whole clip has been played.
    var finished: Bool { self.position >= self.clipSeconds - Self.tolerance }

    /// Whether playback is waiting for data after having started (a rebuffer is going on).
    var isRebuffering: Bool { self.stalledSince != nil }

    /// Plays until `time`; a position that reaches the end of the media received before the end of the clip
    /// starts a rebuffer at the moment it got there.
    mutating func advance(to time: Double) {
        guard time > self.clock else { return }
        if self.playing {
            let playable = self.buffered
            let elapsed = time - self.clock
            if elapsed < playable - Self.tolerance {
                self.position += elapsed
            } else {
                self.position = self.received
                self.playing = false
                if !self.finished {
                    self.stalledSince = self.clock + max(playable, 0)
                    self.rebufferCount += 1
                }
            }
        }
        self.clock = time
    }

    /// `seconds` more media arrived at `time`.
    mutating func receive(_ seconds: Double, at time: Double) {
        self.advance(to: time)
        self.received = min(self.received + max(seconds, 0), self.clipSeconds)
        self.startIfReady(at: time)
    }

    /// Ends the run at `time`: a rebuffer still going on counts until then.
    mutating func finish(at time: Double) {
        self.advance(to: time)
        if let since = self.stalledSince { self.endStall(since: since, at: time) }
    }

    /// The time at which, playing on without new data, the buffer falls to `level` media seconds (now if it already
    /// has); nil when not playing.
    func time(whenBufferFallsTo level: Double) -> Double? {
        guard self.playing else { return nil }
        return self.clock + max(self.buffered - level, 0)
    }

    /// When the clip ends, if all of it has been received and it is playing.
    var endTime: Double? {
        guard self.playing, self.received >= self.clipSeconds - Self.tolerance else { return nil }
        return self.clock + (self.clipSeconds - self.position)
    }

    private mutating func startIfReady(at time: Double) {
        guard !self.playing, !self.finished else { return }
        let needed = min(self.startupSeconds, self.clipSeconds - self.position)
        guard self.buffered >= needed - Self.tolerance else { return }
        self.playing = true
        if self.firstFrameAt == nil { self.firstFrameAt = time }
        if let since = self.stalledSince { self.endStall(since: since, at: time) }
    }

    private mutating func endStall(since: Double, at time: Double) {
        let stall = max(time - since, 0)
        self.rebufferSeconds += stall
        self.longestRebuffer = max(self.longestRebuffer, stall)
        self.stalledSince = nil
    }
}
