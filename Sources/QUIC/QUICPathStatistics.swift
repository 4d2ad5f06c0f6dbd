import QUICRecovery
import QUICTransport
import QUICWire

/// The numbers of one network path of a connection (one path for plain QUIC; with multipath, one per path ID).
public struct QUICPathStatistics: Sendable, Hashable {
    /// The path ID (0: the handshake's path).
    public var id: PathID
    /// The application's name for the path ("wifi", "cellular", ...); "" when none was given.
    public var label: String
    public var fourTuple: FourTuple
    /// `available`, `backup`, `validating` (not yet usable), or `abandoned`.
    public var status: PathStatus
    public var smoothedRTT: Duration
    public var minRTT: Duration
    public var congestionWindow: Int
    public var bytesInFlight: Int
    /// UDP payload bytes sent on the path.
    public var bytesSent: UInt64
    /// Bytes of the QUIC packets received on the path.
    public var bytesReceived: UInt64
    /// Packets sent on the path and declared lost.
    public var packetsLost: UInt64?
    /// The fraction of recently sent packets declared lost, 0...1.
    public var recentLossRate: Double
    /// Probe timeouts in a row without an acknowledgment (RFC 9002 §6.2 `pto_count`).
    public var consecutiveProbeTimeouts: Int
    /// What sending on the path costs.
    public var cost: PathCost

    /// A multipath path, from the engine's snapshot.
    init(_ snapshot: PathSnapshot, fourTuple: FourTuple) {
        self.id = snapshot.pathID
        self.label = snapshot.label
        self.fourTuple = fourTuple
        self.status = snapshot.status
        self.smoothedRTT = .nanoseconds(Int64(clamping: snapshot.smoothedRTT))
        self.minRTT = .nanoseconds(Int64(clamping: snapshot.minRTT))
        self.congestionWindow = snapshot.congestionWindow
        self.bytesInFlight = snapshot.bytesInFlight
        self.bytesSent = snapshot.bytesSent
        self.bytesReceived = snapshot.bytesReceived
        self.packetsLost = snapshot.packetsLost
        self.recentLossRate = snapshot.recentLossRate
        self.consecutiveProbeTimeouts = snapshot.consecutivePTOs
        self.cost = snapshot.cost
    }

    /// The single path of a connection without multipath: the connection's own counters.
    init(singlePathOf connection: Connection) {
        let stats = connection.stats
        let snapshot = connection.pathSnapshot(0)
        self.id = 0
        self.label = snapshot?.label ?? ""
        self.fourTuple = connection.fourTuple
        self.status = .available
        self.smoothedRTT = .nanoseconds(connection.smoothedRTT.nanoseconds)
        self.minRTT = .nanoseconds(Int64(clamping: snapshot?.minRTT ?? 0))
        self.congestionWindow = connection.congestionWindow
        self.bytesInFlight = snapshot?.bytesInFlight ?? 0
        self.bytesSent = stats.bytesSent
        self.bytesReceived = stats.bytesReceived
        self.packetsLost = stats.packetsLost
        self.recentLossRate = snapshot?.recentLossRate ?? 0
        self.consecutiveProbeTimeouts = snapshot?.consecutivePTOs ?? 0
        self.cost = snapshot?.cost ?? .free
    }

    /// Every path of the slot's connection, the abandoned ones the engine dropped included, by path ID.
    static func all(of slot: ConnectionSlot) -> [QUICPathStatistics] {
        let connection = slot.connection
        guard connection.isMultipathNegotiated else { return [QUICPathStatistics(singlePathOf: connection)] }
        var result = connection.pathIDs.sorted().compactMap { id in
            Self.current(id, of: connection)
        }
        for closed in slot.closedPaths where !result.contains(where: { $0.id == closed.id }) {
            result.append(closed)
        }
        return result.sorted { $0.id < $1.id }
    }

    /// One live path's numbers; nil when the engine no longer has it.
    static func current(_ id: PathID, of connection: Connection) -> QUICPathStatistics? {
        guard let snapshot = connection.pathSnapshot(id), let fourTuple = connection.fourTuple(ofPath: id) else {
            return nil
        }
        return QUICPathStatistics(snapshot, fourTuple: fourTuple)
    }
}
