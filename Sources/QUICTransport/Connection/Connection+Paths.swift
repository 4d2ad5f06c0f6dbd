import QUICRecovery
import QUICWire

/// A PATH_RESPONSE owed to the peer (RFC 9000 §8.2.2): it goes back on the 4-tuple and, with multipath, the
/// path ID its PATH_CHALLENGE arrived on (draft-ietf-quic-multipath-21 §3.1).
struct PendingPathResponse {
    var data: UInt64
    var fourTuple: FourTuple
    var pathID: PathID
}

extension Connection {
    /// The path being worked on (``pathIndex``).
    var path: PathState {
        get { self.paths[self.pathIndex] }
        _modify { yield &self.paths[self.pathIndex] }
        set { self.paths[self.pathIndex] = newValue }
    }

    /// The index of the path with `id`, if the connection still has it.
    func pathIndex(of id: PathID) -> Int? {
        self.paths.firstIndex { $0.id == id }
    }

    /// Packets received in `space`: Initial and Handshake in the connection's spaces, application data in the
    /// current path's own space.
    subscript(received space: PacketNumberSpace) -> ReceivedPackets {
        get {
            space == .applicationData ? self.paths[self.pathIndex].received : self.spaces[space.rawValue].received
        }
        _modify {
            if space == .applicationData {
                yield &self.paths[self.pathIndex].received
            } else {
                yield &self.spaces[space.rawValue].received
            }
        }
    }

    /// The next packet number in `space` (application data: the current path's).
    subscript(nextPacketNumber space: PacketNumberSpace) -> UInt64 {
        get {
            space == .applicationData
                ? self.paths[self.pathIndex].nextPacketNumber : self.spaces[space.rawValue].nextPacketNumber
        }
        set {
            if space == .applicationData {
                self.paths[self.pathIndex].nextPacketNumber = newValue
            } else {
                self.spaces[space.rawValue].nextPacketNumber = newValue
            }
        }
    }
}
