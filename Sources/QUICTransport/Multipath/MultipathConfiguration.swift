import QUICRecovery
import QUICWire

/// Where ACK-only packets for a path's packets go (draft-ietf-quic-multipath-21 §3.1: "PATH_ACK frames can be
/// returned on any path"). Acknowledgments also ride along in any packet that leaves anyway.
public enum AcknowledgmentPath: Sendable, Hashable {
    /// On the usable path with the lowest smoothed RTT: the sender learns soonest.
    case lowestRTT
    /// On the path whose packets are acknowledged: each path's RTT samples stay its own round trip.
    case samePath
}

/// Multipath settings of a connection (draft-ietf-quic-multipath-21, ARCHITECTURE.md §5).
public struct MultipathConfiguration: Sendable {
    /// initial_max_path_id to advertise: the peer may use path IDs 0 through this value.
    public var maxPathID: PathID = 7
    /// The built-in scheduler deciding which path each packet leaves on.
    public var scheduler: SchedulerKind = .minRTT
    /// Settings of the built-in schedulers (backup primary, costAware target rate and budget).
    public var schedulerOptions = SchedulerOptions()
    /// A scheduler of the application's own, made once per connection; it replaces `scheduler`.
    public var customScheduler: (@Sendable () -> any PacketScheduler)?
    /// Where ACK-only packets go.
    public var acknowledgmentPath: AcknowledgmentPath = .lowestRTT
    /// Whether a received DATAGRAM identical to one received within the last second is dropped, so that
    /// datagrams the peer sends redundantly on several paths reach the application once. Off by default: an
    /// application whose datagrams may legitimately repeat (silence frames, keep-alives) would lose them; turn it
    /// on when the peer sends `.redundant` datagrams that carry something unique, such as a sequence number.
    public var deduplicatesDatagrams = false
    /// Connection IDs issued per path ID (at most the peer's active_connection_id_limit).
    public var connectionIDsPerPath = 2
    /// When a path's PTO fires, the data it still has in flight is sent again on the other paths at once
    /// (draft-ietf-quic-multipath-21 §5.7), instead of waiting for the path to recover.
    public var reinjectsOnProbeTimeout = true
    /// Client: the path manager's settings (ARCHITECTURE.md §5): the local addresses to open paths from (the
    /// handshake's address included or not), standby probing, failure detection and re-opening. Nil: the
    /// application opens and abandons paths itself with ``Connection/openPath(localAddress:remoteAddress:status:cost:label:now:)``.
    public var pathManager: PathManagerConfiguration?

    public init() {}

    /// The scheduler instance for a new connection.
    func makeScheduler() -> any PacketScheduler {
        if let customScheduler = self.customScheduler { return customScheduler() }
        return self.scheduler.makeScheduler(options: self.schedulerOptions)
    }
}
