import QUICWire

/// Produces connection IDs for an endpoint. A load balancer can plug in its own encoding of routing
/// information (``QUICLBConnectionIDGenerator`` writes a QUIC-LB server ID into every ID); the default draws
/// random bytes.
///
/// A connection makes every ID it issues with its copy of the configured generator: the handshake's Source
/// Connection ID, the preferred address's, NEW_CONNECTION_ID and PATH_NEW_CONNECTION_ID.
public protocol ConnectionIDGenerator: Sendable {
    /// The length of every ID this generator makes (RFC 9000 §5.1: 0 to 20 bytes; non-zero for
    /// multipath).
    var length: Int { get }
    /// A new connection ID, unlikely to repeat.
    mutating func generate(using random: inout some RandomNumberGenerator) -> ConnectionID
}

/// Random connection IDs of a fixed length.
public struct RandomConnectionIDGenerator: ConnectionIDGenerator {
    public let length: Int

    public init(length: Int = 8) {
        precondition(length >= 0 && length <= ConnectionID.maxLength, "connection IDs are 0 to 20 bytes")
        self.length = length
    }

    public mutating func generate(using random: inout some RandomNumberGenerator) -> ConnectionID {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.length + 7)
        while bytes.count < self.length {
            withUnsafeBytes(of: random.next()) { bytes.append(contentsOf: $0) }
        }
        bytes.removeLast(bytes.count - self.length)
        return ConnectionID(literal: bytes)
    }
}

/// The connection IDs this endpoint has issued to its peer (RFC 9000 §5.1.1): which are active, which
/// the peer retired, and which NEW_CONNECTION_ID frames still have to be sent.
public struct LocalConnectionIDs: Sendable {
    public struct Entry: Sendable, Hashable {
        public var sequenceNumber: UInt64
        public var connectionID: ConnectionID
        public var resetToken: StatelessResetToken
    }

    /// IDs the peer may use.
    public private(set) var active: [Entry] = []
    /// Sequence numbers still to be announced in NEW_CONNECTION_ID.
    public private(set) var pendingAnnouncements: [UInt64] = []
    /// The Retire Prior To value to put in the next NEW_CONNECTION_ID frames.
    public private(set) var retirePriorTo: UInt64 = 0
    /// The next sequence number to issue.
    public private(set) var nextSequenceNumber: UInt64 = 0

    /// Whether sequence number 0 is announced too (multipath path IDs other than 0 start their own sequence).
    public let firstSequenceIsAnnounced: Bool

    /// - Parameter firstSequenceIsAnnounced: false for the handshake's IDs, whose first one travels in the
    ///   Source Connection ID; true for the IDs of a multipath path ID (draft-ietf-quic-multipath-21 §3.2: "Each
    ///   path ID has its own connection ID sequence number space whose initial value is 0").
    public init(firstSequenceIsAnnounced: Bool = false) {
        self.firstSequenceIsAnnounced = firstSequenceIsAnnounced
    }

    /// Registers an ID. The first one (sequence 0) is the one in the handshake's Source Connection ID
    /// and is not announced; later ones are queued for NEW_CONNECTION_ID.
    @discardableResult
    public mutating func issue(_ connectionID: ConnectionID, resetToken: StatelessResetToken) -> Entry {
        let entry = Entry(sequenceNumber: self.nextSequenceNumber, connectionID: connectionID, resetToken: resetToken)
        self.active.append(entry)
        if entry.sequenceNumber > 0 || self.firstSequenceIsAnnounced {
            self.pendingAnnouncements.append(entry.sequenceNumber)
        }
        self.nextSequenceNumber += 1
        return entry
    }

    /// How many more IDs to issue to reach the peer's active_connection_id_limit.
    public func shortfall(peerLimit: UInt64) -> Int {
        let wanted = min(peerLimit, 8)
        return max(0, Int(wanted) - self.active.count)
    }

    /// The entry for a sequence number still active.
    public func entry(sequenceNumber: UInt64) -> Entry? {
        self.active.first { $0.sequenceNumber == sequenceNumber }
    }

    /// Takes the next announcement to send.
    public mutating func popAnnouncement() -> Entry? {
        while !self.pendingAnnouncements.isEmpty {
            let sequence = self.pendingAnnouncements.removeFirst()
            if let entry = self.entry(sequenceNumber: sequence) { return entry }
        }
        return nil
    }

    /// Puts back an announcement whose frame was lost.
    public mutating func announcementLost(_ sequenceNumber: UInt64) {
        if self.entry(sequenceNumber: sequenceNumber) != nil, !self.pendingAnnouncements.contains(sequenceNumber) {
            self.pendingAnnouncements.append(sequenceNumber)
        }
    }

    /// Applies RETIRE_CONNECTION_ID from the peer and returns the retired ID, so the endpoint stops
    /// routing it.
    ///
    /// RFC 9000 §19.16: "Receipt of a RETIRE_CONNECTION_ID frame containing a sequence number greater
    /// than any previously sent to the peer MUST be treated as a connection error of type
    /// PROTOCOL_VIOLATION. The sequence number specified in a RETIRE_CONNECTION_ID frame MUST NOT refer
    /// to the Destination Connection ID field of the packet in which the frame is contained. The peer
    /// MAY treat this as a connection error of type PROTOCOL_VIOLATION."
    public mutating func retire(sequenceNumber: UInt64,
                                packetDestination: ConnectionID) throws(TransportError) -> ConnectionID? {
        guard sequenceNumber < self.nextSequenceNumber else {
            throw TransportError(.protocolViolation, frameType: 0x19,
                                 reason: "retired sequence number \(sequenceNumber) was never issued")
        }
        guard let index = self.active.firstIndex(where: { $0.sequenceNumber == sequenceNumber }) else {
            return nil  // already retired: a retransmission
        }
        guard self.active[index].connectionID != packetDestination else {
            throw TransportError(.protocolViolation, frameType: 0x19,
                                 reason: "a packet retired the connection ID it was sent to")
        }
        return self.active.remove(at: index).connectionID
    }

    /// Asks the peer to retire every ID below `sequenceNumber` (for example after a key compromise or
    /// to rotate IDs).
    public mutating func requestRetirement(priorTo sequenceNumber: UInt64) {
        self.retirePriorTo = max(self.retirePriorTo, min(sequenceNumber, self.nextSequenceNumber))
    }
}
