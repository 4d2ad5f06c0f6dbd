import QUICWire

/// Why a multipath request of the application could not be carried out.
public enum MultipathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The peer did not offer multipath (or this endpoint did not), so the connection has one path.
    case notNegotiated
    /// Only clients open paths (draft-ietf-quic-multipath-21 §3).
    case onlyClientsOpenPaths
    /// Paths open once the handshake is confirmed.
    case handshakeNotConfirmed
    /// Every path ID the peer allows is in use or was used; a PATHS_BLOCKED frame tells the peer.
    case noPathIDAvailable(peerMaximum: PathID)
    /// The peer has not issued a connection ID for the next path ID yet; a PATH_CIDS_BLOCKED frame asks.
    case noConnectionIDForPath(PathID)
    /// No path with this ID exists.
    case unknownPath(PathID)
    /// The path was abandoned.
    case pathAbandoned(PathID)
    /// The last usable path cannot be abandoned: close the connection instead.
    case lastPath(PathID)
    /// Only `available` and `backup` can be announced.
    case invalidStatus(PathStatus)

    public var description: String {
        switch self {
        case .notNegotiated: return "multipath was not negotiated on this connection"
        case .onlyClientsOpenPaths: return "only the client opens new paths"
        case .handshakeNotConfirmed: return "new paths open once the handshake is confirmed"
        case .noPathIDAvailable(let maximum): return "the peer allows path IDs up to \(maximum), all used"
        case .noConnectionIDForPath(let path): return "the peer issued no connection ID for path \(path) yet"
        case .unknownPath(let path): return "no path \(path)"
        case .pathAbandoned(let path): return "path \(path) was abandoned"
        case .lastPath(let path): return "path \(path) is the last usable path; close the connection instead"
        case .invalidStatus(let status): return "a path status of \(status) cannot be announced"
        }
    }
}
