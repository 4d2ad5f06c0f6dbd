import QUICCrypto
import QUICRecovery
import QUICWire

/// A packet written into the datagram but not sealed yet: sealing waits until the datagram is complete, so
/// that padding can still be added to its last packet.
struct UnsealedPacket {
    var level: EncryptionLevel
    var offsets: PacketHeaderWriter.Offsets
    var payloadEnd: Int
    var packetNumber: UInt64
    var keys: PacketProtection
    var frames: [SentFrame]
    var isAckEliciting: Bool
    var isPMTUProbe = false
}

extension Connection {
    /// RFC 9000 §14.1: the smallest datagram that may carry a client's Initial packet.
    static let minimumInitialDatagramSize = 1_200
    /// AEAD tag length of every QUIC v1/v2 cipher suite.
    static let tagLength = 16

    /// Writes the next datagram to send into `buffer` (replacing its contents) and says where it goes, or
    /// returns nil when nothing may be sent now (see ``nextTimeout(now:)`` for when to ask again).
    public func pollTransmit(now: QUICInstant, into buffer: inout [UInt8]) -> Transmit? {
        var writer = ByteWriter(reusing: buffer)
        buffer = []
        defer { buffer = writer.bytes }
        // DATAGRAMs that waited too long go before anything decides there is data to send.
        self.dropExpiredDatagrams(now: now.nanosecondsSinceOrigin)
        let result = self.writeDatagram(into: &writer, now: now)
        if result != nil {
            self.updateLossTimer(now: now)
            // RFC 9001 §6.1: the configured interval counts packets sent, so check it as they go out.
            if self.closeState.isOpen { self.maybeInitiateKeyUpdate(now: now) }
        }
        return result
    }

    private func writeDatagram(into writer: inout ByteWriter, now: QUICInstant) -> Transmit? {
        switch self.closeState {
        case .closed, .draining:
            return nil
        case .closing:
            // draft-ietf-quic-multipath-21 §2.5: CONNECTION_CLOSE "can be sent on any open path".
            self.pathIndex = self.closingPathIndex
            // The first CONNECTION_CLOSE goes out right away (the closing state starts with it).
            if let close = self.pendingClose {
                self.pendingClose = nil
                self.closeFrameToRepeat = close
                return self.writeCloseDatagram(close, into: &writer, now: now)
            }
            guard self.closeRepeatAllowed, let frame = self.closeFrameToRepeat else { return nil }
            self.closeRepeatAllowed = false
            return self.writeCloseDatagram(frame, into: &writer, now: now)
        case .open:
            break
        }
        // A PATH_RESPONSE for a 4-tuple its path does not use (the peer probing a new address).
        for (position, response) in self.pathResponsesPending.enumerated() {
            guard let index = self.pathIndex(of: response.pathID), !self.paths[index].multipath.isAbandoned,
                  response.fourTuple != self.paths[index].fourTuple else { continue }
            self.pathResponsesPending.remove(at: position)
            self.pathIndex = index
            return self.writePathResponseDatagram(response.data, to: response.fourTuple, into: &writer, now: now)
        }
        guard self.paths.count > 1 else {
            self.pathIndex = 0
            return self.writeDatagramOnCurrentPath(into: &writer, includeConnectionFrames: true, now: now)
        }
        return self.writeMultipathDatagram(into: &writer, now: now)
    }

    /// Builds a datagram on the current path. Without `includeConnectionFrames` it carries only what belongs
    /// to this path (ACKs, path validation, PTO probes); stream data, datagrams and control frames wait for
    /// the path the scheduler picks.
    func writeDatagramOnCurrentPath(into writer: inout ByteWriter, includeConnectionFrames: Bool,
                                    now: QUICInstant) -> Transmit? {
        guard !self.path.multipath.isAbandoned else { return nil }
        if let probe = self.writePMTUProbe(into: &writer, now: now) {
            return probe
        }
        let allowance = self.path.amplification.allowance
        let limit = min(self.path.pmtu.currentSize, allowance)
        guard limit >= 64 else { return nil }
        // A due PATH_CHALLENGE goes out like a probe: left waiting behind the congestion window its timer
        // would fire again at the same instant without ever sending it.
        let isProbe = self.path.probePacketsPending > 0
            || self.path.validation.isChallengeDue(now: now.nanosecondsSinceOrigin)
        var allowAckEliciting = isProbe || self.path.recovery.canSend(bytes: limit)
        if allowAckEliciting, !isProbe, let earliest = self.path.recovery.earliestSendTime(bytes: limit, now: now),
           earliest > now {
            self.path.pacingWakeUp = earliest
            allowAckEliciting = false
        } else {
            self.path.pacingWakeUp = nil
        }
        var packets: [UnsealedPacket] = []
        // Only path 0 carries Initial and Handshake packets.
        let levels: [EncryptionLevel] = self.path.id == 0 ? [.initial, .handshake, .oneRTT] : [.oneRTT]
        for level in levels {
            guard limit - writer.count >= 48 else { break }
            if let packet = self.writePacket(level: level, into: &writer, limit: limit,
                                             allowAckEliciting: allowAckEliciting,
                                             includeConnectionFrames: includeConnectionFrames, now: now) {
                packets.append(packet)
            }
        }
        guard !packets.isEmpty else { return nil }
        // RFC 9000 §14.1: "A client MUST expand the payload of all UDP datagrams carrying Initial packets to at
        // least 1200 bytes [...] a server MUST expand the payload of all UDP datagrams carrying ack-eliciting
        // Initial packets to at least 1200 bytes." §8.2.1: so are datagrams with PATH_CHALLENGE/PATH_RESPONSE.
        let carriesInitial = packets.contains { $0.level == .initial && (self.role == .client || $0.isAckEliciting) }
        if carriesInitial || self.padNextDatagram {
            self.padNextDatagram = false
            self.pad(&packets, to: min(limit, Connection.minimumInitialDatagramSize), writer: &writer)
        }
        return self.seal(packets, into: &writer, to: self.path.fourTuple, now: now)
    }

    /// Adds PADDING to the last packet until the datagram is `size` bytes long.
    func pad(_ packets: inout [UnsealedPacket], to size: Int, writer: inout ByteWriter) {
        guard writer.count < size, let lastIndex = packets.indices.last else { return }
        let missing = size - writer.count
        writer.bytes.removeLast(Connection.tagLength)
        writer.writeZeros(missing)
        writer.writeZeros(Connection.tagLength)
        packets[lastIndex].payloadEnd += missing
    }

    /// Seals and header-protects the packets, records them with loss recovery, and describes the datagram.
    func seal(_ packets: [UnsealedPacket], into writer: inout ByteWriter, to fourTuple: FourTuple,
              now: QUICInstant) -> Transmit? {
        var anyAckEliciting = false
        // RFC 9000 §13.4.2: packets are marked ECT(0) while ECN validation on the path has not failed.
        let ecn = self.path.recovery.ecnCodepointForNextPacket
        for packet in packets {
            PacketHeaderWriter.patchLength(packet.offsets, packetEnd: packet.payloadEnd, tagLength: Connection.tagLength,
                                           in: &writer)
            let headerEnd = packet.offsets.packetNumberOffset + packet.offsets.packetNumberLength
            if self.isLogging {
                self.logPacket(sent: true, level: packet.level, packetNumber: packet.packetNumber,
                               payload: writer.bytes[headerEnd..<packet.payloadEnd],
                               length: packet.payloadEnd + Connection.tagLength - packet.offsets.packetStart, now: now)
            }
            let end: Int
            do {
                end = try packet.keys.seal(in: &writer.bytes, headerRange: packet.offsets.packetStart..<headerEnd,
                                           payloadLength: packet.payloadEnd - headerEnd,
                                           packetNumber: packet.packetNumber, pathID: self.path.id)
                try packet.keys.applyHeaderProtection(to: &writer.bytes, packetStart: packet.offsets.packetStart,
                                                      packetNumberOffset: packet.offsets.packetNumberOffset,
                                                      packetEnd: end)
            } catch {
                self.closeWithError(TransportError(.internalError, reason: "sealing a packet: \(error)"), now: now)
                return nil
            }
            let size = end - packet.offsets.packetStart
            let inFlight = packet.isAckEliciting && !packet.isPMTUProbe
            let sent = SentPacket(packetNumber: packet.packetNumber, timeSent: now, size: size,
                                  isAckEliciting: packet.isAckEliciting, isInFlight: inFlight || packet.isPMTUProbe,
                                  ecn: ecn, payload: SentPacketContents(frames: packet.frames, level: packet.level))
            self.path.recovery.onPacketSent(sent, space: packet.level.packetNumberSpace, now: now)
            self.path.multipath.onPacketSent(bytes: size)
            self.multipath.pathManager?.onPacketSent(self.path.id, bytes: size, ackEliciting: packet.isAckEliciting,
                                                     now: now.nanosecondsSinceOrigin)
            self.stats.packetsSent += 1
            if packet.isAckEliciting { anyAckEliciting = true }
            if packet.level == .zeroRTT { self.earlyData.packetsSent += 1 }
            if packet.level == .oneRTT {
                self.packetsInWritePhase += 1
                if self.writePhaseFirstPacket == nil {
                    self.writePhaseFirstPacket = (self.path.id, packet.packetNumber)
                }
            }
            if packet.level == .handshake, self.role == .client {
                // RFC 9001 §4.9.1: "a client MUST discard Initial keys when it first sends a Handshake packet".
                self.discard(.initial)
            }
        }
        if self.multipath.isNegotiated {
            self.multipath.scheduler.onPacketSent(on: self.snapshot(ofPathAt: self.pathIndex), bytes: writer.count,
                                                  packetClass: anyAckEliciting ? .streamData : .control,
                                                  now: now.nanosecondsSinceOrigin)
        }
        if anyAckEliciting {
            self.idle.onAckElicitingSent(now: now.nanosecondsSinceOrigin, pto: self.ptoNanoseconds)
            if self.path.probePacketsPending > 0 { self.path.probePacketsPending -= 1 }
        }
        if fourTuple == self.path.fourTuple {
            self.path.amplification.onSent(writer.count)
        }
        self.stats.datagramsSent += 1
        self.stats.bytesSent += UInt64(writer.count)
        return Transmit(fourTuple: fourTuple, length: writer.count, ecn: ecn.rawValue, pathID: self.path.id)
    }

    /// The keys and level application data goes out with: 1-RTT, or 0-RTT for a client before that.
    private func applicationWriteKeys() -> (EncryptionLevel, PacketProtection)? {
        if let write = self.oneRTTWrite { return (.oneRTT, write.current) }
        if self.role == .client, let keys = self.spaces[PacketNumberSpace.applicationData.rawValue].writeKeys {
            return (.zeroRTT, keys)
        }
        return nil
    }

    /// Writes one packet at `level` with whatever is due, or nothing.
    private func writePacket(level requested: EncryptionLevel, into writer: inout ByteWriter, limit: Int,
                             allowAckEliciting: Bool, includeConnectionFrames: Bool,
                             now: QUICInstant) -> UnsealedPacket? {
        let space = requested.packetNumberSpace
        let index = space.rawValue
        guard !self.spaces[index].isDiscarded else { return nil }
        let level: EncryptionLevel
        let keys: PacketProtection
        if space == .applicationData {
            guard let (appLevel, appKeys) = self.applicationWriteKeys() else { return nil }
            // RFC 9001 §4.1.1: a server sends 1-RTT data only after the handshake completes (0.5-RTT data is
            // allowed, but not before its Finished); a client sends 1-RTT only when the handshake is complete.
            if appLevel == .oneRTT, self.role == .client, !self.isHandshakeComplete { return nil }
            level = appLevel
            keys = appKeys
        } else {
            guard let spaceKeys = self.spaces[index].writeKeys else { return nil }
            level = requested
            keys = spaceKeys
        }
        let nanoseconds = now.nanosecondsSinceOrigin
        let isProbeSpace = self.path.probePacketsPending > 0
            && (self.probeSpace == nil || self.probeSpace == space || self.path.id != 0)
        let ackDue = self[received: space].ackDue(now: nanoseconds)
        let hasEliciting = allowAckEliciting && self.hasAckElicitingData(
            level: level, space: space, isProbeSpace: isProbeSpace, includeConnectionFrames: includeConnectionFrames)
        let ownAckUseful = !self[received: space].ranges.isEmpty && level != .zeroRTT
            && (ackDue || (hasEliciting && self[received: space].hasNewAckInformation))
        // With multipath, 1-RTT packets also carry the PATH_ACKs other paths owe.
        let otherAcksDue = level == .oneRTT && self.multipath.isNegotiated
            && self.otherPathsOweAcknowledgments(now: nanoseconds, eager: hasEliciting || ownAckUseful)
        let ackUseful = ownAckUseful || otherAcksDue
        guard ackUseful || hasEliciting else { return nil }

        let start = writer.count
        let packetNumber = self[nextPacketNumber: space]
        let packetNumberLength = PacketNumber.encodedLength(
            of: packetNumber, largestAcknowledged: self.path.recovery.tracker(space).largestAcked)
        let offsets: PacketHeaderWriter.Offsets
        switch level {
        case .oneRTT:
            offsets = PacketHeaderWriter.writeShort(
                destination: self.currentPeerCID, packetNumber: packetNumber, packetNumberLength: packetNumberLength,
                keyPhase: self.oneRTTWrite?.keyPhase ?? false, to: &writer)
        case .initial, .handshake, .zeroRTT:
            let type: LongPacketType = level == .initial ? .initial : (level == .handshake ? .handshake : .zeroRTT)
            let token: [UInt8] = level == .initial && self.role == .client ? self.retryToken : []
            offsets = PacketHeaderWriter.writeLong(
                type: type, version: self.longHeaderVersion(for: level), destination: self.currentPeerCID,
                source: self.localCIDs.active.first?.connectionID ?? ConnectionID(), token: token,
                packetNumber: packetNumber, packetNumberLength: packetNumberLength, to: &writer)
        }
        let payloadLimit = limit - Connection.tagLength
        guard payloadLimit - writer.count >= 8 else {
            writer.bytes.removeLast(writer.count - start)
            return nil
        }
        var frames: [SentFrame] = []
        var ackEliciting = false
        if ownAckUseful {
            self.writeAck(space: space, level: level, into: &writer, limit: payloadLimit, frames: &frames, now: now)
        }
        if otherAcksDue {
            self.writeOtherPathAcknowledgments(into: &writer, limit: payloadLimit, frames: &frames,
                                               eager: hasEliciting || ownAckUseful, now: now)
        }
        if hasEliciting {
            ackEliciting = self.writeAckElicitingFrames(level: level, space: space, into: &writer,
                                                        limit: payloadLimit, includeConnectionFrames: includeConnectionFrames,
                                                        frames: &frames, now: now)
            if !ackEliciting && isProbeSpace {
                // RFC 9002 §6.2.4: a probe must be ack-eliciting; PING when there is nothing else.
                Frame.ping.encode(to: &writer)
                frames.append(.other)
                ackEliciting = true
            }
        }
        guard !frames.isEmpty else {
            writer.bytes.removeLast(writer.count - start)
            return nil
        }
        // RFC 9001 §5.4.2: the header protection sample starts 4 bytes after the packet number start, so the
        // packet number and payload together must be at least 4 bytes.
        let minimumPayload = 4 - packetNumberLength
        let payloadLength = writer.count - (offsets.packetNumberOffset + packetNumberLength)
        if payloadLength < minimumPayload {
            writer.writeZeros(minimumPayload - payloadLength)
        }
        let payloadEnd = writer.count
        writer.writeZeros(Connection.tagLength)
        self[nextPacketNumber: space] += 1
        return UnsealedPacket(level: level, offsets: offsets, payloadEnd: payloadEnd, packetNumber: packetNumber,
                              keys: keys, frames: frames, isAckEliciting: ackEliciting)
    }

    /// Whether an ack-eliciting frame is waiting at this level.
    private func hasAckElicitingData(level: EncryptionLevel, space: PacketNumberSpace, isProbeSpace: Bool,
                                     includeConnectionFrames: Bool) -> Bool {
        if isProbeSpace || self.hasInjectedFrames(level) { return true }
        if level == .oneRTT, self.hasPathBoundFrames(now: self.lastNow) { return true }
        guard includeConnectionFrames else { return false }
        if self.spaces[space.rawValue].hasCryptoToSend { return true }
        guard space == .applicationData else { return false }
        if self.pingPending || self.streams.hasPendingFrames || !self.datagramsToSend.isEmpty {
            return true
        }
        guard level == .oneRTT else { return false }
        return self.hasConnectionControlFrames
    }

    /// Control frames that may leave on any path (RFC 9000 connection-level frames and the multipath ones).
    var hasConnectionControlFrames: Bool {
        self.handshakeDonePending || self.newTokenPending != nil
            || !self.localCIDs.pendingAnnouncements.isEmpty || !self.peerCIDs.pendingRetirements.isEmpty
            || self.hasMultipathControlFrames
    }

    /// Frames that must leave on the current path: its PATH_CHALLENGE and the PATH_RESPONSEs owed on it.
    func hasPathBoundFrames(now: UInt64) -> Bool {
        self.path.validation.isChallengeDue(now: now)
            || self.pathResponsesPending.contains { $0.pathID == self.path.id && $0.fourTuple == self.path.fourTuple }
            || (self.paths.count > 1 && self.hasRedundantCopiesForCurrentPath)
    }

    private func writeAck(space: PacketNumberSpace, level: EncryptionLevel, into writer: inout ByteWriter, limit: Int,
                          frames: inout [SentFrame], now: QUICInstant) {
        let received = self[received: space]
        guard let largest = received.ranges.largest else { return }
        // draft-ietf-quic-multipath-21 §2.3: PATH_ACK "after the handshake concludes with support for the multipath
        // extension".
        if level == .oneRTT, self.multipath.isNegotiated, self.isHandshakeComplete {
            self.writePathAck(forPathAt: self.pathIndex, into: &writer, limit: limit, frames: &frames, now: now)
            return
        }
        let delay = space == .applicationData
            ? (received.ackDelay(now: now.nanosecondsSinceOrigin) / 1_000) >> self.configuration.ackDelayExponent : 0
        var ranges = received.ranges
        let ecn = received.sawECN
            ? ECNCounts(ect0: received.ecnCounts.ect0, ect1: received.ecnCounts.ect1, ce: received.ecnCounts.ce) : nil
        var frame = Frame.ack(AckFrame(ranges: ranges, ackDelay: delay, ecn: ecn))
        while frame.encodedLength > limit - writer.count, ranges.rangeCount > 1 {
            ranges.keepLargest(max(1, ranges.rangeCount / 2))
            frame = Frame.ack(AckFrame(ranges: ranges, ackDelay: delay, ecn: ecn))
        }
        guard frame.encodedLength <= limit - writer.count else { return }
        frame.encode(to: &writer)
        frames.append(.ack(pathID: self.path.id, largest: largest))
        self[received: space].onAckSent()
    }

    /// Writes CRYPTO, control, stream and datagram frames; returns whether any was written.
    private func writeAckElicitingFrames(level: EncryptionLevel, space: PacketNumberSpace,
                                         into writer: inout ByteWriter, limit: Int, includeConnectionFrames: Bool,
                                         frames: inout [SentFrame], now: QUICInstant) -> Bool {
        let before = frames.count
        let index = space.rawValue
        self.writeInjectedFrames(level: level, into: &writer, limit: limit, frames: &frames)
        if level == .oneRTT {
            self.writePathBoundFrames(into: &writer, limit: limit, frames: &frames, now: now)
        }
        guard includeConnectionFrames else {
            return self.finishAckElicitingFrames(before: before, into: &writer, frames: &frames, probe: false)
        }
        if level == .oneRTT, self.handshakeDonePending, limit - writer.count >= 1 {
            Frame.handshakeDone.encode(to: &writer)
            frames.append(.handshakeDone)
            self.handshakeDonePending = false
        }
        while self.spaces[index].hasCryptoToSend {
            let room = limit - writer.count - 1 - 8 - 4
            guard room > 0, let chunk = self.spaces[index].cryptoSend.nextChunk(maxLength: room, limit: .max) else {
                break
            }
            Frame.crypto(CryptoFrame(offset: chunk.offset, data: chunk.data)).encode(to: &writer)
            frames.append(.crypto(offset: chunk.offset, length: chunk.data.count))
        }
        if level == .oneRTT {
            self.writeControlFrames(into: &writer, limit: limit, frames: &frames, now: now)
        }
        if level == .oneRTT || level == .zeroRTT {
            let nanoseconds = now.nanosecondsSinceOrigin
            let smoothedRTT = UInt64(max(self.path.recovery.rtt.smoothedRTT.nanoseconds, 0))
            let permits = self.streamPermits
            while limit - writer.count > 0,
                  let (frame, record) = self.streams.pollFrame(maxLength: limit - writer.count, now: nanoseconds,
                                                               smoothedRTT: smoothedRTT, permits: permits) {
                frame.encode(to: &writer)
                frames.append(.stream(record))
                if case .stream(let id, _, let length, _) = record {
                    self.stats.streamBytesSent += UInt64(length)
                    if permits != nil, self.streamIntents[id]?.kind == .redundant {
                        self.queueRedundantCopies(ofStream: record)
                    }
                }
            }
            self.writeDatagrams(into: &writer, limit: limit, frames: &frames)
        }
        return self.finishAckElicitingFrames(before: before, into: &writer, frames: &frames, probe: self.pingPending)
    }

    /// Adds a PING when `probe` asks for an ack-eliciting packet and nothing else made it one; says whether the
    /// frames from `before` on make the packet ack-eliciting.
    private func finishAckElicitingFrames(before: Int, into writer: inout ByteWriter, frames: inout [SentFrame],
                                          probe: Bool) -> Bool {
        if probe, frames.count == before || !frames[before...].contains(where: { $0.isAckEliciting }) {
            Frame.ping.encode(to: &writer)
            frames.append(.other)
        }
        if probe { self.pingPending = false }
        return frames[before...].contains { $0.isAckEliciting }
    }

    /// PATH_RESPONSEs owed on the current path and its PATH_CHALLENGE, when due.
    private func writePathBoundFrames(into writer: inout ByteWriter, limit: Int, frames: inout [SentFrame],
                                      now: QUICInstant) {
        if self.paths.count > 1 { self.writeRedundantCopies(into: &writer, limit: limit, frames: &frames) }
        for (position, pending) in self.pathResponsesPending.enumerated().reversed()
        where pending.pathID == self.path.id && pending.fourTuple == self.path.fourTuple {
            let frame = Frame.pathResponse(pending.data)
            guard frame.encodedLength <= limit - writer.count else { break }
            frame.encode(to: &writer)
            frames.append(.other)
            self.pathResponsesPending.remove(at: position)
            self.padNextDatagram = true
        }
        if let data = self.path.validation.challengeToSend(now: now.nanosecondsSinceOrigin,
                                                           pto: self.ptoNanoseconds, random: &self.random) {
            Frame.pathChallenge(data).encode(to: &writer)
            frames.append(.other)
            self.padNextDatagram = true
        }
    }

    private func writeControlFrames(into writer: inout ByteWriter, limit: Int, frames: inout [SentFrame],
                                    now: QUICInstant) {
        self.writeMultipathControlFrames(into: &writer, limit: limit, frames: &frames)
        while let entry = self.localCIDs.popAnnouncement() {
            let frame = Frame.newConnectionID(NewConnectionIDFrame(
                sequenceNumber: entry.sequenceNumber, retirePriorTo: self.localCIDs.retirePriorTo,
                connectionID: entry.connectionID, statelessResetToken: entry.resetToken))
            guard frame.encodedLength <= limit - writer.count else {
                self.localCIDs.announcementLost(entry.sequenceNumber)
                break
            }
            frame.encode(to: &writer)
            frames.append(.newConnectionID(pathID: 0, sequenceNumber: entry.sequenceNumber))
        }
        while let sequenceNumber = self.peerCIDs.popRetirement() {
            let frame = Frame.retireConnectionID(RetireConnectionIDFrame(sequenceNumber: sequenceNumber))
            guard frame.encodedLength <= limit - writer.count else {
                self.peerCIDs.retirementLost(sequenceNumber)
                break
            }
            frame.encode(to: &writer)
            frames.append(.retireConnectionID(pathID: 0, sequenceNumber: sequenceNumber))
        }
        if let token = self.newTokenPending {
            let frame = Frame.newToken(NewTokenFrame(token: token[...]))
            if frame.encodedLength <= limit - writer.count {
                frame.encode(to: &writer)
                frames.append(.newToken(token))
                self.newTokenPending = nil
            }
        }
    }

    private func writeDatagrams(into writer: inout ByteWriter, limit: Int, frames: inout [SentFrame]) {
        while let queued = self.datagramsToSend.first {
            // A datagram pinned to another path waits for a packet on that path.
            if self.paths.count > 1, let pinned = queued.kind.pinnedPath, pinned != self.path.id { break }
            let frame = Frame.datagram(DatagramFrame(data: queued.bytes[...], hasLength: true))
            guard frame.encodedLength <= limit - writer.count else { break }
            frame.encode(to: &writer)
            frames.append(.other)
            self.datagramsToSend.removeFirst()
            self.stats.datagramFramesSent += 1
            if queued.kind == .redundant { self.queueRedundantCopies(ofDatagram: queued.bytes) }
        }
    }

    /// Drops the DATAGRAMs that waited longer than the configured maximum delay, and counts them.
    func dropExpiredDatagrams(now: UInt64) {
        self.stats.datagramsExpired += UInt64(self.datagramsToSend.dropExpired(now: now))
    }
}

extension SentFrame {
    /// Whether the frame makes its packet ack-eliciting (everything but ACK, PADDING and CONNECTION_CLOSE).
    var isAckEliciting: Bool {
        if case .ack = self { return false }
        return true
    }
}
