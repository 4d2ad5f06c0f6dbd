/// One configured local interface or address the path manager may open paths from.
///
/// ARCHITECTURE.md §5: per path the application may give a cost and a label ("wifi", "cellular", "dsl",
/// "lte", "satellite"). A backup endpoint is opened and kept warm as a standby
/// (draft-ietf-quic-multipath-21 §3.3: a path marked backup carries traffic only when no available path can),
/// so that traffic can move to it without a handshake or a validation round trip when the others fail.
public struct LocalPathEndpoint: Sendable, Hashable {
    /// The local IP address and UDP port the path's packets leave from.
    public var address: NetworkAddress
    /// A human-readable name for logs, statistics and events.
    public var label: String
    /// What sending on this interface costs.
    public var cost: PathCost
    /// Whether paths from this endpoint are standbys (PATH_STATUS_BACKUP) rather than available paths.
    public var isBackup: Bool

    public init(address: NetworkAddress, label: String = "", cost: PathCost = .free, isBackup: Bool = false) {
        self.address = address
        self.label = label
        self.cost = cost
        self.isBackup = isBackup
    }
}
