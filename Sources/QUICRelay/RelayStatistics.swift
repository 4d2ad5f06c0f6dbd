/// Why a datagram was not forwarded.
public enum RelayDropCause: String, CaseIterable, Hashable, Sendable {
    /// The path was down when the datagram arrived, or went down while it was in flight.
    case outage
    /// The drop-tail queue had no room.
    case queue
    /// Random loss.
    case loss
    /// The kernel refused to send it (for example a full socket buffer).
    case send
}

/// Counters of one direction of one path.
public struct RelayDirectionStatistics: Hashable, Sendable {
    public var receivedPackets: UInt64 = 0
    public var receivedBytes: UInt64 = 0
    public var forwardedPackets: UInt64 = 0
    public var forwardedBytes: UInt64 = 0
    public var droppedOutage: UInt64 = 0
    public var droppedQueue: UInt64 = 0
    public var droppedLoss: UInt64 = 0
    public var droppedSend: UInt64 = 0

    public init() {}

    public func dropped(_ cause: RelayDropCause) -> UInt64 {
        switch cause {
        case .outage: return self.droppedOutage
        case .queue: return self.droppedQueue
        case .loss: return self.droppedLoss
        case .send: return self.droppedSend
        }
    }

    public mutating func recordDrop(_ cause: RelayDropCause, count: UInt64 = 1) {
        switch cause {
        case .outage: self.droppedOutage &+= count
        case .queue: self.droppedQueue &+= count
        case .loss: self.droppedLoss &+= count
        case .send: self.droppedSend &+= count
        }
    }

    public mutating func recordForwarded(bytes: Int) {
        self.forwardedPackets &+= 1
        self.forwardedBytes &+= UInt64(bytes)
    }
}

/// Counters of one path, both directions.
public struct RelayPathStatistics: Hashable, Sendable {
    public var name: String
    public var up = RelayDirectionStatistics()
    public var down = RelayDirectionStatistics()
    /// Distinct client source addresses seen on the path.
    public var clients = 0

    public init(name: String) {
        self.name = name
    }

    /// Human-readable lines, one per direction.
    public var report: String {
        [("up", self.up), ("down", self.down)].map { label, stats in
            let drops = RelayDropCause.allCases.map { "\($0.rawValue) \(stats.dropped($0))" }.joined(separator: ", ")
            return "\(self.name) \(label): received \(stats.receivedPackets) pkts / \(stats.receivedBytes) B, "
                + "forwarded \(stats.forwardedPackets) pkts / \(stats.forwardedBytes) B, dropped: \(drops)"
        }.joined(separator: "\n")
    }
}
