import QUICWire

/// What kind of packet is about to be built; it decides whether congestion control applies.
public enum PacketClass: Sendable, Hashable {
    /// New stream data.
    case streamData
    /// Frames carried again after a loss (RFC 9000 §13.3: retransmission is of frames, not packets).
    case retransmission
    /// An unreliable DATAGRAM frame (RFC 9221).
    case datagram
    /// ACK and other control frames. Treated as ACK-only: RFC 9002 §7 exempts such packets from
    /// congestion control, so the engine should bundle other control frames with data when a window is full.
    case control
    /// A PTO probe or a path-validation probe; RFC 9002 §7 lets these exceed the congestion window.
    case probe

    /// Whether packets of this class may leave when the congestion window or pacer is exhausted.
    @inlinable
    public var bypassesCongestionControl: Bool {
        self == .control || self == .probe
    }
}

/// What is waiting to be sent, as the application and the connection describe it.
public struct SendIntent: Sendable, Hashable {
    /// The application's wish for the data (ARCHITECTURE.md §5 "Intents").
    public enum Kind: Sendable, Hashable {
        /// Small and urgent: prefer the lowest latency.
        case latencySensitive
        /// Throughput matters more than latency.
        case bulk
        /// Send a copy on every usable path; the receiver discards duplicates.
        case redundant
        /// Only this path; if it cannot send, wait (never fall back to another path).
        case pinned(PathID)
    }

    public var kind: Kind
    public var packetClass: PacketClass
    /// Upper bound on the bytes the packet will carry (it is what congestion and budget checks use).
    public var size: Int
    /// Absolute time (connection clock, nanoseconds) by which the data should reach the peer, if any.
    public var deadline: UInt64?
    /// Whether the data was sent before and declared lost.
    public var isRetransmission: Bool
    /// The path the lost copy travelled on, if known.
    public var lostOnPath: PathID?
    /// Bytes of the same data waiting to be sent, this packet's included (the unsent rest of the stream served
    /// next), when known: what the ``ECFScheduler`` weighs a fast path's wait against.
    public var queuedBytes: Int?

    public init(
        kind: Kind = .bulk,
        packetClass: PacketClass? = nil,
        size: Int,
        deadline: UInt64? = nil,
        isRetransmission: Bool = false,
        lostOnPath: PathID? = nil,
        queuedBytes: Int? = nil
    ) {
        self.kind = kind
        self.packetClass = packetClass ?? (isRetransmission ? .retransmission : .streamData)
        self.size = size
        self.deadline = deadline
        self.isRetransmission = isRetransmission
        self.lostOnPath = lostOnPath
        self.queuedBytes = queuedBytes
    }

    /// The pinned path, if the intent is pinned.
    @inlinable
    public var pinnedPath: PathID? {
        if case .pinned(let path) = self.kind { return path }
        return nil
    }
}
