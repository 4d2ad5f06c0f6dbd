import QUICRecovery
import QUICWire

/// Sending with several paths (draft-ietf-quic-multipath-21, ARCHITECTURE.md §5): which path the next datagram
/// leaves on, the PATH_ACK frames every path owes, and the multipath control frames.
extension Connection {
    /// The path a CONNECTION_CLOSE leaves on: the current one while it is usable, otherwise the first path
    /// not abandoned.
    var closingPathIndex: Int {
        if self.pathIndex < self.paths.count, !self.paths[self.pathIndex].multipath.isAbandoned {
            return self.pathIndex
        }
        return self.paths.firstIndex { !$0.multipath.isAbandoned } ?? 0
    }

    /// The next datagram when the connection has more than one path:
    /// 1. work bound to one path (PTO probes, PATH_CHALLENGE / PATH_RESPONSE, ACK-only packets under
    ///    ``AcknowledgmentPath/samePath``), visiting the paths in turn so none starves;
    /// 2. stream data, datagrams and control frames on the path(s) the scheduler picks;
    /// 3. acknowledgments still owed, on the acknowledgment path.
    func writeMultipathDatagram(into writer: inout ByteWriter, now: QUICInstant) -> Transmit? {
        let nanoseconds = now.nanosecondsSinceOrigin
        let count = self.paths.count
        let samePathAcks = self.multipath.configuration?.acknowledgmentPath == .samePath
        let start = self.multipath.nextPathCursor % count
        for offset in 0..<count {
            let index = (start + offset) % count
            guard !self.paths[index].multipath.isAbandoned else { continue }
            self.pathIndex = index
            let bound = self.path.probePacketsPending > 0 || self.hasPathBoundFrames(now: nanoseconds)
                || (samePathAcks && self.path.received.ackDue(now: nanoseconds))
            guard bound, let transmit = self.writeDatagramOnCurrentPath(
                into: &writer, includeConnectionFrames: false, now: now) else { continue }
            self.multipath.nextPathCursor = index + 1
            return transmit
        }
        if self.hasConnectionFramesToSend, self.isHandshakeComplete || self.role == .server {
            let decision = self.scheduleNextPacket(now: now)
            for pathID in decision.paths {
                guard let index = self.pathIndex(of: pathID) else { continue }
                self.pathIndex = index
                if let transmit = self.writeDatagramOnCurrentPath(into: &writer, includeConnectionFrames: true,
                                                                  now: now) {
                    self.multipath.redundantTargets = PathSelection()
                    return transmit
                }
            }
            self.multipath.redundantTargets = PathSelection()
        }
        guard self.anyPathOwesAcknowledgment(now: nanoseconds), let index = self.acknowledgmentPathIndex else {
            return nil
        }
        self.pathIndex = index
        return self.writeDatagramOnCurrentPath(into: &writer, includeConnectionFrames: false, now: now)
    }

    /// Whether stream data, datagrams, CRYPTO or control frames wait for a path.
    var hasConnectionFramesToSend: Bool {
        self.streams.hasPendingFrames || !self.datagramsToSend.isEmpty || self.pingPending
            || self.spaces[PacketNumberSpace.applicationData.rawValue].hasCryptoToSend
            || self.hasConnectionControlFrames || self.hasInjectedFrames(.oneRTT)
    }

    /// Asks the scheduler where the next packet of connection frames goes.
    func scheduleNextPacket(now: QUICInstant) -> SchedulingDecision {
        let snapshots = self.pathSnapshots(now: now)
        let intent = self.nextPacketIntent(size: self.minimumUsableDatagramSize(snapshots))
        var decision = self.multipath.scheduler.choosePaths(for: intent, paths: snapshots,
                                                            now: now.nanosecondsSinceOrigin)
        if case .wait = decision, intent.pinnedPath != nil {
            // The data next in line waits for its path; the rest may go elsewhere meanwhile (the packet then passes
            // over streams pinned to other paths).
            var others = intent
            others.kind = .bulk
            decision = self.multipath.scheduler.choosePaths(for: others, paths: snapshots,
                                                            now: now.nanosecondsSinceOrigin)
        }
        self.multipath.redundantTargets = decision.paths.count > 1 ? decision.paths : PathSelection()
        if case .wait = decision, !self.hasUsablePath(snapshots) {
            // Nothing validated can carry data (for example every path is still validating): path 0 keeps the
            // single-path behaviour so control frames are not stuck.
            return .send(on: PathSelection(self.paths[0].id))
        }
        return decision
    }

    private func hasUsablePath(_ snapshots: [PathSnapshot]) -> Bool {
        snapshots.contains { $0.carriesTraffic }
    }

    private func minimumUsableDatagramSize(_ snapshots: [PathSnapshot]) -> Int {
        var size = Int.max
        for index in self.paths.indices where !self.paths[index].multipath.isAbandoned {
            size = min(size, self.paths[index].pmtu.currentSize)
        }
        return size == .max ? PMTUDiscovery.baseSize : size
    }

    /// Read-only views of every path for the scheduler. A path held back by its pacer gets a wake-up time so
    /// the connection asks again when it may send.
    func pathSnapshots(now: QUICInstant) -> [PathSnapshot] {
        // Built for every packet of connection data: the array's storage is reused from one packet to the next.
        var snapshots = self.multipath.snapshotScratch
        self.multipath.snapshotScratch = []
        snapshots.removeAll(keepingCapacity: true)
        for index in self.paths.indices {
            var budget = Int.max
            var delay: UInt64 = 0
            let size = self.paths[index].pmtu.currentSize
            if !self.paths[index].multipath.isAbandoned,
               let earliest = self.paths[index].recovery.earliestSendTime(bytes: size, now: now), earliest > now {
                budget = 0
                delay = UInt64(max((earliest - now).nanoseconds, 0))
                self.paths[index].pacingWakeUp = earliest
            }
            var snapshot = self.snapshot(ofPathAt: index, pacingBudget: budget)
            snapshot.pacingDelay = delay
            // A path whose probes go unanswered is only a fallback for new data while another path answers: its
            // RTT estimate is stale and whatever it sends may be lost with it (its in-flight data was reinjected).
            if snapshot.status == .available, snapshot.consecutivePTOs > 0 { snapshot.status = .backup }
            snapshots.append(snapshot)
        }
        self.multipath.snapshotScratch = snapshots
        return snapshots
    }

    /// The scheduler's view of one path.
    func snapshot(ofPathAt index: Int, pacingBudget: Int = .max) -> PathSnapshot {
        let path = self.paths[index]
        let rtt = path.recovery.rtt
        return PathSnapshot(
            pathID: path.id, status: path.multipath.effectiveStatus(validated: path.multipath.isEstablished),
            smoothedRTT: UInt64(max(rtt.smoothedRTT.nanoseconds, 0)),
            rttVariance: UInt64(max(rtt.rttVariation.nanoseconds, 0)),
            minRTT: UInt64(max(rtt.minRTT.nanoseconds, 0)),
            latestRTT: UInt64(max(rtt.latestRTT.nanoseconds, 0)),
            congestionWindow: path.recovery.congestionWindow, bytesInFlight: path.recovery.bytesInFlight,
            pacingBudget: pacingBudget, recentLossRate: path.multipath.recentLossRate,
            consecutivePTOs: path.recovery.ptoCount, cost: path.multipath.cost, label: path.multipath.label,
            isValidated: path.multipath.isEstablished && path.amplification.isValidated,
            bytesSent: path.multipath.bytesSent, bytesReceived: path.multipath.bytesReceived,
            packetsLost: path.multipath.packetsLost)
    }

    /// The path ACK-only packets go on: among the usable paths that showed recently that they deliver (a packet
    /// arrived on them within two of their RTTs plus the ACK delay), the one with the lowest smoothed RTT; when
    /// none did, the one that delivered last. A path whose incoming packets stopped is most likely broken in the
    /// other direction too, and acknowledgments sent on it would be lost with it.
    var acknowledgmentPathIndex: Int? {
        let now = self.lastNow
        var best: Int?
        var freshest: (index: Int, time: UInt64)?
        for index in self.paths.indices {
            let path = self.paths[index]
            guard !path.multipath.isAbandoned, path.multipath.isEstablished else { continue }
            let lastReceived = path.received.largestReceivedTime
            if freshest.map({ lastReceived > $0.time }) ?? true { freshest = (index, lastReceived) }
            let window = UInt64(max((path.recovery.rtt.smoothedRTT * 2 + path.recovery.maxAckDelay).nanoseconds, 0))
            guard now <= lastReceived &+ window else { continue }
            guard let current = best else {
                best = index
                continue
            }
            if path.recovery.rtt.smoothedRTT < self.paths[current].recovery.rtt.smoothedRTT { best = index }
        }
        return best ?? freshest?.index ?? self.paths.firstIndex { !$0.multipath.isAbandoned }
    }

    /// Whether some path (the current one included) has an acknowledgment due now.
    func anyPathOwesAcknowledgment(now: UInt64) -> Bool {
        self.paths.contains { !$0.received.ranges.isEmpty && $0.received.ackDue(now: now) }
    }

    /// Whether paths other than the current one owe a PATH_ACK: due now, or (when `eager`, because a packet
    /// leaves anyway) with ack-eliciting packets not acknowledged yet.
    func otherPathsOweAcknowledgments(now: UInt64, eager: Bool) -> Bool {
        for index in self.paths.indices where index != self.pathIndex && self.mayCarryAcknowledgment(of: index) {
            if self.owesAcknowledgment(self.paths[index].received, now: now, eager: eager) { return true }
        }
        return false
    }

    /// Whether the current path may carry the acknowledgment of the path at `index`: when it is the
    /// acknowledgment path, when it is not slower than that path, or when that path is abandoned. An
    /// acknowledgment sent on a much slower path arrives late, and the peer takes its path for dead.
    private func mayCarryAcknowledgment(of index: Int) -> Bool {
        if self.paths[index].multipath.isAbandoned || self.pathIndex == self.acknowledgmentPathIndex { return true }
        return self.path.recovery.rtt.smoothedRTT <= self.paths[index].recovery.rtt.smoothedRTT
    }

    private func owesAcknowledgment(_ received: ReceivedPackets, now: UInt64, eager: Bool) -> Bool {
        guard !received.ranges.isEmpty else { return false }
        return received.ackDue(now: now) || (eager && received.unacknowledgedElicitingCount > 0)
    }

    /// PATH_ACK frames of the other paths that owe one.
    func writeOtherPathAcknowledgments(into writer: inout ByteWriter, limit: Int, frames: inout [SentFrame],
                                       eager: Bool, now: QUICInstant) {
        let nanoseconds = now.nanosecondsSinceOrigin
        for index in self.paths.indices where index != self.pathIndex && self.mayCarryAcknowledgment(of: index) {
            guard self.owesAcknowledgment(self.paths[index].received, now: nanoseconds, eager: eager) else { continue }
            self.writePathAck(forPathAt: index, into: &writer, limit: limit, frames: &frames, now: now)
        }
    }

    /// A PATH_ACK for the packets received on the path at `index` (draft-ietf-quic-multipath-21 §4.1), trimmed
    /// to the room left.
    func writePathAck(forPathAt index: Int, into writer: inout ByteWriter, limit: Int, frames: inout [SentFrame],
                      now: QUICInstant) {
        let received = self.paths[index].received
        guard let largest = received.ranges.largest else { return }
        let delay = (received.ackDelay(now: now.nanosecondsSinceOrigin) / 1_000) >> self.configuration.ackDelayExponent
        var ranges = received.ranges
        let ecn = received.sawECN
            ? ECNCounts(ect0: received.ecnCounts.ect0, ect1: received.ecnCounts.ect1, ce: received.ecnCounts.ce) : nil
        let pathID = self.paths[index].id
        var frame = Frame.pathAck(PathAckFrame(pathID: pathID, ack: AckFrame(ranges: ranges, ackDelay: delay, ecn: ecn)))
        while frame.encodedLength > limit - writer.count, ranges.rangeCount > 1 {
            ranges.keepLargest(max(1, ranges.rangeCount / 2))
            frame = Frame.pathAck(PathAckFrame(pathID: pathID, ack: AckFrame(ranges: ranges, ackDelay: delay, ecn: ecn)))
        }
        guard frame.encodedLength <= limit - writer.count else { return }
        frame.encode(to: &writer)
        frames.append(.ack(pathID: pathID, largest: largest))
        self.paths[index].received.onAckSent()
    }

    /// draft-ietf-quic-multipath-21 §5.7: when a path's PTO fires and another path is usable, the frames the
    /// path still has in flight go out again at once on the other paths ("retransmit the content of the delayed
    /// packets on other available paths"), so a path that died costs the application about one PTO. The
    /// packets stay in flight on their path, whose probe is a PING. Returns whether the frames were moved.
    func reinjectOnProbeTimeout(now: QUICInstant) -> Bool {
        guard self.multipath.isNegotiated, self.multipath.configuration?.reinjectsOnProbeTimeout ?? false else {
            return false
        }
        let current = self.path.id
        guard self.paths.contains(where: {
            $0.id != current && !$0.multipath.isAbandoned && $0.multipath.isEstablished
        }) else { return false }
        let floor = self.path.reinjectedBelow
        var largest = floor
        for packet in self.path.recovery.tracker(.applicationData).packets
        where packet.isAckEliciting && packet.packetNumber >= floor {
            for frame in packet.payload.frames {
                if case .pmtuProbe = frame { continue }
                self.onLost(frame, space: .applicationData, now: now)
            }
            largest = max(largest, packet.packetNumber + 1)
        }
        self.path.reinjectedBelow = largest
        return true
    }
}
