import QUICWire

/// Counters and estimates for one path, kept by the `PathManager` from the engine's inputs and snapshots.
public struct PathStatistics: Sendable, Hashable {
    public var pathID: PathID
    /// The label of the local endpoint the path was opened from.
    public var label: String
    public var localAddress: NetworkAddress
    public var cost: PathCost
    /// UDP payload bytes sent and received on the path.
    public var bytesSent: UInt64 = 0
    public var bytesReceived: UInt64 = 0
    public var packetsSent: UInt64 = 0
    public var packetsReceived: UInt64 = 0
    /// Packets declared lost (RFC 9002 §6.1).
    public var packetsLost: UInt64 = 0
    /// Smoothed and minimum RTT (RFC 9002 §5), nanoseconds, from the latest snapshot; 0 before the first.
    public var smoothedRTT: UInt64 = 0
    public var minRTT: UInt64 = 0
    /// `.validating` until validated, then the announced status, `.abandoned` once the path is given up.
    public var status: PathStatus = .validating
    /// When the path was opened and closed (nanoseconds of the connection clock).
    public var openedAt: UInt64
    public var closedAt: UInt64?

    public init(pathID: PathID, local: LocalPathEndpoint, openedAt: UInt64) {
        self.pathID = pathID
        self.label = local.label
        self.localAddress = local.address
        self.cost = local.cost
        self.openedAt = openedAt
    }

    /// What the bytes sent on this path cost: `bytesSent × costPerByte` (0 on a free path).
    public var costIncurred: Double {
        Double(self.bytesSent) * self.cost.costPerByte
    }

    /// Fraction of sent packets declared lost, 0...1 (0 before anything was sent).
    public var lossRate: Double {
        guard self.packetsSent > 0 else { return 0 }
        return min(1, Double(self.packetsLost) / Double(self.packetsSent))
    }
}
