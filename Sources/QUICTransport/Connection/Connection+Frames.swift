import QUICCrypto
import QUICRecovery
import QUICTLS
import QUICWire

extension Connection {
    /// Acts on one frame of an authenticated packet. Throws the connection error a violation calls for.
    func process(_ frame: Frame, level: EncryptionLevel, destination: ConnectionID, from fourTuple: FourTuple,
                 now: QUICInstant) throws(TransportError) {
        let nanoseconds = now.nanosecondsSinceOrigin
        let smoothedRTT = UInt64(max(self.path.recovery.rtt.smoothedRTT.nanoseconds, 0))
        switch frame {
        case .padding, .ping:
            break
        case .ack(let ack):
            // draft-ietf-quic-multipath-21 §2.3: "ACK frames when used with the multipath extension acknowledge
            // packets for the path with path ID 0."
            // Initial and Handshake packets only travel on path 0. Once path 0 is gone, its ACKs are ignored.
            guard let index = self.pathIndex(of: 0), !self.paths[index].multipath.isAbandoned else { return }
            try self.onAck(ack, level: level, pathAt: index, frameType: Frame.ack(ack).frameType, now: now)
        case .crypto(let crypto):
            try self.receiveCrypto(crypto, level: level, now: now)
        case .stream(let stream):
            try self.streams.onStream(stream, now: nanoseconds, smoothedRTT: smoothedRTT)
        case .resetStream(let reset):
            try self.streams.onResetStream(reset)
        case .stopSending(let stop):
            try self.streams.onStopSending(stop)
        case .maxData(let limit):
            self.streams.onMaxData(limit)
        case .maxStreamData(let frame):
            try self.streams.onMaxStreamData(frame)
        case .maxStreams(let frame):
            try self.streams.onMaxStreams(frame)
        case .dataBlocked(let limit):
            self.streams.onDataBlocked(limit)
        case .streamDataBlocked(let frame):
            try self.streams.onStreamDataBlocked(frame)
        case .streamsBlocked(let frame):
            try self.streams.onStreamsBlocked(frame)
        case .newToken(let frame):
            // RFC 9000 §19.7: "A server MUST treat receipt of a NEW_TOKEN frame as a connection error of type
            // PROTOCOL_VIOLATION." "A client MUST treat receipt of a NEW_TOKEN frame with an empty Token field
            // as a connection error of type FRAME_ENCODING_ERROR."
            guard self.role == .client else {
                throw TransportError(.protocolViolation, frameType: 0x07, reason: "NEW_TOKEN sent by a client")
            }
            guard !frame.token.isEmpty else {
                throw TransportError(.frameEncodingError, frameType: 0x07, reason: "NEW_TOKEN with an empty token")
            }
            self.emit(.newToken(Array(frame.token)))
        case .newConnectionID(let frame):
            try self.onNewConnectionID(frame)
        case .retireConnectionID(let frame):
            try self.onRetireConnectionID(frame, destination: destination)
        case .pathChallenge(let data):
            // RFC 9000 §8.2.2: the response goes back on the path the challenge came from.
            if self.pathResponsesPending.count < 4 {
                self.pathResponsesPending.append(PendingPathResponse(data: data, fourTuple: fourTuple,
                                                                     pathID: self.path.id))
            }
        case .pathResponse(let data):
            self.onPathResponse(data, from: fourTuple, now: now)
        case .connectionClose(let close):
            let reason: ConnectionCloseReason = close.isApplicationError
                ? .peerApplication(code: close.errorCode, reason: close.reasonText)
                : .peerTransport(code: TransportErrorCode(rawValue: close.errorCode), frameType: close.frameType,
                                 reason: close.reasonText)
            self.enterDraining(reason, now: now)
        case .handshakeDone:
            // RFC 9000 §19.20: "A server MUST treat receipt of a HANDSHAKE_DONE frame as a connection error of
            // type PROTOCOL_VIOLATION."
            guard self.role == .client else {
                throw TransportError(.protocolViolation, frameType: 0x1e, reason: "HANDSHAKE_DONE sent by a client")
            }
            // RFC 9001 §4.1.2: "the TLS handshake is considered confirmed at the client when a HANDSHAKE_DONE
            // frame is received."
            self.confirmHandshake(now: now)
        case .datagram(let datagram):
            try self.onDatagram(datagram)
        case .ackFrequency(let frame):
            // draft-ietf-quic-ack-frequency: only after advertising min_ack_delay; a requested delay below it
            // is a PROTOCOL_VIOLATION.
            guard let minimum = self.localParameters.minAckDelay else {
                throw TransportError(.protocolViolation, frameType: 0xaf, reason: "ACK_FREQUENCY without min_ack_delay")
            }
            guard frame.requestedMaxAckDelay >= minimum else {
                throw TransportError(.protocolViolation, frameType: 0xaf,
                                     reason: "requested max ack delay below min_ack_delay")
            }
            // Applies to the path the frame arrived on (ACK frequency is per path).
            self.path.received.onAckFrequency(
                sequenceNumber: frame.sequenceNumber, ackElicitingThreshold: frame.ackElicitingThreshold,
                requestedMaxAckDelayMicroseconds: frame.requestedMaxAckDelay,
                reorderingThreshold: frame.reorderingThreshold)
        case .immediateAck:
            self.path.received.onImmediateAckRequested()
        case .pathAck, .pathAbandon, .pathStatusBackup, .pathStatusAvailable, .maxPathID, .pathsBlocked,
             .pathCIDsBlocked:
            // draft-ietf-quic-multipath §2: multipath frames before (or without) negotiation are a
            // PROTOCOL_VIOLATION.
            guard self.multipath.isNegotiated, level == .oneRTT else {
                throw TransportError(.protocolViolation, frameType: frame.frameType,
                                     reason: "multipath frame on a connection without multipath")
            }
            try self.processMultipathFrame(frame, now: now)
        }
    }

    private func onDatagram(_ datagram: DatagramFrame) throws(TransportError) {
        // RFC 9221 §3: "An endpoint that receives a DATAGRAM frame when it has not indicated support via the
        // transport parameter MUST terminate the connection with an error of type PROTOCOL_VIOLATION.
        // Similarly, an endpoint that receives a DATAGRAM frame that is larger than the value it sent in its
        // max_datagram_frame_size transport parameter MUST terminate the connection with an error of type
        // PROTOCOL_VIOLATION."
        let frame = Frame.datagram(datagram)
        guard let maximum = self.localParameters.maxDatagramFrameSize else {
            throw TransportError(.protocolViolation, frameType: frame.frameType,
                                 reason: "DATAGRAM frames were not negotiated")
        }
        let frameSize = UInt64(frame.encodedLength)
        guard frameSize <= maximum else {
            throw TransportError(.protocolViolation, frameType: frame.frameType,
                                 reason: "DATAGRAM frame of \(frameSize) bytes exceeds \(maximum)")
        }
        if self.isDuplicateDatagram(datagram.data, now: self.lastNow) { return }
        self.stats.datagramFramesReceived += 1
        self.emit(.datagramReceived(Array(datagram.data)))
    }

    private func onNewConnectionID(_ frame: NewConnectionIDFrame) throws(TransportError) {
        if let pathID = frame.pathID {
            guard self.multipath.isNegotiated else {
                throw TransportError(.protocolViolation, frameType: 0x3e78,
                                     reason: "PATH_NEW_CONNECTION_ID on a connection without multipath")
            }
            if pathID != 0 {
                try self.onPathNewConnectionID(frame, pathID: pathID)
                return
            }
        }
        // RFC 9000 §19.15: "An endpoint that is sending packets with a zero-length Destination Connection ID
        // MUST treat receipt of a NEW_CONNECTION_ID frame as a connection error of type PROTOCOL_VIOLATION."
        guard self.currentPeerCID.length > 0 else {
            throw TransportError(.protocolViolation, frameType: 0x18,
                                 reason: "NEW_CONNECTION_ID while the peer uses zero-length connection IDs")
        }
        try self.peerCIDs.receiveNew(sequenceNumber: frame.sequenceNumber, retirePriorTo: frame.retirePriorTo,
                                     connectionID: frame.connectionID, resetToken: frame.statelessResetToken)
        self.endpointEvents.append(.peerResetTokenLearned(frame.statelessResetToken))
        if let index = self.pathIndex(of: 0),
           !self.peerCIDs.active.contains(where: { $0.sequenceNumber == self.paths[index].peerCIDSequence }),
           let next = self.peerCIDs.active.first {
            // The CID in use was retired by Retire Prior To: move to the next one.
            self.paths[index].peerCIDSequence = next.sequenceNumber
        }
    }

    private func onRetireConnectionID(_ frame: RetireConnectionIDFrame,
                                      destination: ConnectionID) throws(TransportError) {
        if let pathID = frame.pathID {
            guard self.multipath.isNegotiated else {
                throw TransportError(.protocolViolation, frameType: 0x3e79,
                                     reason: "PATH_RETIRE_CONNECTION_ID on a connection without multipath")
            }
            if pathID != 0 {
                try self.onPathRetireConnectionID(frame, pathID: pathID, destination: destination)
                return
            }
        }
        // RFC 9000 §19.16: "An endpoint cannot send this frame if it was provided with a zero-length
        // connection ID by its peer. An endpoint that provides a zero-length connection ID MUST treat receipt
        // of a RETIRE_CONNECTION_ID frame as a connection error of type PROTOCOL_VIOLATION."
        guard self.localConnectionIDLength > 0 else {
            throw TransportError(.protocolViolation, frameType: 0x19,
                                 reason: "RETIRE_CONNECTION_ID for a zero-length connection ID")
        }
        if let retired = try self.localCIDs.retire(sequenceNumber: frame.sequenceNumber,
                                                   packetDestination: destination) {
            self.endpointEvents.append(.connectionIDRetired(retired))
            self.issueConnectionIDs()
        }
    }

    /// The peer's connection ID the current path's packets are sent to.
    var currentPeerCID: ConnectionID {
        if self.path.id != 0 {
            let issued = self.multipath.peerPathCIDs[self.path.id]?.active ?? []
            return (issued.first { $0.sequenceNumber == self.path.peerCIDSequence } ?? issued.first)?.connectionID
                ?? ConnectionID()
        }
        if let entry = self.peerCIDs.active.first(where: { $0.sequenceNumber == self.path.peerCIDSequence }) {
            return entry.connectionID
        }
        return self.peerCIDs.active.first?.connectionID ?? self.initialKeysConnectionID
    }

    // MARK: - Acknowledgements

    /// Applies an ACK or PATH_ACK for the packets of the path at `pathIndex`.
    func onAck(_ ack: AckFrame, level: EncryptionLevel, pathAt pathIndex: Int, frameType: UInt64,
               now: QUICInstant) throws(TransportError) {
        let saved = self.pathIndex
        self.pathIndex = pathIndex
        defer { self.pathIndex = saved }
        let space = level.packetNumberSpace
        let ranges = Array(ack.ranges)
        // RFC 9000 §19.3: the ACK Delay is scaled by the peer's ack_delay_exponent; it only matters in the
        // application data space (RFC 9002 §5.3).
        var ackDelay = QUICDuration.zero
        if space == .applicationData {
            let exponent = min(self.peerMaxAckDelayExponent, 20)
            let (scaled, overflow) = ack.ackDelay.multipliedReportingOverflow(by: 1 << exponent)
            ackDelay = .microseconds(Int64(min(overflow ? UInt64(Int64.max / 1_000) : scaled,
                                               UInt64(Int64.max / 1_000))))
        }
        self.ackedScratch.removeAll(keepingCapacity: true)
        self.lostScratch.removeAll(keepingCapacity: true)
        do {
            _ = try self.path.recovery.onAckReceived(
                space: space, ranges: ranges, ackDelay: ackDelay, ecn: ack.ecn, context: self.recoveryContext,
                now: now, acked: &self.ackedScratch, lost: &self.lostScratch)
        } catch {
            // Recovery does not know whether the frame was ACK or ACK_ECN; the close names the real type.
            var error = error
            error.frameType = frameType
            throw error
        }
        if self.role == .client, space == .handshake {
            self.peerCompletedAddressValidation = true
        }
        if self.isLogging { self.logMetrics(now: now) }
        if space == .applicationData { self.streams.sendBufferAllowance = self.congestionSendAllowance }
        let acked = self.ackedScratch
        if !acked.isEmpty {
            self.multipath.pathManager?.onAckReceived(self.path.id, now: now.nanosecondsSinceOrigin)
            if self.multipath.isNegotiated {
                let snapshot = self.snapshot(ofPathAt: self.pathIndex)
                let bytes = acked.reduce(0) { $0 + $1.size }
                self.multipath.scheduler.onAcked(on: snapshot, bytes: bytes, now: now.nanosecondsSinceOrigin)
            }
        }
        self.pmtuObserveAcknowledged(acked, space: space)
        for packet in acked {
            if space == .applicationData, !self.writePhaseAcknowledged, let first = self.writePhaseFirstPacket,
               first.pathID == self.path.id, packet.packetNumber >= first.packetNumber {
                self.writePhaseAcknowledged = true
                self.writePhaseAcknowledgedAt = now
            }
            for frame in packet.payload.frames {
                self.onAcked(frame, space: space, now: now)
            }
        }
        self.onLost(self.lostScratch, now: now)
    }

    /// Twice the congestion windows of the paths still in use: what a stream may buffer unacknowledged so that
    /// the windows, not the send buffer, limit the rate.
    var congestionSendAllowance: Int {
        var total = 0
        for path in self.paths where !path.multipath.isAbandoned {
            total = total.addingReportingOverflow(path.recovery.congestionWindow).partialValue
        }
        let (doubled, overflow) = total.multipliedReportingOverflow(by: 2)
        return overflow || total < 0 ? Int.max : doubled
    }

    /// Lost packets give their frames back for retransmission.
    func onLost(_ packets: [SentPacket<SentPacketContents>], now: QUICInstant) {
        self.stats.packetsLost += UInt64(packets.count)
        self.path.multipath.onPacketsLost(packets.count)
        if !packets.isEmpty {
            self.multipath.pathManager?.onPacketsLost(self.path.id, count: packets.count, now: now.nanosecondsSinceOrigin)
            if self.multipath.isNegotiated {
                let bytes = packets.reduce(0) { $0 + $1.size }
                self.multipath.scheduler.onLost(on: self.snapshot(ofPathAt: self.pathIndex), bytes: bytes,
                                                now: now.nanosecondsSinceOrigin)
            }
        }
        self.logLost(packets, now: now)
        for packet in packets {
            let space = packet.payload.level.packetNumberSpace
            for frame in packet.payload.frames {
                self.onLost(frame, space: space, now: now)
            }
        }
        self.pmtuObserveLost(packets, now: now)
    }

    func onAcked(_ frame: SentFrame, space: PacketNumberSpace, now: QUICInstant) {
        switch frame {
        case .stream(let record):
            self.streams.onAcked(record)
        case .crypto(let offset, let length):
            self.spaces[space.rawValue].cryptoSend.acknowledge(offset: offset, length: length, fin: false)
        case .ack(let pathID, let largest):
            if space == .applicationData {
                guard let index = self.pathIndex(of: pathID) else { return }
                self.paths[index].received.onAckAcknowledged(largestAcknowledged: largest)
            } else {
                self.spaces[space.rawValue].received.onAckAcknowledged(largestAcknowledged: largest)
            }
        case .pmtuProbe(let size):
            self.path.pmtu.onProbeAcknowledged(size: size, now: now.nanosecondsSinceOrigin)
            self.path.recovery.setMaxDatagramSize(self.path.pmtu.currentSize)
        case .handshakeDone, .newConnectionID, .retireConnectionID, .newToken, .other, .pathAbandon, .pathStatus,
             .maxPathID:
            break
        }
    }

    func onLost(_ frame: SentFrame, space: PacketNumberSpace, now: QUICInstant) {
        switch frame {
        case .stream(let record):
            self.streams.onLost(record)
        case .crypto(let offset, let length):
            guard !self.spaces[space.rawValue].isDiscarded else { return }
            self.spaces[space.rawValue].cryptoSend.markLost(offset: offset, length: length, fin: false)
        case .handshakeDone:
            self.handshakeDonePending = true
        case .newConnectionID(let pathID, let sequenceNumber):
            if pathID == 0 {
                self.localCIDs.announcementLost(sequenceNumber)
            } else {
                self.multipath.localPathCIDs[pathID]?.announcementLost(sequenceNumber)
            }
        case .retireConnectionID(let pathID, let sequenceNumber):
            if pathID == 0 {
                self.peerCIDs.retirementLost(sequenceNumber)
            } else {
                self.multipath.peerPathCIDs[pathID]?.retirementLost(sequenceNumber)
            }
        case .pathAbandon(let pathID):
            self.onPathAbandonLost(pathID)
        case .pathStatus(let pathID, let sequenceNumber):
            self.onPathStatusLost(pathID, sequenceNumber: sequenceNumber)
        case .maxPathID(let value):
            if value == self.multipath.localMaxPathID { self.multipath.maxPathIDPending = true }
        case .newToken(let token):
            self.newTokenPending = token
        case .pmtuProbe(let size):
            self.path.pmtu.onProbeLost(size: size, now: now.nanosecondsSinceOrigin)
        case .ack, .other:
            break
        }
    }

    var recoveryContext: RecoveryContext {
        RecoveryContext(
            isHandshakeConfirmed: self.isHandshakeConfirmed,
            hasHandshakeKeys: self.spaces[PacketNumberSpace.handshake.rawValue].writeKeys != nil,
            peerCompletedAddressValidation: self.role == .server || self.peerCompletedAddressValidation
                || self.isHandshakeConfirmed,
            isAtAntiAmplificationLimit: self.path.amplification.allowance == 0)
    }
}
