/// Chooses which stream's data goes into the next packet: strict priority by urgency (0 is the most
/// urgent, as in RFC 9218's urgency levels), and within one urgency either round robin between
/// incremental streams or one stream at a time (finish the first before starting the next) for
/// non-incremental ones.
public struct StreamScheduler: Sendable {
    /// How a stream is scheduled.
    public struct Priority: Sendable, Hashable {
        /// 0 (most urgent) to 7 (least); default 3.
        public var urgency: UInt8
        /// Whether the stream shares bandwidth with others of the same urgency.
        public var incremental: Bool

        public init(urgency: UInt8 = 3, incremental: Bool = true) {
            self.urgency = min(urgency, 7)
            self.incremental = incremental
        }

        public static let `default` = Priority()
    }

    /// Streams with data waiting, per urgency level, in service order.
    private var levels: [[UInt64]] = Array(repeating: [], count: 8)
    private var priorities: [UInt64: Priority] = [:]

    public init() {}

    /// Sets a stream's priority (takes effect the next time it is queued).
    public mutating func setPriority(_ priority: Priority, for stream: UInt64) {
        if self.priority(of: stream) != priority, self.isQueued(stream) {
            self.remove(stream)
            self.priorities[stream] = priority
            self.enqueue(stream)
        } else {
            self.priorities[stream] = priority
        }
    }

    public func priority(of stream: UInt64) -> Priority {
        self.priorities[stream] ?? .default
    }

    public func isQueued(_ stream: UInt64) -> Bool {
        self.levels[Int(self.priority(of: stream).urgency)].contains(stream)
    }

    /// Marks a stream as having data to send.
    public mutating func enqueue(_ stream: UInt64) {
        let level = Int(self.priority(of: stream).urgency)
        guard !self.levels[level].contains(stream) else { return }
        self.levels[level].append(stream)
    }

    /// Removes a stream (no more data, reset, or closed).
    public mutating func remove(_ stream: UInt64) {
        let level = Int(self.priority(of: stream).urgency)
        self.levels[level].removeAll { $0 == stream }
    }

    /// Forgets a closed stream entirely.
    public mutating func forget(_ stream: UInt64) {
        self.remove(stream)
        self.priorities[stream] = nil
    }

    /// The stream to serve next, without changing the order.
    public func peek() -> UInt64? {
        for level in self.levels where !level.isEmpty {
            return level[0]
        }
        return nil
    }

    /// The first stream in serving order that `isEligible` accepts (multipath: streams pinned to another path are
    /// passed over for this packet, without losing their place).
    public func first(where isEligible: (UInt64) -> Bool) -> UInt64? {
        for level in self.levels {
            for stream in level where isEligible(stream) { return stream }
        }
        return nil
    }

    /// Records that `stream` was served: an incremental stream moves behind its peers; a non-incremental
    /// one keeps its place until it has nothing left.
    public mutating func served(_ stream: UInt64, stillHasData: Bool) {
        let level = Int(self.priority(of: stream).urgency)
        guard let index = self.levels[level].firstIndex(of: stream) else { return }
        self.levels[level].remove(at: index)
        guard stillHasData else { return }
        if self.priority(of: stream).incremental {
            self.levels[level].append(stream)
        } else {
            self.levels[level].insert(stream, at: index)
        }
    }

    public var isEmpty: Bool { self.levels.allSatisfy(\.isEmpty) }
}
