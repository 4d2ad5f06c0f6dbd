import QUICWire

/// A path's status as the scheduler sees it.
///
/// draft-ietf-quic-multipath §3.3: a path marked "backup" SHOULD NOT be used to send packets when a path
/// marked "available" can be used; "abandoned" paths carry nothing; "validating" paths carry only
/// the probing packets of their own validation.
public enum PathStatus: Sendable, Hashable {
    case available
    case backup
    case abandoned
    case validating
}

/// What sending on a path costs the user.
public enum PathCost: Sendable, Hashable {
    /// No per-byte cost (typically Wi-Fi, DSL, fibre).
    case free
    /// A per-byte cost in an application-chosen unit (typically cellular or satellite); lower is cheaper.
    case metered(costPerByte: Double)

    /// Whether the path has a per-byte cost.
    @inlinable
    public var isMetered: Bool {
        if case .metered = self { return true }
        return false
    }

    /// The cost per byte (0 for a free path), for ordering paths from cheap to expensive.
    @inlinable
    public var costPerByte: Double {
        switch self {
        case .free: return 0
        case .metered(let cost): return cost
        }
    }
}

/// A read-only view of one path at the moment a scheduling decision is made.
///
/// The connection builds one per path from its recovery, congestion controller, pacer and path state,
/// and hands the array to a `PacketScheduler`. All times are nanoseconds of the connection's clock and
/// all sizes are bytes.
public struct PathSnapshot: Sendable, Hashable {
    public var pathID: PathID
    public var status: PathStatus
    /// Smoothed RTT (RFC 9002 §5.3 `smoothed_rtt`).
    public var smoothedRTT: UInt64
    /// RTT variation (RFC 9002 §5.3 `rttvar`).
    public var rttVariance: UInt64
    /// Minimum RTT seen (RFC 9002 §5.2 `min_rtt`).
    public var minRTT: UInt64
    /// The last RTT sample (RFC 9002 §5.1 `latest_rtt`): a path that just got slower shows it here first, the
    /// smoothed RTT follows over several samples.
    public var latestRTT: UInt64
    public var congestionWindow: Int
    public var bytesInFlight: Int
    /// Bytes the pacer lets leave right now.
    public var pacingBudget: Int
    /// Nanoseconds until the pacer lets a full-sized packet leave; 0 when it may leave now.
    public var pacingDelay: UInt64
    /// Fraction of recently sent packets declared lost, 0...1.
    public var recentLossRate: Double
    /// Probe timeouts in a row without an acknowledgment (RFC 9002 §6.2 `pto_count`).
    public var consecutivePTOs: Int
    public var cost: PathCost
    /// A human-readable name such as "wifi", "cellular", "dsl", "lte" or "satellite".
    public var label: String
    /// Whether path validation (RFC 9000 §8.2) succeeded.
    public var isValidated: Bool
    /// Bytes sent on this path so far.
    public var bytesSent: UInt64
    /// Bytes (UDP payloads) received on this path so far.
    public var bytesReceived: UInt64
    /// Packets sent on this path and declared lost so far.
    public var packetsLost: UInt64

    public init(
        pathID: PathID,
        status: PathStatus = .available,
        smoothedRTT: UInt64,
        rttVariance: UInt64 = 0,
        minRTT: UInt64? = nil,
        latestRTT: UInt64? = nil,
        congestionWindow: Int,
        bytesInFlight: Int = 0,
        pacingBudget: Int = .max,
        pacingDelay: UInt64 = 0,
        recentLossRate: Double = 0,
        consecutivePTOs: Int = 0,
        cost: PathCost = .free,
        label: String = "",
        isValidated: Bool = true,
        bytesSent: UInt64 = 0,
        bytesReceived: UInt64 = 0,
        packetsLost: UInt64 = 0
    ) {
        self.pathID = pathID
        self.status = status
        self.smoothedRTT = smoothedRTT
        self.rttVariance = rttVariance
        self.minRTT = minRTT ?? smoothedRTT
        self.latestRTT = latestRTT ?? smoothedRTT
        self.congestionWindow = congestionWindow
        self.bytesInFlight = bytesInFlight
        self.pacingBudget = pacingBudget
        self.pacingDelay = pacingDelay
        self.recentLossRate = recentLossRate
        self.consecutivePTOs = consecutivePTOs
        self.cost = cost
        self.label = label
        self.isValidated = isValidated
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.packetsLost = packetsLost
    }
}

extension PathSnapshot {
    /// Congestion window left: `congestionWindow - bytesInFlight`, never negative.
    @inlinable
    public var availableWindow: Int {
        self.congestionWindow > self.bytesInFlight ? self.congestionWindow - self.bytesInFlight : 0
    }

    /// Whether the path may carry ordinary traffic at all (its status, not its window).
    /// draft-ietf-quic-multipath: a path is only used for non-probing packets once validated.
    @inlinable
    public var carriesTraffic: Bool {
        (self.status == .available || self.status == .backup) && self.isValidated
    }

    /// Whether a packet of `size` bytes and class `packetClass` may leave on this path now, ignoring status.
    ///
    /// RFC 9002 §7: "An endpoint MUST NOT send a packet if it would cause bytes_in_flight ... to be larger
    /// than the congestion window, unless the packet is sent on a PTO timer expiration ... or when entering
    /// recovery." and "packets containing only ACK frames do not count toward bytes in flight and are not
    /// congestion controlled." Probes and control (ACK) packets therefore bypass the window and the pacer.
    @inlinable
    public func hasRoom(for size: Int, packetClass: PacketClass) -> Bool {
        if packetClass.bypassesCongestionControl { return true }
        return size <= self.availableWindow && size <= self.pacingBudget
    }

    /// Whether only the pacer keeps `intent` off this path: its status allows traffic and its congestion window
    /// has room, but its pacer holds the packet for ``pacingDelay``.
    @inlinable
    public func isOnlyPaced(for intent: SendIntent) -> Bool {
        self.carriesTraffic && !intent.packetClass.bypassesCongestionControl && intent.size <= self.availableWindow
            && intent.size > self.pacingBudget
    }

    /// Whether the path can carry `intent` right now: its status allows traffic and it has room.
    @inlinable
    public func canSend(_ intent: SendIntent) -> Bool {
        self.carriesTraffic && self.hasRoom(for: intent.size, packetClass: intent.packetClass)
    }

    /// Whether the path can carry a pinned intent: as `canSend`, but a path still being validated accepts
    /// its own probes (RFC 9000 §8.2: PATH_CHALLENGE/PATH_RESPONSE travel on the path being validated).
    @inlinable
    public func canSendPinned(_ intent: SendIntent) -> Bool {
        switch self.status {
        case .abandoned:
            return false
        case .validating:
            return intent.packetClass == .probe
        case .available, .backup:
            guard self.isValidated || intent.packetClass == .probe else { return false }
            return self.hasRoom(for: intent.size, packetClass: intent.packetClass)
        }
    }

    /// Estimated throughput in bytes per second: one congestion window per smoothed RTT.
    @inlinable
    public var estimatedRate: Double {
        let rtt = max(self.smoothedRTT, 1)
        return Double(self.congestionWindow) * 1_000_000_000 / Double(rtt)
    }

    /// Estimated time at which `size` more bytes would reach the peer if queued on this path at `now`:
    /// the wait until the window has room (in-flight data drains one window per RTT) plus one-way delay
    /// (half the smoothed RTT).
    @inlinable
    public func estimatedDelivery(of size: Int, now: UInt64) -> UInt64 {
        let rtt = max(self.smoothedRTT, 1)
        var wait: UInt64 = 0
        if size > self.availableWindow {
            let window = max(self.congestionWindow, 1)
            let excess = Double(self.bytesInFlight) + Double(size) - Double(window)
            wait = UInt64(min(Double(UInt64.max / 4), excess / Double(window) * Double(rtt)))
        }
        let (sum, overflow) = now.addingReportingOverflow(wait + rtt / 2)
        return overflow ? .max : sum
    }
}
