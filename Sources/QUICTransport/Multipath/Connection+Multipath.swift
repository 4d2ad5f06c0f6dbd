import QUICRecovery
import QUICWire

/// Multipath QUIC (draft-ietf-quic-multipath-21): negotiation, opening, abandoning and announcing paths, and
/// the connection IDs of each path ID.
extension Connection {
    /// Whether both endpoints negotiated multipath.
    public var isMultipathNegotiated: Bool { self.multipath.isNegotiated }

    /// The IDs of the paths the connection has (abandoned ones until their state is dropped), in opening order.
    public var pathIDs: [PathID] { self.paths.map(\.id) }

    /// The scheduler's view of a path, with its counters; nil for an unknown path.
    public func pathSnapshot(_ id: PathID) -> PathSnapshot? {
        self.pathIndex(of: id).map { self.snapshot(ofPathAt: $0) }
    }

    /// The 4-tuple a path uses.
    public func fourTuple(ofPath id: PathID) -> FourTuple? {
        self.pathIndex(of: id).map { self.paths[$0].fourTuple }
    }

    // MARK: - Negotiation

    /// draft-ietf-quic-multipath-21 §2.1: multipath is used when both endpoints send initial_max_path_id.
    /// "If an initial_max_path_id transport parameter is received and the carrying packet contains a
    /// zero-length connection ID, the receiver MUST treat this as a connection error of type
    /// PROTOCOL_VIOLATION".
    func negotiateMultipath(_ parameters: TransportParameters) throws(TransportError) {
        guard let peerMaximum = parameters.initialMaxPathID else { return }
        let peerSource = self.peerInitialSourceConnectionID ?? ConnectionID()
        guard peerSource.length > 0 else {
            throw TransportError(.protocolViolation, reason: "initial_max_path_id with a zero-length connection ID")
        }
        guard self.localParameters.initialMaxPathID != nil else { return }
        self.multipath.isNegotiated = true
        self.multipath.peerMaxPathID = peerMaximum
        self.multipath.peerInitialMaxPathID = peerMaximum
    }

    /// Announces the negotiation once the handshake completes and issues connection IDs for the path IDs both
    /// sides allow (§3.2.1: "it is RECOMMENDED to proactively issue at least one Connection ID for each unused
    /// path ID up to the minimum of the peer's and the local maximum path ID limits").
    func onMultipathHandshakeComplete() {
        guard self.multipath.isNegotiated else { return }
        self.emit(.multipathNegotiated(maxPathID: self.multipath.commonMaxPathID))
        self.issuePathConnectionIDs()
    }

    /// Issues connection IDs for every unused or open path ID up to the common limit.
    func issuePathConnectionIDs() {
        guard self.multipath.isNegotiated, self.isHandshakeComplete, self.localConnectionIDLength > 0 else { return }
        let wanted = max(1, min(self.multipath.configuration?.connectionIDsPerPath ?? 2,
                                Int(min(self.peerParameters?.activeConnectionIDLimit ?? 2, 8))))
        let maximum = self.multipath.commonMaxPathID
        guard maximum >= 1 else { return }
        for pathID in 1...maximum {
            if let index = self.pathIndex(of: pathID), self.paths[index].multipath.isAbandoned { continue }
            if self.multipath.usedPathIDs.contains(pathID), self.pathIndex(of: pathID) == nil { continue }
            self.issueConnectionIDs(forPath: pathID, upTo: wanted)
        }
    }

    private func issueConnectionIDs(forPath pathID: PathID, upTo wanted: Int) {
        var issued = self.multipath.localPathCIDs[pathID] ?? LocalConnectionIDs(firstSequenceIsAnnounced: true)
        while issued.active.count < wanted {
            let cid = self.connectionIDGenerator.generate(using: &self.random)
            let token = self.resetKey?.token(for: cid) ?? StatelessResetToken(random: &self.random)
            issued.issue(cid, resetToken: token)
            self.endpointEvents.append(.connectionIDIssued(cid))
        }
        self.multipath.localPathCIDs[pathID] = issued
    }

    /// The path ID a connection ID this endpoint issued belongs to.
    func pathID(ofLocalConnectionID cid: ConnectionID) -> PathID? {
        if self.localCIDs.active.contains(where: { $0.connectionID == cid }) { return 0 }
        for (pathID, issued) in self.multipath.localPathCIDs where issued.active.contains(where: { $0.connectionID == cid }) {
            return pathID
        }
        return nil
    }

    // MARK: - Opening paths

    /// Client: opens a new path from `localAddress` (to the server's current address unless `remoteAddress` is
    /// given) with the lowest path ID both sides can use, and validates it with PATH_CHALLENGE
    /// (draft-ietf-quic-multipath-21 §3.1). The path carries data once ``ConnectionEvent/pathAvailable(_:_:)``
    /// is reported. A `backup` path is announced with PATH_STATUS_BACKUP and used only when no available path
    /// can send.
    @discardableResult
    public func openPath(localAddress: NetworkAddress, remoteAddress: NetworkAddress? = nil,
                         status: PathStatus = .available, cost: PathCost = .free, label: String = "",
                         now: QUICInstant) throws(MultipathError) -> PathID {
        guard self.multipath.isNegotiated else { throw .notNegotiated }
        guard self.role == .client else { throw .onlyClientsOpenPaths }
        guard self.isHandshakeConfirmed, self.closeState.isOpen else { throw .handshakeNotConfirmed }
        guard status == .available || status == .backup else { throw .invalidStatus(status) }
        let pathID = try self.nextUsablePathID()
        guard let peerIDs = self.multipath.peerPathCIDs[pathID], let entry = peerIDs.active.first else {
            if !self.multipath.pathCIDsBlockedPending.contains(where: { $0.pathID == pathID }) {
                self.multipath.pathCIDsBlockedPending.append(PathCIDsBlockedFrame(
                    pathID: pathID, nextSequenceNumber: self.multipath.peerPathCIDs[pathID]?.nextExpectedSequence ?? 0))
            }
            throw .noConnectionIDForPath(pathID)
        }
        let remote = remoteAddress ?? self.paths[self.primaryPathIndex].fourTuple.remote
        var path = PathState(id: pathID, fourTuple: FourTuple(local: localAddress, remote: remote), validated: true,
                             maximumDatagramSize: self.configuration.maxUDPPayloadSize,
                             maxAckDelay: UInt64(self.configuration.maxAckDelay.nanoseconds),
                             recovery: Connection.makeRecovery(self.configuration, group: self.multipath.congestionGroup))
        path.peerCIDSequence = entry.sequenceNumber
        self.configureNewPath(&path, status: status, cost: cost, label: label, now: now)
        self.multipath.usedPathIDs.insert(pathID)
        self.paths.append(path)
        self.logPathEvent("path_opened", pathID: pathID, now: now)
        return pathID
    }

    /// The smallest path ID not used yet that both limits allow and this endpoint issued connection IDs for.
    private func nextUsablePathID() throws(MultipathError) -> PathID {
        let maximum = self.multipath.commonMaxPathID
        if maximum >= 1 {
            for pathID in 1...maximum where !self.multipath.usedPathIDs.contains(pathID) {
                return pathID
            }
        }
        if self.multipath.peerMaxPathID <= self.multipath.localMaxPathID {
            // §3.2.1: "it SHOULD [...] send [...] a PATHS_BLOCKED frame".
            self.multipath.pathsBlockedPending = self.multipath.peerMaxPathID
        }
        throw .noPathIDAvailable(peerMaximum: self.multipath.peerMaxPathID)
    }

    /// Settings shared by paths this endpoint opens and paths the peer opens.
    private func configureNewPath(_ path: inout PathState, status: PathStatus, cost: PathCost, label: String,
                                  now: QUICInstant) {
        path.multipath.isEstablished = false
        path.multipath.localStatus = status
        path.multipath.cost = cost
        path.multipath.label = label
        if status == .backup {
            path.multipath.statusPending = true
            self.multipath.congestionGroup.setActive(false, controllerOf: path.recovery.congestion)
        }
        if let parameters = self.peerParameters {
            path.recovery.maxAckDelay = .milliseconds(Int64(parameters.maxAckDelay))
            path.pmtu = PMTUDiscovery(maximumSize: self.paths[self.primaryPathIndex].pmtu.maximumSize)
        }
        // RFC 9000 §8.2.4: three times the larger of the current PTO and the PTO of a new path (kInitialRtt).
        let initialPTO = UInt64(max(self.configuration.initialRTT.nanoseconds, 0)) * 3
        path.validation.start(now: now.nanosecondsSinceOrigin, timeout: 3 * max(self.ptoNanoseconds, initialPTO))
    }

    /// Server: a 1-RTT packet arrived with a connection ID of a path ID not in use yet: the client opened a
    /// path. §3.1: the server "MUST validate the peer's address before sending any data", and the
    /// anti-amplification limit applies until then.
    func acceptPeerPath(_ pathID: PathID, fourTuple: FourTuple, now: QUICInstant) -> Int? {
        // §3: only clients open paths; a server's packet on a path the client never opened is dropped.
        guard self.role == .server, self.multipath.isNegotiated, !self.multipath.usedPathIDs.contains(pathID),
              let peerIDs = self.multipath.peerPathCIDs[pathID], let entry = peerIDs.active.first else {
            // Without a connection ID of the peer for this path ID the server cannot answer on it (§3.1 allows
            // delaying; the client retries its PATH_CHALLENGE once the PATH_NEW_CONNECTION_ID arrives).
            return nil
        }
        var path = PathState(id: pathID, fourTuple: fourTuple, validated: false,
                             maximumDatagramSize: self.configuration.maxUDPPayloadSize,
                             maxAckDelay: UInt64(self.configuration.maxAckDelay.nanoseconds),
                             recovery: Connection.makeRecovery(self.configuration, group: self.multipath.congestionGroup))
        path.peerCIDSequence = entry.sequenceNumber
        // The datagram that opened the path counts toward its anti-amplification budget (RFC 9000 §8.1).
        path.amplification.onReceived(self.lastDatagramSize)
        self.configureNewPath(&path, status: .available, cost: .free, label: "", now: now)
        self.multipath.usedPathIDs.insert(pathID)
        self.paths.append(path)
        self.logPathEvent("path_opened", pathID: pathID, now: now)
        return self.paths.count - 1
    }

    /// The first path that is not abandoned (path 0 while it lives).
    var primaryPathIndex: Int {
        self.paths.firstIndex { !$0.multipath.isAbandoned } ?? 0
    }

    /// The current path's first validation succeeded: it carries data from now on.
    func onNewPathValidated(now: QUICInstant) {
        guard !self.path.multipath.isEstablished else { return }
        self.path.multipath.isEstablished = true
        self.emit(.pathAvailable(self.path.id, self.path.fourTuple))
        self.multipath.pathManager?.pathValidated(self.path.id, now: now.nanosecondsSinceOrigin)
        self.logPathEvent("path_available", pathID: self.path.id, now: now)
    }

    // MARK: - Path status

    /// Announces this endpoint's preference for a path (PATH_STATUS_AVAILABLE or PATH_STATUS_BACKUP,
    /// draft-ietf-quic-multipath-21 §3.3) and applies it to this endpoint's own scheduling: a backup path carries
    /// traffic only when no available path can.
    public func setPathStatus(_ id: PathID, _ status: PathStatus) throws(MultipathError) {
        guard self.multipath.isNegotiated else { throw .notNegotiated }
        guard status == .available || status == .backup else { throw .invalidStatus(status) }
        guard let index = self.pathIndex(of: id) else { throw .unknownPath(id) }
        guard !self.paths[index].multipath.isAbandoned else { throw .pathAbandoned(id) }
        guard self.paths[index].multipath.localStatus != status else { return }
        self.paths[index].multipath.localStatus = status
        self.paths[index].multipath.statusPending = true
        self.multipath.congestionGroup.setActive(status == .available, controllerOf: self.paths[index].recovery.congestion)
    }

    /// Sets what sending on a path costs and its name (for schedulers, statistics and the lab).
    public func describePath(_ id: PathID, cost: PathCost, label: String) throws(MultipathError) {
        guard let index = self.pathIndex(of: id) else { throw .unknownPath(id) }
        self.paths[index].multipath.cost = cost
        self.paths[index].multipath.label = label
    }

    // MARK: - Abandoning paths

    /// Abandons a path (PATH_ABANDON, draft-ietf-quic-multipath-21 §3.4) with an error code such as
    /// `TransportErrorCode.applicationAbandonPath`. Its data in flight is sent again on the other paths.
    public func abandonPath(_ id: PathID, errorCode: UInt64 = TransportErrorCode.applicationAbandonPath.rawValue,
                            now: QUICInstant) throws(MultipathError) {
        guard self.multipath.isNegotiated else { throw .notNegotiated }
        guard let index = self.pathIndex(of: id) else { throw .unknownPath(id) }
        guard !self.paths[index].multipath.isAbandoned else { throw .pathAbandoned(id) }
        guard self.paths.contains(where: { $0.id != id && !$0.multipath.isAbandoned }) else { throw .lastPath(id) }
        self.abandon(pathAt: index, errorCode: errorCode, byPeer: false, now: now)
    }

    /// Marks a path abandoned: nothing more leaves on it, the peer's connection IDs for it count as retired
    /// (§3.4: "MUST treat all connection IDs received from the peer for the path ID [...] as immediately
    /// retired"), its data in flight goes back to the streams, and its state stays 3 PTO so late packets are
    /// still acknowledged.
    func abandon(pathAt index: Int, errorCode: UInt64, byPeer: Bool, now: QUICInstant) {
        guard !self.paths[index].multipath.isAbandoned else {
            return
        }
        let id = self.paths[index].id
        self.paths[index].multipath.isAbandoned = true
        if !self.paths[index].multipath.abandonSent {
            self.paths[index].multipath.abandonSent = true
            self.paths[index].multipath.abandonPending = true
            self.paths[index].multipath.abandonErrorCode = byPeer ? 0 : errorCode
        }
        self.paths[index].multipath.discardAt = now + self.largestPTO * 3
        self.paths[index].lossDetectionDeadline = nil
        self.paths[index].probePacketsPending = 0
        self.multipath.peerPathCIDs[id] = nil
        self.dropRedundantCopies(forPath: id)
        self.multipath.congestionGroup.leave(controllerOf: self.paths[index].recovery.congestion)
        var removed: [SentPacket<SentPacketContents>] = []
        self.paths[index].recovery.discard(space: .applicationData, into: &removed)
        self.requeueFrames(of: removed, fromPathAt: index, now: now)
        self.emit(.pathAbandoned(id, errorCode: errorCode, byPeer: byPeer))
        self.multipath.pathManager?.pathAbandoned(id, byPeer: byPeer, now: now.nanosecondsSinceOrigin)
        self.logPathEvent("path_abandoned", pathID: id, now: now)
        if !self.paths.contains(where: { !$0.multipath.isAbandoned }) {
            // §3.4: "If a PATH_ABANDON frame is received for the only open path of a QUIC connection, the
            // receiving peer SHOULD send a CONNECTION_CLOSE frame and enter the closing state."
            self.closeWithError(TransportError(.noViablePath, reason: "every path was abandoned"), now: now)
        }
    }

    /// Gives the frames of packets that will never be acknowledged on their path back for sending elsewhere.
    func requeueFrames(of packets: [SentPacket<SentPacketContents>], fromPathAt index: Int, now: QUICInstant) {
        self.withPathIndex(index) {
            for packet in packets {
                for frame in packet.payload.frames {
                    if case .pmtuProbe = frame { continue }
                    self.onLost(frame, space: .applicationData, now: now)
                }
            }
        }
    }

    /// Drops the state of abandoned paths whose 3 PTO have passed (§3.4), and retires this endpoint's
    /// connection IDs for them.
    func discardAbandonedPaths(now: QUICInstant) {
        var index = 0
        while index < self.paths.count {
            guard let discardAt = self.paths[index].multipath.discardAt, now >= discardAt,
                  self.paths.count > 1 else {
                index += 1
                continue
            }
            let id = self.paths[index].id
            let issued = id == 0 ? self.localCIDs.active : (self.multipath.localPathCIDs[id]?.active ?? [])
            for entry in issued {
                self.endpointEvents.append(.connectionIDRetired(entry.connectionID))
            }
            if id != 0 { self.multipath.localPathCIDs[id] = nil }
            self.paths.remove(at: index)
            // A path ID is never reused (§3.4), so each one that goes makes room for a new one: the peer may keep
            // as many paths as before (§4.7 MAX_PATH_ID).
            if self.multipath.localMaxPathID < PathID.max {
                self.multipath.localMaxPathID += 1
                self.multipath.maxPathIDPending = true
            }
            if self.pathIndex >= index, self.pathIndex > 0 { self.pathIndex -= 1 }
        }
        if self.pathIndex >= self.paths.count { self.pathIndex = 0 }
    }

    /// Runs `body` with the path at `index` current.
    func withPathIndex(_ index: Int, _ body: () -> Void) {
        let saved = self.pathIndex
        self.pathIndex = index
        body()
        self.pathIndex = saved
    }
}
