import QUICRecovery
import QUICWire

/// The connection-wide multipath state (draft-ietf-quic-multipath-21): whether both sides negotiated it, the
/// path ID limits in both directions, the connection IDs of paths other than 0, the scheduler, and the
/// multipath control frames waiting to be sent.
struct MultipathConnectionState {
    /// The settings, nil when this endpoint does not offer multipath.
    let configuration: MultipathConfiguration?
    /// Coupled congestion controllers (LIA, OLIA) of all paths share it.
    let congestionGroup: CoupledPathGroup
    /// Set once both transport parameters carried initial_max_path_id (and both sides use connection IDs).
    var isNegotiated = false
    /// The largest path ID the peer may use (initial_max_path_id, raised by MAX_PATH_ID).
    var localMaxPathID: PathID
    /// The largest path ID this endpoint may use (the peer's initial_max_path_id and MAX_PATH_ID frames).
    var peerMaxPathID: PathID = 0
    /// The peer's initial_max_path_id; §4.7: a MAX_PATH_ID below it is a PROTOCOL_VIOLATION.
    var peerInitialMaxPathID: PathID = 0
    /// Connection IDs this endpoint issued for path IDs above 0 (path 0 uses the connection's `localCIDs`).
    var localPathCIDs: [PathID: LocalConnectionIDs] = [:]
    /// Connection IDs the peer issued for path IDs above 0.
    var peerPathCIDs: [PathID: PeerConnectionIDs] = [:]
    /// Path IDs that were ever used; §3.4: "the path ID MUST NOT be reused for new paths".
    var usedPathIDs: Set<PathID> = [0]
    var scheduler: any PacketScheduler
    /// The client's path manager, once started (``MultipathConfiguration/pathManager``).
    var pathManager: PathManager?
    /// Whether a MAX_PATH_ID frame with `localMaxPathID` waits to be sent.
    var maxPathIDPending = false
    /// A PATHS_BLOCKED frame to send, with the peer's limit that blocked us.
    var pathsBlockedPending: PathID?
    /// PATH_CIDS_BLOCKED frames to send (path ID, next expected sequence number).
    var pathCIDsBlockedPending: [PathCIDsBlockedFrame] = []
    /// Storage reused for the scheduler's path snapshots.
    var snapshotScratch: [PathSnapshot] = []
    /// Where the next search for a path with path-bound work starts, so that no path starves the others.
    var nextPathCursor = 0
    /// The paths of the last redundant scheduling decision, which copies of redundant data go to.
    var redundantTargets = PathSelection()
    /// Copies of redundant DATAGRAMs and STREAM frames waiting for their path.
    var redundantDatagrams: [(pathID: PathID, bytes: [UInt8])] = []
    var redundantStreamFrames: [(pathID: PathID, record: StreamFrameRecord)] = []
    /// Recently received DATAGRAM payload hashes with their arrival time, for de-duplication.
    var recentDatagrams: [(hash: Int, time: UInt64)] = []

    init(configuration: MultipathConfiguration?, congestionGroup: CoupledPathGroup) {
        self.configuration = configuration
        self.congestionGroup = congestionGroup
        self.localMaxPathID = configuration?.maxPathID ?? 0
        self.scheduler = configuration?.makeScheduler() ?? MinRTTScheduler()
    }

    /// The largest path ID both sides allow.
    var commonMaxPathID: PathID { min(self.localMaxPathID, self.peerMaxPathID) }
}
