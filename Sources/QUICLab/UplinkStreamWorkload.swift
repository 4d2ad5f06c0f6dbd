import QUICSimulator
import QUICTransport

/// A live stream the client uploads: `framesPerSecond` frames of a constant `bitrate` for `duration` seconds, each
/// frame on its own unidirectional stream (one stream per frame, as live-media-over-QUIC protocols do) with a latency
/// intent and a deadline `deadline` seconds after it was produced. A frame that has not been acknowledged by its
/// deadline is abandoned with RESET_STREAM: a live encoder drops stale frames rather than queue them.
///
/// A frame is on time when the server application has read all of it within `deadline` of its production. Measures:
/// the fraction of frames not on time, and the delivered bitrate (bytes of on-time frames x 8 over `duration`).
public struct UplinkStreamWorkload: Sendable, Hashable {
    /// Bits per second of the encoded stream.
    public var bitrate: Double
    public var framesPerSecond: Double
    public var duration: Double
    public var deadline: Double

    public init(bitrate: Double, framesPerSecond: Double, duration: Double, deadline: Double) {
        precondition(bitrate > 0 && framesPerSecond > 0 && duration > 0, "a live stream has frames")
        self.bitrate = bitrate
        self.framesPerSecond = framesPerSecond
        self.duration = duration
        self.deadline = deadline
    }

    /// Frames the stream produces.
    public var frameCount: Int { max(Int((self.duration * self.framesPerSecond).rounded()), 1) }

    /// Bytes of one frame (its header included).
    public var frameBytes: Int {
        max(Int((self.bitrate / 8 / self.framesPerSecond).rounded()), StampedPayload.headerBytes)
    }

    /// When frame `index` is produced, seconds after the stream started.
    func productionOffset(of index: Int) -> Double { Double(index) / self.framesPerSecond }
}

/// The client side of an ``UplinkStreamWorkload``: the encoder producing frames on schedule and the sender that
/// abandons the ones past their deadline.
final class UplinkStreamClient {
    private struct Frame {
        var id: StreamID
        var producedAt: SimInstant
        var pending: ArraySlice<UInt8>
    }

    let workload: UplinkStreamWorkload
    private(set) var start: SimInstant?
    private(set) var produced = 0
    /// Frames that could not even be handed to the connection (no stream credit).
    private(set) var refused = 0
    private(set) var abandoned = 0
    private var open: [Frame] = []

    init(workload: UplinkStreamWorkload) {
        self.workload = workload
    }

    var finished: Bool { self.produced == self.workload.frameCount && self.open.isEmpty }

    /// Since when the oldest frame not yet acknowledged has waited: the sender is waiting on the network.
    var waitingStart: SimInstant? { self.open.first?.producedAt }

    func drive(_ connection: Connection, now: SimInstant) {
        if self.start == nil {
            guard connection.isHandshakeComplete else { return }
            self.start = now
        }
        guard let start = self.start else { return }
        while self.produced < self.workload.frameCount,
              start + .seconds(self.workload.productionOffset(of: self.produced)) <= now {
            self.produce(connection, at: start + .seconds(self.workload.productionOffset(of: self.produced)))
        }
        let deadline = SimDuration.seconds(self.workload.deadline)
        self.open.removeAll { frame in
            switch connection.streamState(frame.id).send {
            case nil, .dataReceived?, .resetSent?, .resetReceived?:
                return true
            default:
                guard frame.producedAt + deadline <= now else { return false }
                try? connection.reset(frame.id, errorCode: 0)
                self.abandoned += 1
                return true
            }
        }
        for index in self.open.indices where !self.open[index].pending.isEmpty {
            self.write(&self.open[index], connection)
        }
    }

    /// The next frame's production or the next deadline, whichever comes first.
    var wakeup: SimInstant? {
        guard let start = self.start else { return nil }
        var times: [SimInstant] = []
        if self.produced < self.workload.frameCount {
            times.append(start + .seconds(self.workload.productionOffset(of: self.produced)))
        }
        if let oldest = self.open.first { times.append(oldest.producedAt + .seconds(self.workload.deadline)) }
        return times.min()
    }

    private func produce(_ connection: Connection, at time: SimInstant) {
        let index = self.produced
        self.produced += 1
        guard let id = try? connection.openStream(.unidirectional) else {
            self.refused += 1
            return
        }
        connection.setIntent(StreamSendIntent(kind: .latencySensitive,
                                              deadline: (time + .seconds(self.workload.deadline)).quicInstant),
                             for: id)
        let bytes = StampedPayload.encode(sequence: index, producedAt: time, size: self.workload.frameBytes)
        var frame = Frame(id: id, producedAt: time, pending: bytes[...])
        self.write(&frame, connection)
        self.open.append(frame)
    }

    private func write(_ frame: inout Frame, _ connection: Connection) {
        guard let accepted = try? connection.write(frame.pending, to: frame.id) else { return }
        frame.pending = frame.pending.dropFirst(accepted)
        if frame.pending.isEmpty { try? connection.finish(frame.id) }
    }
}

/// The server side of an ``UplinkStreamWorkload``: reads every frame stream and notes when each frame was complete.
final class UplinkStreamReceiver {
    let workload: UplinkStreamWorkload
    private var streams: [StreamID: [UInt8]] = [:]
    private var order: [StreamID] = []
    private var readBuffer: [UInt8] = []
    private(set) var bytesRead = 0
    private(set) var framesOnTime = 0
    private(set) var onTimeBytes = 0
    /// Seconds from production to complete arrival of every frame that arrived.
    private(set) var delays: [Double] = []

    init(workload: UplinkStreamWorkload) {
        self.workload = workload
    }

    func streamOpened(_ id: StreamID) {
        guard self.streams[id] == nil else { return }
        self.streams[id] = []
        self.order.append(id)
    }

    func read(_ connection: Connection, now: SimInstant) {
        var done: [StreamID] = []
        for id in self.order {
            guard var frame = self.streams[id] else { continue }
            self.readBuffer.removeAll(keepingCapacity: true)
            let result: (count: Int, fin: Bool)
            do {
                result = try connection.read(id, into: &self.readBuffer)
            } catch {
                done.append(id)  // reset by the sender: the frame was abandoned
                continue
            }
            self.bytesRead += result.count
            frame.append(contentsOf: self.readBuffer)
            self.streams[id] = frame
            guard result.fin else { continue }
            done.append(id)
            self.frameCompleted(frame, now: now)
        }
        if !done.isEmpty {
            for id in done { self.streams[id] = nil }
            self.order.removeAll { self.streams[$0] == nil }
        }
    }

    /// A whole frame has been read at `now`: on time if within the deadline of its production.
    func frameCompleted(_ frame: [UInt8], now: SimInstant) {
        guard let header = StampedPayload.decode(frame[...]) else { return }
        let delay = now > header.producedAt ? (now - header.producedAt).seconds : 0
        self.delays.append(delay)
        if delay <= self.workload.deadline {
            self.framesOnTime += 1
            self.onTimeBytes += frame.count
        }
    }

    /// Late-frame fraction and delivered bitrate.
    var measures: [String: Double] {
        [
            LabMeasure.lateFrames: 1 - Double(self.framesOnTime) / Double(self.workload.frameCount),
            LabMeasure.deliveredBitrate: Double(self.onTimeBytes) * 8 / self.workload.duration,
        ]
    }
}
