import QUICWire

/// The connection IDs the peer has issued to this endpoint (RFC 9000 §5.1), which this endpoint uses
/// as destination connection IDs: received through NEW_CONNECTION_ID, retired through
/// RETIRE_CONNECTION_ID, bounded by the active_connection_id_limit this endpoint advertised.
public struct PeerConnectionIDs: Sendable {
    /// One connection ID with its sequence number and stateless reset token.
    public struct Entry: Sendable, Hashable {
        public var sequenceNumber: UInt64
        public var connectionID: ConnectionID
        public var resetToken: StatelessResetToken?
    }

    /// The IDs that may be used, by sequence number order.
    public private(set) var active: [Entry] = []
    /// Sequence numbers that must be announced in RETIRE_CONNECTION_ID frames.
    public private(set) var pendingRetirements: [UInt64] = []
    /// Everything below this has been retired (the largest Retire Prior To seen).
    public private(set) var retirePriorTo: UInt64 = 0
    /// The limit this endpoint advertised (active_connection_id_limit).
    public let limit: Int

    /// Starts with the connection ID from the peer's first packet (sequence number 0).
    public init(initial: ConnectionID, resetToken: StatelessResetToken? = nil, limit: Int) {
        self.active = [Entry(sequenceNumber: 0, connectionID: initial, resetToken: resetToken)]
        self.limit = max(2, limit)
    }

    /// Starts empty: the connection IDs of a multipath path ID arrive in PATH_NEW_CONNECTION_ID frames.
    public init(limit: Int) {
        self.limit = max(2, limit)
    }

    /// The sequence number the peer is expected to issue next (one above the largest seen), for
    /// PATH_CIDS_BLOCKED.
    public var nextExpectedSequence: UInt64 {
        let largestActive = self.active.last.map { $0.sequenceNumber + 1 } ?? 0
        return max(largestActive, self.retirePriorTo)
    }

    /// Sets the stateless reset token of sequence number 0, which arrives in the server's transport
    /// parameters.
    public mutating func setInitialResetToken(_ token: StatelessResetToken) {
        if let index = self.active.firstIndex(where: { $0.sequenceNumber == 0 }) {
            self.active[index].resetToken = token
        }
    }

    /// Applies a NEW_CONNECTION_ID frame.
    ///
    /// RFC 9000 §19.15: "Receiving a value in the Retire Prior To field that is greater than that in the
    /// Sequence Number field MUST be treated as a connection error of type FRAME_ENCODING_ERROR." "If an
    /// endpoint receives a NEW_CONNECTION_ID frame that repeats a previously issued connection ID with a
    /// different Stateless Reset Token field value or a different Sequence Number field value, or if a
    /// sequence number is used for different connection IDs, the endpoint MAY treat that receipt as a
    /// connection error of type PROTOCOL_VIOLATION." "Upon receipt of an increased Retire Prior To field,
    /// the peer MUST stop using the corresponding connection IDs and retire them with
    /// RETIRE_CONNECTION_ID frames". §5.1.1: "After processing a NEW_CONNECTION_ID frame and adding and
    /// retiring active connection IDs, if the number of active connection IDs exceeds the value
    /// advertised in its active_connection_id_limit transport parameter, an endpoint MUST close the
    /// connection with an error of type CONNECTION_ID_LIMIT_ERROR."
    public mutating func receiveNew(sequenceNumber: UInt64, retirePriorTo newRetirePriorTo: UInt64,
                                    connectionID: ConnectionID,
                                    resetToken: StatelessResetToken) throws(TransportError) {
        guard newRetirePriorTo <= sequenceNumber else {
            throw TransportError(.frameEncodingError, frameType: 0x18, reason: "Retire Prior To exceeds the sequence number")
        }
        for entry in self.active {
            if entry.sequenceNumber == sequenceNumber {
                guard entry.connectionID == connectionID, entry.resetToken == resetToken else {
                    throw TransportError(.protocolViolation, frameType: 0x18,
                                         reason: "sequence number \(sequenceNumber) reused for another connection ID")
                }
            } else if entry.connectionID == connectionID {
                throw TransportError(.protocolViolation, frameType: 0x18,
                                     reason: "connection ID repeated with sequence number \(sequenceNumber)")
            }
        }
        if sequenceNumber < self.retirePriorTo {
            // RFC 9000 §19.15: "An endpoint that receives a NEW_CONNECTION_ID frame with a sequence number
            // smaller than the Retire Prior To field of a previously received NEW_CONNECTION_ID frame MUST
            // send a corresponding RETIRE_CONNECTION_ID frame [...] unless it has already done so".
            if !self.pendingRetirements.contains(sequenceNumber) {
                self.pendingRetirements.append(sequenceNumber)
            }
            return
        }
        if !self.active.contains(where: { $0.sequenceNumber == sequenceNumber }) {
            let entry = Entry(sequenceNumber: sequenceNumber, connectionID: connectionID, resetToken: resetToken)
            let position = self.active.firstIndex { $0.sequenceNumber > sequenceNumber } ?? self.active.count
            self.active.insert(entry, at: position)
        }
        if newRetirePriorTo > self.retirePriorTo {
            self.retirePriorTo = newRetirePriorTo
            let retired = self.active.filter { $0.sequenceNumber < newRetirePriorTo }
            self.active.removeAll { $0.sequenceNumber < newRetirePriorTo }
            self.pendingRetirements.append(contentsOf: retired.map(\.sequenceNumber))
        }
        guard self.active.count <= self.limit else {
            throw TransportError(.connectionIDLimitError, frameType: 0x18,
                                 reason: "\(self.active.count) active connection IDs exceed the limit of \(self.limit)")
        }
    }

    /// An unused connection ID for a new path or a migration, if the peer has provided one.
    public func unused(excluding inUse: Set<UInt64>) -> Entry? {
        self.active.first { !inUse.contains($0.sequenceNumber) }
    }

    /// Stops using a connection ID (after a migration, or when a path closes) and queues its retirement.
    public mutating func retire(sequenceNumber: UInt64) {
        guard let index = self.active.firstIndex(where: { $0.sequenceNumber == sequenceNumber }) else { return }
        self.active.remove(at: index)
        self.pendingRetirements.append(sequenceNumber)
    }

    /// Takes the next sequence number to announce in RETIRE_CONNECTION_ID.
    public mutating func popRetirement() -> UInt64? {
        self.pendingRetirements.isEmpty ? nil : self.pendingRetirements.removeFirst()
    }

    /// Puts back a retirement whose frame was lost.
    public mutating func retirementLost(_ sequenceNumber: UInt64) {
        if !self.pendingRetirements.contains(sequenceNumber) {
            self.pendingRetirements.append(sequenceNumber)
        }
    }

    /// Whether `token` is the stateless reset token of an active connection ID (RFC 9000 §10.3.1).
    public func isResetToken(_ token: StatelessResetToken) -> Bool {
        self.active.contains { $0.resetToken == token }
    }
}
