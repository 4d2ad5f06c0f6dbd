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
    /// DATAGRAM frames sent and received.
    public var datagramFramesSent: UInt64
    public var datagramFramesReceived: UInt64
    /// DATAGRAMs dropped before sending: the send queue was full (its oldest went), or one waited longer than
    /// `transport.datagramMaxQueueDelay`.
    public var datagramsDroppedWhenFull: UInt64
    public var datagramsExpired: UInt64
    /// The TLS session was resumed from a ticket.
    public var resumed: Bool
    /// nil when no 0-RTT was attempted.
    public var earlyDataAccepted: Bool?
    /// The server answered the first Initial with a Retry.
    public var retried: Bool
    /// The 1-RTT cipher suite's IANA name, "" before the handshake.
    public var cipherSuite: String
    public var version: QUICVersion
    /// Both sides negotiated Multipath QUIC.
    public var isMultipath: Bool
    /// One entry per path, by path ID (with multipath, abandoned paths too, after the engine dropped their state).
    public var paths: [QUICPathStatistics]

    init(slot: ConnectionSlot, driver: EndpointDriver, now: QUICInstant) {
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
        self.datagramFramesSent = stats.datagramFramesSent
        self.datagramFramesReceived = stats.datagramFramesReceived
        self.datagramsDroppedWhenFull = stats.datagramsDroppedWhenFull
        self.datagramsExpired = stats.datagramsExpired
        self.resumed = connection.isResumedSession
        self.earlyDataAccepted = slot.earlyDataAccepted
        self.retried = connection.retrySourceConnectionID != nil
        self.cipherSuite = connection.negotiatedCipherSuite.map { "\($0)" } ?? ""
        self.version = connection.version
        self.isMultipath = connection.isMultipathNegotiated
        self.paths = QUICPathStatistics.all(of: slot)
    }
}
