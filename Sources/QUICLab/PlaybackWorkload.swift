import QUICSimulator
import QUICTransport

/// Media played while it downloads: `clips` clips of `clipSeconds` each, encoded at `bitrate`, fetched in chunks of
/// `chunkSeconds` of media, one chunk at a time, on bulk streams. The player asks for the next chunk while less than
/// `bufferSeconds` of media are buffered ahead, starts a clip (and resumes after a rebuffer) once `startupSeconds` are
/// buffered, and fetches nothing of a clip before it starts (the user moves to the next clip when one ends; nothing
/// is prefetched across clips). One clip is a music session; many short ones are a short-video feed.
///
/// Measures: every chunk's completion time (request to last byte), each clip's first-frame time (from the moment it
/// was asked for to its first frame), and rebuffering (the buffer empties while media remains).
public struct PlaybackWorkload: Sendable, Hashable {
    /// Media bits per second.
    public var bitrate: Double
    public var chunkSeconds: Double
    public var clipSeconds: Double
    public var clips: Int
    public var startupSeconds: Double
    public var bufferSeconds: Double

    public init(bitrate: Double, chunkSeconds: Double, clipSeconds: Double, clips: Int = 1, startupSeconds: Double,
                bufferSeconds: Double) {
        precondition(bitrate > 0 && chunkSeconds > 0 && clipSeconds > 0 && clips > 0, "a playback plays something")
        self.bitrate = bitrate
        self.chunkSeconds = chunkSeconds
        self.clipSeconds = clipSeconds
        self.clips = clips
        self.startupSeconds = startupSeconds
        self.bufferSeconds = bufferSeconds
    }

    /// The bytes of `seconds` of media.
    func bytes(ofMedia seconds: Double) -> Int {
        max(Int((seconds * self.bitrate / 8).rounded()), 1)
    }
}

/// The client side of a ``PlaybackWorkload``: the player, its chunk requests and its playout buffer.
final class PlaybackClient {
    private struct Chunk {
        var id: StreamID
        var start: SimInstant
        var mediaSeconds: Double
        var bytes: Int
        var read = 0
    }

    let workload: PlaybackWorkload
    private var clip = 0
    private var buffer: PlayoutBuffer?
    private var chunk: Chunk?
    /// Media seconds of the current clip asked for so far.
    private var requested = 0.0
    private var readBuffer: [UInt8] = []
    /// First-frame time of every clip that started (or was waited for until the end of the run).
    private(set) var firstFrames: [Double] = []
    private(set) var rebufferCount = 0
    private(set) var rebufferSeconds = 0.0
    private(set) var longestRebuffer = 0.0
    private(set) var finished = false

    init(workload: PlaybackWorkload) {
        self.workload = workload
    }

    func drive(_ connection: Connection, now: SimInstant, recorder: LabRecorder) {
        let time = (now - .zero).seconds
        if self.buffer == nil, !self.finished {
            guard connection.isHandshakeComplete else { return }
            self.startClip(at: time)
        }
        self.readChunk(connection, now: now, recorder: recorder)
        guard var buffer = self.buffer else { return }
        buffer.advance(to: time)
        self.buffer = buffer
        if buffer.finished {
            self.closeClip(buffer, at: time)
            if self.clip + 1 < self.workload.clips {
                self.clip += 1
                self.startClip(at: time)
            } else {
                self.buffer = nil
                self.finished = true
                return
            }
        }
        self.requestChunkIfNeeded(connection, now: now, recorder: recorder)
    }

    /// When the player next has to act with the network quiet: the buffer falling to its target (next chunk due) or
    /// the clip ending. Rounded up so that the player is never woken just before the moment.
    var wakeup: SimInstant? {
        guard let buffer = self.buffer else { return nil }
        var times: [Double] = []
        if self.chunk == nil, self.requested < buffer.clipSeconds - PlayoutBuffer.tolerance,
           let due = buffer.time(whenBufferFallsTo: self.workload.bufferSeconds) {
            times.append(due)
        }
        if let end = buffer.endTime { times.append(end) }
        guard let time = times.min() else { return nil }
        return SimInstant(nanoseconds: UInt64((time * 1e9).rounded(.up)) + 1)
    }

    /// Ends the run at `now`: a rebuffer going on counts until then, and a clip still starting counts its wait as
    /// its first-frame time.
    func finish(now: SimInstant) {
        guard var buffer = self.buffer else { return }
        let time = (now - .zero).seconds
        buffer.finish(at: time)
        self.closeClip(buffer, at: time)
        self.buffer = nil
    }

    /// The playback's measures: rebuffering and first-frame times.
    var measures: [String: Double] {
        var measures = [
            LabMeasure.rebufferSeconds: self.rebufferSeconds,
            LabMeasure.rebufferCount: Double(self.rebufferCount),
        ]
        if !self.firstFrames.isEmpty {
            measures[LabMeasure.firstFrame] = self.firstFrames.reduce(0, +) / Double(self.firstFrames.count)
            measures[LabMeasure.firstFrameMax] = self.firstFrames.max()
        }
        return measures
    }

    private func startClip(at time: Double) {
        self.buffer = PlayoutBuffer(clipSeconds: self.workload.clipSeconds,
                                    startupSeconds: self.workload.startupSeconds, requestedAt: time)
        self.requested = 0
    }

    private func closeClip(_ buffer: PlayoutBuffer, at time: Double) {
        self.firstFrames.append((buffer.firstFrameAt ?? time) - buffer.requestedAt)
        self.rebufferCount += buffer.rebufferCount
        self.rebufferSeconds += buffer.rebufferSeconds
        self.longestRebuffer = max(self.longestRebuffer, buffer.longestRebuffer)
    }

    private func requestChunkIfNeeded(_ connection: Connection, now: SimInstant, recorder: LabRecorder) {
        guard self.chunk == nil, let buffer = self.buffer,
              self.requested < buffer.clipSeconds - PlayoutBuffer.tolerance,
              buffer.buffered < self.workload.bufferSeconds + PlayoutBuffer.tolerance,
              let id = try? connection.openStream(.bidirectional) else { return }
        let media = min(self.workload.chunkSeconds, buffer.clipSeconds - self.requested)
        let bytes = self.workload.bytes(ofMedia: media)
        let request = LabRequestLine(bytes: bytes, interactive: false).encoded()
        _ = try? connection.write(request, to: id)
        try? connection.finish(id)
        self.chunk = Chunk(id: id, start: now, mediaSeconds: media, bytes: bytes)
        self.requested += media
        recorder.begin(now: now)
    }

    /// Reads the chunk being downloaded; its media enters the buffer as its bytes arrive.
    private func readChunk(_ connection: Connection, now: SimInstant, recorder: LabRecorder) {
        guard var chunk = self.chunk, var buffer = self.buffer else { return }
        let time = (now - .zero).seconds
        defer { self.buffer = buffer }
        while true {
            self.readBuffer.removeAll(keepingCapacity: true)
            guard let (count, fin) = try? connection.read(chunk.id, into: &self.readBuffer, maxLength: 1 << 20) else {
                return
            }
            recorder.read(count, now: now)
            let before = Double(chunk.read) / Double(chunk.bytes)
            chunk.read = min(chunk.read + count, chunk.bytes)
            let after = fin ? 1 : Double(chunk.read) / Double(chunk.bytes)
            buffer.receive((after - before) * chunk.mediaSeconds, at: time)
            if fin {
                self.chunk = nil
                recorder.end(now: now, requestSeconds: (now - chunk.start).seconds)
                return
            }
            self.chunk = chunk
            if count == 0 { return }
        }
    }
}
