import QUICWire

/// Stream-count bookkeeping for one direction type (bidirectional or unidirectional) of one connection:
/// which local streams may be opened under the peer's MAX_STREAMS limit, which peer streams exist, and
/// when to raise the limit this endpoint advertises (RFC 9000 §4.6).
public struct StreamCounts: Sendable {
    public let localInitiator: StreamID.Initiator
    public let direction: StreamID.Direction

    /// The peer's limit on streams this endpoint opens (initial_max_streams_* then MAX_STREAMS).
    public private(set) var localLimit: UInt64
    /// How many local streams have been opened.
    public private(set) var localOpened: UInt64 = 0
    private var blockedReportedAt: UInt64?

    /// The limit advertised to the peer.
    public private(set) var remoteLimit: UInt64
    /// How many peer streams exist (opened explicitly or implicitly).
    public private(set) var remoteOpened: UInt64 = 0
    /// How many peer streams have been closed and released.
    public private(set) var remoteClosed: UInt64 = 0
    /// The window of concurrent peer streams to maintain.
    public let remoteWindow: UInt64

    /// RFC 9000 §4.6: stream counts cannot exceed 2^60.
    public static let maximumCount: UInt64 = 1 << 60

    public init(localInitiator: StreamID.Initiator, direction: StreamID.Direction, peerLimit: UInt64,
                localLimit: UInt64) {
        self.localInitiator = localInitiator
        self.direction = direction
        self.localLimit = min(peerLimit, StreamCounts.maximumCount)
        self.remoteLimit = min(localLimit, StreamCounts.maximumCount)
        self.remoteWindow = self.remoteLimit
    }

    private var remoteInitiator: StreamID.Initiator {
        self.localInitiator == .client ? .server : .client
    }

    /// Opens the next local stream, or returns nil when the peer's limit is reached.
    public mutating func openLocal() -> StreamID? {
        guard self.localOpened < self.localLimit,
              let id = StreamID(initiator: self.localInitiator, direction: self.direction, index: self.localOpened)
        else { return nil }
        self.localOpened += 1
        return id
    }

    /// RFC 9000 §19.11: "MAX_STREAMS frames that do not increase the stream limit MUST be ignored."
    public mutating func raiseLocalLimit(to limit: UInt64) {
        self.localLimit = max(self.localLimit, min(limit, StreamCounts.maximumCount))
    }

    /// The limit to report in STREAMS_BLOCKED, once per limit, when the application wants a stream.
    public mutating func blockedReport() -> UInt64? {
        guard self.localOpened >= self.localLimit, self.blockedReportedAt != self.localLimit else { return nil }
        self.blockedReportedAt = self.localLimit
        return self.localLimit
    }

    /// What a frame that names `id` (of this type) means for the stream set.
    public enum RemoteReference: Equatable, Sendable {
        /// A stream this endpoint opened, already open.
        case existingLocal
        /// A peer stream that already existed.
        case existingRemote
        /// Peer streams newly opened by this reference (RFC 9000 §3.2: lower-numbered streams of the same
        /// type are opened implicitly), from the first new index to the last.
        case openedRemote(ClosedRange<UInt64>)
    }

    /// Accounts for a frame from the peer that refers to stream `id` of this type.
    ///
    /// - Throws: STREAM_STATE_ERROR for a local stream not yet opened (RFC 9000 §19.8: "An endpoint MUST
    ///   terminate the connection with error STREAM_STATE_ERROR if it receives a STREAM frame for a locally
    ///   initiated stream that has not yet been created"); STREAM_LIMIT_ERROR for a peer stream beyond the
    ///   advertised limit (RFC 9000 §4.6: "An endpoint that receives a frame with a stream ID exceeding the
    ///   limit it has sent MUST treat this as a connection error of type STREAM_LIMIT_ERROR").
    public mutating func referenceFromPeer(_ id: StreamID) throws(TransportError) -> RemoteReference {
        precondition(id.direction == self.direction, "stream of another type")
        if id.initiator == self.localInitiator {
            guard id.index < self.localOpened else {
                throw TransportError(.streamStateError, reason: "stream \(id) has not been opened")
            }
            return .existingLocal
        }
        guard id.index < self.remoteLimit else {
            throw TransportError(.streamLimitError,
                                 reason: "stream \(id) exceeds the limit of \(self.remoteLimit) streams")
        }
        if id.index < self.remoteOpened {
            return .existingRemote
        }
        let first = self.remoteOpened
        self.remoteOpened = id.index + 1
        return .openedRemote(first...id.index)
    }

    /// A peer stream has been closed and its state released; returns a new limit to advertise in
    /// MAX_STREAMS when half of the window has been used up, else nil.
    public mutating func remoteStreamClosed() -> UInt64? {
        self.remoteClosed += 1
        let target = min(self.remoteClosed + self.remoteWindow, StreamCounts.maximumCount)
        guard target > self.remoteLimit, target - self.remoteLimit >= max(1, self.remoteWindow / 2) else {
            return nil
        }
        self.remoteLimit = target
        return target
    }
}
