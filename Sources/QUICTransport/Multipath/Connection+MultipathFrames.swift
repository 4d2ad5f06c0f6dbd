import QUICRecovery
import QUICWire

/// Receiving and sending the frames of draft-ietf-quic-multipath-21 §4.
extension Connection {
    /// §4: "Receipt of multipath-specific frames that use a path ID that is greater than the announced Maximum
    /// Paths value [...] MUST be treated as a connection error of type PROTOCOL_VIOLATION. If an endpoint
    /// receives a multipath-specific frame with a path ID that it cannot process anymore (e.g., because the path
    /// might have been abandoned), it MUST silently ignore the frame."
    private func checkPathID(_ pathID: PathID, frameType: UInt64) throws(TransportError) {
        guard pathID <= self.multipath.localMaxPathID else {
            throw TransportError(.protocolViolation, frameType: frameType,
                                 reason: "path ID \(pathID) above the maximum \(self.multipath.localMaxPathID)")
        }
    }

    /// Acts on a multipath frame of a 1-RTT packet (negotiation was checked by the caller).
    func processMultipathFrame(_ frame: Frame, now: QUICInstant) throws(TransportError) {
        switch frame {
        case .pathAck(let pathAck):
            try self.checkPathID(pathAck.pathID, frameType: frame.frameType)
            // §3.4.3: "PATH_ACK frames received with an abandoned path ID are silently ignored".
            guard let index = self.pathIndex(of: pathAck.pathID), !self.paths[index].multipath.isAbandoned else {
                return
            }
            try self.onAck(pathAck.ack, level: .oneRTT, pathAt: index, frameType: frame.frameType, now: now)
        case .pathAbandon(let abandon):
            try self.checkPathID(abandon.pathID, frameType: frame.frameType)
            self.onPeerPathAbandon(abandon, now: now)
        case .pathStatusBackup(let status):
            try self.checkPathID(status.pathID, frameType: frame.frameType)
            self.onPeerPathStatus(status, status: .backup)
        case .pathStatusAvailable(let status):
            try self.checkPathID(status.pathID, frameType: frame.frameType)
            self.onPeerPathStatus(status, status: .available)
        case .maxPathID(let maximum):
            // §4.7: "The Maximum Path Identifier value MUST NOT be lower than the value advertised in the
            // initial_max_path_id transport parameter." "MAX_PATH_ID frames that do not increase the path limit
            // MUST be ignored."
            guard maximum >= self.multipath.peerInitialMaxPathID else {
                throw TransportError(.protocolViolation, frameType: frame.frameType,
                                     reason: "MAX_PATH_ID \(maximum) below initial_max_path_id")
            }
            if maximum > self.multipath.peerMaxPathID {
                self.multipath.peerMaxPathID = maximum
                self.issuePathConnectionIDs()
            }
        case .pathsBlocked(let maximum):
            // §4.8: "Receipt of a value of Maximum Path Identifier or Path Identifier that is higher than the local
            // maximum value MUST be treated as a connection error of type PROTOCOL_VIOLATION."
            try self.checkPathID(maximum, frameType: frame.frameType)
        case .pathCIDsBlocked(let blocked):
            try self.checkPathID(blocked.pathID, frameType: frame.frameType)
            let next = blocked.pathID == 0
                ? self.localCIDs.nextSequenceNumber : (self.multipath.localPathCIDs[blocked.pathID]?.nextSequenceNumber ?? 0)
            // §4.8: "Receipt of a value of Next Sequence Number that is higher than the sequence number of the next
            // expected to be issued connection ID for this path MUST be treated as a connection error of type
            // PROTOCOL_VIOLATION."
            guard blocked.nextSequenceNumber <= next else {
                throw TransportError(.protocolViolation, frameType: frame.frameType,
                                     reason: "PATH_CIDS_BLOCKED expects sequence \(blocked.nextSequenceNumber), next is \(next)")
            }
            self.issuePathConnectionIDs()
        default:
            break
        }
    }

    /// §3.4: "When an endpoint receives a PATH_ABANDON frame, it MUST send a corresponding PATH_ABANDON frame, if
    /// it has not already done so". A path ID never used is consumed, so it is not opened later.
    private func onPeerPathAbandon(_ frame: PathAbandonFrame, now: QUICInstant) {
        guard let index = self.pathIndex(of: frame.pathID) else {
            self.multipath.usedPathIDs.insert(frame.pathID)
            self.multipath.peerPathCIDs[frame.pathID] = nil
            return
        }
        if self.paths[index].multipath.isAbandoned {
            self.paths[index].multipath.abandonPending = false
            return
        }
        self.abandon(pathAt: index, errorCode: frame.errorCode, byPeer: true, now: now)
    }

    /// §4.3: "A peer MUST ignore an incoming PATH_STATUS_AVAILABLE or PATH_STATUS_BACKUP frame if it previously
    /// received another PATH_STATUS_BACKUP frame or PATH_STATUS_AVAILABLE frame for the same path ID with a Path
    /// Status sequence number equal to or higher than the Path Status sequence number of the incoming frame."
    private func onPeerPathStatus(_ frame: PathStatusFrame, status: PathStatus) {
        guard let index = self.pathIndex(of: frame.pathID), !self.paths[index].multipath.isAbandoned else { return }
        if let previous = self.paths[index].multipath.peerStatusSequence, frame.sequenceNumber <= previous { return }
        self.paths[index].multipath.peerStatusSequence = frame.sequenceNumber
        guard self.paths[index].multipath.peerStatus != status else { return }
        self.paths[index].multipath.peerStatus = status
        self.emit(.peerPathStatus(frame.pathID, status))
    }

    /// PATH_NEW_CONNECTION_ID for a path ID other than 0 (§4.5); the Retire Prior To rule applies per path.
    /// §3.2.1: "Endpoints MUST NOT issue new connection IDs with path IDs greater than the Maximum Path
    /// Identifier field [...] Receipt of a frame with a greater path ID is a connection error".
    func onPathNewConnectionID(_ frame: NewConnectionIDFrame, pathID: PathID) throws(TransportError) {
        try self.checkPathID(pathID, frameType: 0x3e78)
        if let index = self.pathIndex(of: pathID), self.paths[index].multipath.isAbandoned { return }
        if self.multipath.usedPathIDs.contains(pathID), self.pathIndex(of: pathID) == nil { return }
        // RFC 9000 §5.1: a connection ID is unique within the connection, whatever its path ID.
        if self.peerCIDs.active.contains(where: { $0.connectionID == frame.connectionID }) {
            throw TransportError(.protocolViolation, frameType: 0x3e78, reason: "connection ID issued for two paths")
        }
        for (otherPath, issued) in self.multipath.peerPathCIDs where otherPath != pathID {
            if issued.active.contains(where: { $0.connectionID == frame.connectionID }) {
                throw TransportError(.protocolViolation, frameType: 0x3e78, reason: "connection ID issued for two paths")
            }
        }
        var issued = self.multipath.peerPathCIDs[pathID]
            ?? PeerConnectionIDs(limit: Int(self.configuration.activeConnectionIDLimit))
        do {
            try issued.receiveNew(sequenceNumber: frame.sequenceNumber, retirePriorTo: frame.retirePriorTo,
                                  connectionID: frame.connectionID, resetToken: frame.statelessResetToken)
            self.endpointEvents.append(.peerResetTokenLearned(frame.statelessResetToken))
        } catch {
            var error = error
            error.frameType = 0x3e78
            throw error
        }
        self.multipath.peerPathCIDs[pathID] = issued
        self.startPathManager(now: QUICInstant(nanosecondsSinceOrigin: self.lastNow))
        if let index = self.pathIndex(of: pathID),
           !issued.active.contains(where: { $0.sequenceNumber == self.paths[index].peerCIDSequence }),
           let next = issued.active.first {
            self.paths[index].peerCIDSequence = next.sequenceNumber
        }
    }

    /// PATH_RETIRE_CONNECTION_ID for a path ID other than 0 (§4.6); a replacement is issued while the path is
    /// open.
    func onPathRetireConnectionID(_ frame: RetireConnectionIDFrame, pathID: PathID,
                                  destination: ConnectionID) throws(TransportError) {
        try self.checkPathID(pathID, frameType: 0x3e79)
        guard var issued = self.multipath.localPathCIDs[pathID] else { return }
        let retired: ConnectionID?
        do {
            retired = try issued.retire(sequenceNumber: frame.sequenceNumber, packetDestination: destination)
        } catch {
            var error = error
            error.frameType = 0x3e79
            throw error
        }
        self.multipath.localPathCIDs[pathID] = issued
        if let retired {
            self.endpointEvents.append(.connectionIDRetired(retired))
            self.issuePathConnectionIDs()
        }
    }

    // MARK: - Sending

    /// Whether a multipath control frame waits to be sent.
    var hasMultipathControlFrames: Bool {
        guard self.multipath.isNegotiated else { return false }
        if self.multipath.maxPathIDPending || self.multipath.pathsBlockedPending != nil
            || !self.multipath.pathCIDsBlockedPending.isEmpty {
            return true
        }
        if self.paths.contains(where: { $0.multipath.abandonPending || $0.multipath.statusPending }) { return true }
        if self.multipath.localPathCIDs.values.contains(where: { !$0.pendingAnnouncements.isEmpty }) { return true }
        return self.multipath.peerPathCIDs.values.contains { !$0.pendingRetirements.isEmpty }
    }

    /// Writes the multipath control frames that fit; each lost one comes back through `onLost`.
    func writeMultipathControlFrames(into writer: inout ByteWriter, limit: Int, frames: inout [SentFrame]) {
        guard self.multipath.isNegotiated else { return }
        for index in self.paths.indices where self.paths[index].multipath.abandonPending {
            let frame = Frame.pathAbandon(PathAbandonFrame(pathID: self.paths[index].id,
                                                           errorCode: self.paths[index].multipath.abandonErrorCode))
            guard frame.encodedLength <= limit - writer.count else { return }
            frame.encode(to: &writer)
            frames.append(.pathAbandon(self.paths[index].id))
            self.paths[index].multipath.abandonPending = false
        }
        for index in self.paths.indices where self.paths[index].multipath.statusPending
            && !self.paths[index].multipath.isAbandoned {
            let sequence = self.paths[index].multipath.nextStatusSequence
            let status = PathStatusFrame(pathID: self.paths[index].id, sequenceNumber: sequence)
            let frame: Frame = self.paths[index].multipath.localStatus == .backup
                ? .pathStatusBackup(status) : .pathStatusAvailable(status)
            guard frame.encodedLength <= limit - writer.count else { return }
            frame.encode(to: &writer)
            frames.append(.pathStatus(self.paths[index].id, sequenceNumber: sequence))
            self.paths[index].multipath.statusPending = false
            self.paths[index].multipath.lastStatusSequenceSent = sequence
            self.paths[index].multipath.nextStatusSequence += 1
        }
        if self.multipath.maxPathIDPending {
            let frame = Frame.maxPathID(self.multipath.localMaxPathID)
            guard frame.encodedLength <= limit - writer.count else { return }
            frame.encode(to: &writer)
            frames.append(.maxPathID(self.multipath.localMaxPathID))
            self.multipath.maxPathIDPending = false
        }
        if let blocked = self.multipath.pathsBlockedPending {
            let frame = Frame.pathsBlocked(blocked)
            guard frame.encodedLength <= limit - writer.count else { return }
            frame.encode(to: &writer)
            frames.append(.other)
            self.multipath.pathsBlockedPending = nil
        }
        while let blocked = self.multipath.pathCIDsBlockedPending.first {
            let frame = Frame.pathCIDsBlocked(blocked)
            guard frame.encodedLength <= limit - writer.count else { return }
            frame.encode(to: &writer)
            frames.append(.other)
            self.multipath.pathCIDsBlockedPending.removeFirst()
        }
        for pathID in self.multipath.localPathCIDs.keys.sorted() {
            while let entry = self.multipath.localPathCIDs[pathID]?.popAnnouncement() {
                let retirePriorTo = self.multipath.localPathCIDs[pathID]?.retirePriorTo ?? 0
                let frame = Frame.newConnectionID(NewConnectionIDFrame(
                    pathID: pathID, sequenceNumber: entry.sequenceNumber, retirePriorTo: retirePriorTo,
                    connectionID: entry.connectionID, statelessResetToken: entry.resetToken))
                guard frame.encodedLength <= limit - writer.count else {
                    self.multipath.localPathCIDs[pathID]?.announcementLost(entry.sequenceNumber)
                    return
                }
                frame.encode(to: &writer)
                frames.append(.newConnectionID(pathID: pathID, sequenceNumber: entry.sequenceNumber))
            }
        }
        for pathID in self.multipath.peerPathCIDs.keys.sorted() {
            while let sequenceNumber = self.multipath.peerPathCIDs[pathID]?.popRetirement() {
                let frame = Frame.retireConnectionID(RetireConnectionIDFrame(pathID: pathID,
                                                                             sequenceNumber: sequenceNumber))
                guard frame.encodedLength <= limit - writer.count else {
                    self.multipath.peerPathCIDs[pathID]?.retirementLost(sequenceNumber)
                    return
                }
                frame.encode(to: &writer)
                frames.append(.retireConnectionID(pathID: pathID, sequenceNumber: sequenceNumber))
            }
        }
    }

    /// §4.2: "If a packet containing a PATH_ABANDON frame is considered lost, the peer SHOULD repeat it."
    func onPathAbandonLost(_ pathID: PathID) {
        guard let index = self.pathIndex(of: pathID), self.paths[index].multipath.discardAt != nil else { return }
        self.paths[index].multipath.abandonPending = true
    }

    /// §4.3: a lost PATH_STATUS frame is sent again "only if it contains the last status sent for that path".
    func onPathStatusLost(_ pathID: PathID, sequenceNumber: UInt64) {
        guard let index = self.pathIndex(of: pathID),
              self.paths[index].multipath.lastStatusSequenceSent == sequenceNumber else { return }
        self.paths[index].multipath.statusPending = true
    }
}
