/// A PATH_ABANDON frame (draft-ietf-quic-multipath-21 §4.2): the sender abandons a path.
public struct PathAbandonFrame: Hashable, Sendable {
    public var pathID: PathID
    public var errorCode: UInt64

    public init(pathID: PathID, errorCode: UInt64) {
        self.pathID = pathID
        self.errorCode = errorCode
    }
}

/// PATH_STATUS_BACKUP and PATH_STATUS_AVAILABLE (draft-ietf-quic-multipath-21 §4.3): the sender's
/// preference for a path, ordered by a per-path sequence number.
public struct PathStatusFrame: Hashable, Sendable {
    public var pathID: PathID
    public var sequenceNumber: UInt64

    public init(pathID: PathID, sequenceNumber: UInt64) {
        self.pathID = pathID
        self.sequenceNumber = sequenceNumber
    }
}

/// A PATH_CIDS_BLOCKED frame (draft-ietf-quic-multipath-21 §4.8): the sender has no unused connection
/// ID for a path.
public struct PathCIDsBlockedFrame: Hashable, Sendable {
    public var pathID: PathID
    public var nextSequenceNumber: UInt64

    public init(pathID: PathID, nextSequenceNumber: UInt64) {
        self.pathID = pathID
        self.nextSequenceNumber = nextSequenceNumber
    }
}

/// An ACK_FREQUENCY frame (draft-ietf-quic-ack-frequency §4): asks the peer to change how often it
/// acknowledges.
public struct AckFrequencyFrame: Hashable, Sendable {
    /// Frames with a sequence number not above the largest seen are ignored.
    public var sequenceNumber: UInt64
    /// Ack-eliciting packets the peer may receive before it must send an ACK.
    public var ackElicitingThreshold: UInt64
    /// The max_ack_delay to use, in microseconds.
    public var requestedMaxAckDelay: UInt64
    /// Out-of-order packets to tolerate before an immediate ACK (0: never for reordering alone).
    public var reorderingThreshold: UInt64

    public init(sequenceNumber: UInt64, ackElicitingThreshold: UInt64, requestedMaxAckDelay: UInt64,
                reorderingThreshold: UInt64) {
        self.sequenceNumber = sequenceNumber
        self.ackElicitingThreshold = ackElicitingThreshold
        self.requestedMaxAckDelay = requestedMaxAckDelay
        self.reorderingThreshold = reorderingThreshold
    }
}

/// MAX_PATH_ID (draft-ietf-quic-multipath-21 §4.7): "This value MUST NOT exceed 2^32-1 [...] Receipt of
/// an invalid Maximum Path Identifier value MUST be treated as a connection error of type
/// PROTOCOL_VIOLATION." PATHS_BLOCKED carries the same kind of value.
extension ByteReader {
    @inlinable
    mutating func readMaximumPathID() throws(WireError) -> PathID {
        let value = try self.readVarInt()
        guard value <= UInt64(UInt32.max) else {
            throw WireError(.outOfRange, code: .protocolViolation, reason: "maximum path ID \(value) exceeds 2^32-1")
        }
        return PathID(value)
    }
}
