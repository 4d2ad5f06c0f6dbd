/// Why the simulator dropped a datagram.
public enum DropReason: Hashable, Sendable, CaseIterable {
    /// The link direction was down when the datagram was offered, or went down before it arrived.
    case linkDown
    /// The datagram was larger than the direction's MTU.
    case mtu
    /// The drop-tail queue had no room for it.
    case queueOverflow
    /// The loss model lost it on the wire.
    case loss
    /// No link connects its source and destination addresses.
    case noRoute
    /// It arrived at an address no node owns (any more).
    case noReceiver
}

/// Counters for one direction of a link.
public struct LinkStatistics: Hashable, Sendable {
    /// Datagrams offered to the direction (including those then dropped).
    public var sent: UInt64 = 0
    public var sentBytes: UInt64 = 0
    /// Datagrams handed to a receiving endpoint (a duplicate counts again).
    public var delivered: UInt64 = 0
    public var deliveredBytes: UInt64 = 0
    public var droppedLinkDown: UInt64 = 0
    public var droppedMTU: UInt64 = 0
    public var droppedQueueOverflow: UInt64 = 0
    public var droppedLoss: UInt64 = 0
    public var droppedNoReceiver: UInt64 = 0
    /// Extra copies created by duplication.
    public var duplicated: UInt64 = 0
    /// Datagrams held back by the reordering delay.
    public var reordered: UInt64 = 0
    /// Datagrams marked CE by the queue.
    public var ceMarked: UInt64 = 0
    /// The largest number of bytes the queue held (including the datagram being serialized).
    public var maxQueueBytes: Int = 0

    public init() {}

    /// The number of datagrams dropped for `reason`. Always 0 for ``DropReason/noRoute``: such datagrams
    /// never reach a link and are counted by ``SimNetwork/unroutableCount``.
    public func dropped(_ reason: DropReason) -> UInt64 {
        switch reason {
        case .linkDown:
            return self.droppedLinkDown
        case .mtu:
            return self.droppedMTU
        case .queueOverflow:
            return self.droppedQueueOverflow
        case .loss:
            return self.droppedLoss
        case .noReceiver:
            return self.droppedNoReceiver
        case .noRoute:
            return 0
        }
    }

    /// All drops, whatever the reason.
    public var droppedTotal: UInt64 {
        DropReason.allCases.reduce(0) { $0 + self.dropped($1) }
    }

    mutating func countDrop(_ reason: DropReason) {
        switch reason {
        case .linkDown:
            self.droppedLinkDown += 1
        case .mtu:
            self.droppedMTU += 1
        case .queueOverflow:
            self.droppedQueueOverflow += 1
        case .loss:
            self.droppedLoss += 1
        case .noReceiver:
            self.droppedNoReceiver += 1
        case .noRoute:
            break
        }
    }
}
