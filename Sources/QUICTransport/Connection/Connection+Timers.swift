import QUICRecovery
import QUICWire

extension Connection {
    /// Re-arms the loss detection timer (RFC 9002 A.8): after packets are sent, after an ACK, after a timeout.
    func updateLossTimer(now: QUICInstant) {
        self.lastNow = now.nanosecondsSinceOrigin
        let saved = self.pathIndex
        for index in self.paths.indices where !self.paths[index].multipath.isAbandoned {
            self.pathIndex = index
            self.path.lossDetectionDeadline = self.path.recovery.nextTimeout(context: self.recoveryContext, now: now)
        }
        self.pathIndex = saved
    }

    /// The earliest time ``handleTimeout(now:)`` has work to do, or nil when only input can make progress.
    public func nextTimeout() -> QUICInstant? {
        switch self.closeState {
        case .closed:
            return nil
        case .closing(let until), .draining(let until):
            return QUICInstant(nanosecondsSinceOrigin: until)
        case .open:
            break
        }
        var earliest: UInt64 = .max
        func consider(_ time: UInt64?) {
            if let time, time < earliest { earliest = time }
        }
        for (index, space) in self.spaces.enumerated()
        where !space.isDiscarded && index != PacketNumberSpace.applicationData.rawValue {
            consider(space.received.ackDeadline)
        }
        for path in self.paths {
            consider(path.received.ackDeadline)
            consider(path.multipath.discardAt?.nanosecondsSinceOrigin)
            guard !path.multipath.isAbandoned else { continue }
            consider(path.lossDetectionDeadline?.nanosecondsSinceOrigin)
            // A challenge the anti-amplification limit holds back waits for the peer's next datagram, not a timer.
            consider(path.amplification.allowance >= 64 ? path.validation.nextTimeout : path.validation.deadline)
            consider(path.pacingWakeUp?.nanosecondsSinceOrigin)
            consider(path.pmtu.nextTimeout)
        }
        consider(self.idle.deadline)
        if self.isHandshakeConfirmed { consider(self.idle.keepAliveTime) }
        consider(self.multipath.pathManager?.nextTimeout())
        if self.paths.count > 1 {
            for index in self.paths.indices { consider(self.quietPathDeadline(ofPathAt: index)) }
        }
        consider(self.previousReadKeysDiscardAt?.nanosecondsSinceOrigin)
        if let started = self.handshakeStartedAt, !self.isHandshakeComplete {
            consider((started + self.handshakeTimeout).nanosecondsSinceOrigin)
        }
        return earliest == .max ? nil : QUICInstant(nanosecondsSinceOrigin: earliest)
    }

    /// How long a handshake may take before the connection gives up.
    var handshakeTimeout: QUICDuration {
        if let configured = self.configuration.handshakeTimeout, configured.nanoseconds > 0 { return configured }
        return self.configuration.maxIdleTimeout.nanoseconds > 0 ? self.configuration.maxIdleTimeout : .seconds(30)
    }

    /// Runs whatever timers have expired at `now`.
    public func handleTimeout(now: QUICInstant) {
        let nanoseconds = now.nanosecondsSinceOrigin
        self.lastNow = nanoseconds
        switch self.closeState {
        case .closed:
            return
        case .closing, .draining:
            self.closeState.onTimeout(now: nanoseconds)
            return
        case .open:
            break
        }
        if self.idle.hasExpired(now: nanoseconds) {
            // RFC 9000 §10.1: "If a max_idle_timeout is specified by either endpoint [...], the connection is
            // silently closed and its state is discarded when it remains idle".
            self.closeState = .closed
            self.reportClose(.idleTimeout)
            return
        }
        if let started = self.handshakeStartedAt, !self.isHandshakeComplete, now >= started + self.handshakeTimeout {
            self.closeState = .closed
            self.reportClose(.handshakeTimeout)
            return
        }
        for index in self.paths.indices where !self.paths[index].multipath.isAbandoned {
            guard let deadline = self.paths[index].lossDetectionDeadline, now >= deadline else { continue }
            self.pathIndex = index
            self.path.lossDetectionDeadline = nil
            switch self.path.recovery.onTimeout(context: self.recoveryContext, now: now) {
            case .none:
                break
            case .lost(let packets):
                self.onLost(packets, now: now)
            case .probe(let space, let count):
                self.stats.ptoCount += 1
                self.pmtuObserveProbeTimeout(space: space, now: now)
                self.prepareProbe(space: space, count: count, now: now)
            }
            if !self.closeState.isOpen { return }
        }
        self.updateLossTimer(now: now)
        if self.isHandshakeConfirmed, let keepAlive = self.idle.keepAliveTime, nanoseconds >= keepAlive {
            self.pingPending = true
            self.idle.onKeepAliveSent(now: nanoseconds)
        }
        var index = 0
        while index < self.paths.count {
            if !self.paths[index].multipath.isAbandoned, self.paths[index].validation.onTimeout(now: nanoseconds) {
                self.pathIndex = index
                self.onPathValidationFailed(now: now)
                if !self.closeState.isOpen { return }
            }
            index += 1
        }
        self.discardAbandonedPaths(now: now)
        if self.paths.count > 1 { self.probeQuietPaths(now: nanoseconds) }
        if self.multipath.pathManager != nil { self.runPathManager(now: now, force: true) }
        if let discardAt = self.previousReadKeysDiscardAt, now >= discardAt {
            self.previousReadKeysDiscardAt = nil
            self.oneRTTRead?.discardPrevious()
        }
        for index in self.paths.indices {
            if let wake = self.paths[index].pacingWakeUp, now >= wake { self.paths[index].pacingWakeUp = nil }
        }
        self.maybeInitiateKeyUpdate(now: now)
    }

    /// A PTO fired (RFC 9002 §6.2.4): one or two ack-eliciting probes go out in `space`, carrying data that
    /// is still unacknowledged when there is some.
    private func prepareProbe(space: PacketNumberSpace, count: Int, now: QUICInstant) {
        var probeSpace = space
        if self.spaces[space.rawValue].isDiscarded || self.spaces[space.rawValue].writeKeys == nil && space != .applicationData {
            probeSpace = self.spaces[PacketNumberSpace.handshake.rawValue].writeKeys != nil ? .handshake : .initial
        }
        if self.path.id == 0 { self.probeSpace = probeSpace }
        self.path.probePacketsPending = max(self.path.probePacketsPending, count)
        if probeSpace == .applicationData, self.reinjectOnProbeTimeout(now: now) { return }
        // Unacknowledged CRYPTO data of the space goes out again in the probes (RFC 9002 §6.2.4: "an endpoint
        // SHOULD include new data in packets that are sent on PTO expiration. Previously sent data MAY be sent
        // if no new data can be sent").
        let tracker = self.path.recovery.tracker(probeSpace)
        for packet in tracker.packets where packet.isAckEliciting {
            for frame in packet.payload.frames {
                switch frame {
                case .crypto(let offset, let length):
                    self.spaces[probeSpace.rawValue].cryptoSend.markLost(offset: offset, length: length, fin: false)
                case .stream(let record) where probeSpace == .applicationData && !self.streams.hasPendingFrames:
                    self.streams.onLost(record)
                default:
                    break
                }
            }
            if probeSpace == .applicationData { break }
        }
    }

    /// Starts a key update when the configured interval is reached (RFC 9001 §6.1), or near the AEAD
    /// confidentiality limit (RFC 9001 §6.6).
    func maybeInitiateKeyUpdate(now: QUICInstant) {
        guard self.isHandshakeConfirmed, let write = self.oneRTTWrite, let read = self.oneRTTRead,
              write.keyPhase == read.keyPhase, self.writePhaseAcknowledged else { return }
        // draft-ietf-quic-multipath-21 §2.4: "endpoints SHOULD wait for at least three times the largest Probe
        // Timeout (PTO) [...] among all the paths before initiating a new key update after receiving an
        // acknowledgment that confirms the receipt of the previous key update."
        if self.multipath.isNegotiated, let acknowledgedAt = self.writePhaseAcknowledgedAt,
           now < acknowledgedAt + self.largestPTO * 3 {
            return
        }
        let limit = write.cipherSuite.confidentialityLimit.map { $0 - $0 / 8 }
        let interval = self.configuration.keyUpdateInterval ?? limit ?? .max
        guard self.packetsInWritePhase >= min(interval, limit ?? .max) else { return }
        do {
            try self.oneRTTWrite?.update()
        } catch {
            self.closeWithError(TransportError(.internalError, reason: "key update: \(error)"), now: now)
            return
        }
        self.packetsInWritePhase = 0
        self.writePhaseFirstPacket = nil
        self.writePhaseAcknowledged = false
        self.stats.keyUpdates += 1
    }
}
