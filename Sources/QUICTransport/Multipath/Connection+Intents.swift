import QUICRecovery
import QUICWire

/// What the application asked for one stream's data (ARCHITECTURE.md §5 "Intents").
public struct StreamSendIntent: Sendable, Hashable {
    public var kind: SendIntent.Kind
    /// The time (connection clock) by which the data should reach the peer, if any.
    public var deadline: QUICInstant?

    public init(kind: SendIntent.Kind, deadline: QUICInstant? = nil) {
        self.kind = kind
        self.deadline = deadline
    }
}

/// Application intents for streams and datagrams on a multipath connection: they tell the scheduler what the
/// waiting data needs (latency, throughput, redundancy, one path), and redundant data is copied to every path the
/// scheduler picks.
extension Connection {
    /// Says how a stream's data should be placed on the paths: `.latencySensitive`, `.bulk` (the default),
    /// `.redundant` (a copy on every usable path), `.pinned(path)` (only that path; it waits when the path cannot
    /// send), with an optional deadline the schedulers may use. Without multipath it has no effect.
    public func setIntent(_ intent: StreamSendIntent, for stream: StreamID) {
        if intent.kind == .bulk, intent.deadline == nil {
            self.streamIntents[stream] = nil
        } else {
            if self.streamIntents.count >= self.streamIntentPruneThreshold { self.forgetIntentsOfClosedStreams() }
            self.streamIntents[stream] = intent
        }
    }

    /// Drops the intents of streams that no longer exist. Runs when the table has doubled since the last time, so
    /// a long connection with many short streams keeps it as small as its open streams, at constant amortized cost.
    private func forgetIntentsOfClosedStreams() {
        self.streamIntents = self.streamIntents.filter { self.streams.sendState(of: $0.key) != nil }
        self.streamIntentPruneThreshold = max(64, self.streamIntents.count * 2)
    }

    /// The intent of a stream (`.bulk` unless set).
    public func intent(of stream: StreamID) -> StreamSendIntent {
        self.streamIntents[stream] ?? StreamSendIntent(kind: .bulk)
    }

    /// The intent the next packet of connection frames carries: that of the stream served next, else that of the
    /// next datagram, else bulk.
    func nextPacketIntent(size: Int) -> SendIntent {
        if self.streams.hasPendingFrames, let stream = self.streams.nextStreamToSend {
            let queued = self.streams.unsentBytes(of: stream)
            guard let intent = self.streamIntents[stream] else {
                return SendIntent(kind: .bulk, packetClass: .streamData, size: size, queuedBytes: queued)
            }
            return SendIntent(kind: intent.kind, packetClass: .streamData, size: size,
                              deadline: intent.deadline?.nanosecondsSinceOrigin, queuedBytes: queued)
        }
        if !self.streams.hasPendingFrames, let datagram = self.datagramsToSend.first {
            return SendIntent(kind: datagram.kind, packetClass: .datagram,
                              size: size)
        }
        return SendIntent(kind: .bulk, packetClass: .streamData, size: size)
    }

    /// With several paths: which streams' data may go in the packet being built on the current path (streams
    /// pinned to another path may not). Nil when every stream may.
    var streamPermits: ((StreamID) -> Bool)? {
        guard self.paths.count > 1, !self.streamIntents.isEmpty else { return nil }
        let current = self.path.id
        let intents = self.streamIntents
        return { stream in
            guard let pinned = intents[stream]?.kind.pinnedPath else { return true }
            return pinned == current
        }
    }

    /// The other paths of the current redundant decision get a copy of a DATAGRAM just written.
    func queueRedundantCopies(ofDatagram bytes: [UInt8]) {
        for pathID in self.multipath.redundantTargets where pathID != self.path.id {
            self.multipath.redundantDatagrams.append((pathID, bytes))
        }
    }

    /// The other paths of the current redundant decision get a copy of a STREAM frame just written.
    func queueRedundantCopies(ofStream record: StreamFrameRecord) {
        for pathID in self.multipath.redundantTargets where pathID != self.path.id {
            self.multipath.redundantStreamFrames.append((pathID, record))
        }
    }

    /// Whether copies wait for the current path.
    var hasRedundantCopiesForCurrentPath: Bool {
        let current = self.path.id
        return self.multipath.redundantDatagrams.contains { $0.pathID == current }
            || self.multipath.redundantStreamFrames.contains { $0.pathID == current }
    }

    /// Writes the copies waiting for the current path that fit; copies of stream data already acknowledged are
    /// dropped. The copies are not copied again.
    func writeRedundantCopies(into writer: inout ByteWriter, limit: Int, frames: inout [SentFrame]) {
        let current = self.path.id
        var index = 0
        while index < self.multipath.redundantStreamFrames.count {
            let (pathID, record) = self.multipath.redundantStreamFrames[index]
            guard pathID == current else {
                index += 1
                continue
            }
            guard let frame = self.streams.copyOfStreamFrame(record) else {
                self.multipath.redundantStreamFrames.remove(at: index)
                continue
            }
            guard frame.encodedLength <= limit - writer.count else { return }
            frame.encode(to: &writer)
            frames.append(.stream(record))
            self.multipath.redundantStreamFrames.remove(at: index)
        }
        index = 0
        while index < self.multipath.redundantDatagrams.count {
            let (pathID, bytes) = self.multipath.redundantDatagrams[index]
            guard pathID == current else {
                index += 1
                continue
            }
            let frame = Frame.datagram(DatagramFrame(data: bytes[...], hasLength: true))
            guard frame.encodedLength <= limit - writer.count else { return }
            frame.encode(to: &writer)
            frames.append(.other)
            self.multipath.redundantDatagrams.remove(at: index)
        }
    }

    /// Drops copies for paths that can no longer carry them.
    func dropRedundantCopies(forPath pathID: PathID) {
        self.multipath.redundantDatagrams.removeAll { $0.pathID == pathID }
        self.multipath.redundantStreamFrames.removeAll { $0.pathID == pathID }
    }

    /// With multipath de-duplication on, whether a DATAGRAM payload arrived within the last second (a redundant
    /// copy); records it otherwise.
    func isDuplicateDatagram(_ data: ArraySlice<UInt8>, now: UInt64) -> Bool {
        guard self.multipath.isNegotiated, self.multipath.configuration?.deduplicatesDatagrams ?? false else {
            return false
        }
        var hasher = Hasher()
        hasher.combine(data.count)
        for byte in data { hasher.combine(byte) }
        let hash = hasher.finalize()
        let horizon = now > 1_000_000_000 ? now - 1_000_000_000 : 0
        self.multipath.recentDatagrams.removeAll { $0.time < horizon }
        if self.multipath.recentDatagrams.contains(where: { $0.hash == hash }) { return true }
        if self.multipath.recentDatagrams.count >= 4_096 { self.multipath.recentDatagrams.removeFirst() }
        self.multipath.recentDatagrams.append((hash, now))
        return false
    }
}

extension SendIntent.Kind {
    /// The path of a pinned intent.
    public var pinnedPath: PathID? {
        if case .pinned(let path) = self { return path }
        return nil
    }
}
