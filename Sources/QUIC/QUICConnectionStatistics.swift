import QUICRecovery
import QUICTLS
import QUICTransport
import QUICWire

/// A snapshot of a connection's counters and state.
public struct QUICConnectionStatistics: Sendable, Hashable {
    /// From the first packet to the completed handshake; nil before.
    public var handshakeDuration: Duration?
    /// Time since the connection started.
    public var age: Duration
    public var smoothedRTT: Duration
    public var congestionWindow: Int
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    public var packetsSent: UInt64
    public var packetsReceived: UInt64
    public var packetsLost: UInt64
    public var keyUpdates: UInt64
    /// The TLS session was resumed from a ticket.
    public var resumed: Bool
    /// nil when no 0-RTT was attempted.
    public var earlyDataAccepted: Bool?
    /// The server answered the first Initial with a Retry.
    public var retried: Bool
    /// The 1-RTT cipher suite's IANA name, "" before the handshake.
    public var cipherSuite: String
    public var version: QUICVersion
    public var paths: [QUICPathStatistics]

    init(slot: ConnectionSlot, now: QUICInstant) {
        let connection = slot.connection
        let stats = connection.stats
        self.handshakeDuration = slot.handshakeCompletedAt.map {
            Duration.nanoseconds(($0 - slot.startedAt).nanoseconds)
        }
        self.age = .nanoseconds((now - slot.startedAt).nanoseconds)
        self.smoothedRTT = .nanoseconds(connection.smoothedRTT.nanoseconds)
        self.congestionWindow = connection.congestionWindow
        self.bytesSent = stats.bytesSent
        self.bytesReceived = stats.bytesReceived
        self.packetsSent = stats.packetsSent
        self.packetsReceived = stats.packetsReceived
        self.packetsLost = stats.packetsLost
        self.keyUpdates = stats.keyUpdates
        self.resumed = connection.isResumedSession
        self.earlyDataAccepted = slot.earlyDataAccepted
        self.retried = connection.retrySourceConnectionID != nil
        self.cipherSuite = connection.negotiatedCipherSuite.map { "\($0)" } ?? ""
        self.version = connection.version
        self.paths = [QUICPathStatistics(
            fourTuple: connection.fourTuple, bytesSent: stats.bytesSent, bytesReceived: stats.bytesReceived,
            smoothedRTT: self.smoothedRTT, packetsLost: stats.packetsLost)]
    }
}

/// Per-path numbers (one path until multipath lands).
public struct QUICPathStatistics: Sendable, Hashable {
    public var fourTuple: FourTuple
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    public var smoothedRTT: Duration
    public var packetsLost: UInt64
}
