import QUICCrypto
import QUICRecovery
import QUICTLS
import QUICWire

extension Connection {
    /// The length of the connection IDs this endpoint issued (short headers carry one of them).
    var localConnectionIDLength: Int { self.localCIDs.active.first?.connectionID.length ?? 0 }

    /// Takes one UDP datagram that arrived on `fourTuple` (local and remote address as seen by this endpoint).
    ///
    /// - Parameter ecn: the datagram's ECN codepoint (0 not-ECT, 1 ECT(1), 2 ECT(0), 3 CE).
    public func handle(datagram: ArraySlice<UInt8>, from fourTuple: FourTuple, ecn: UInt8 = 0, now: QUICInstant) {
        switch self.closeState {
        case .closed, .draining:
            return
        case .closing:
            // RFC 9000 §10.2.1: "An endpoint in the closing state sends a packet containing a CONNECTION_CLOSE
            // frame in response to any incoming packet that it attributes to the connection." Once per
            // datagram at most, which keeps the answer smaller than what triggers it.
            self.closeRepeatAllowed = true
            return
        case .open:
            break
        }
        self.stats.datagramsReceived += 1
        self.lastDatagramSize = datagram.count
        self.lastNow = now.nanosecondsSinceOrigin
        self.stats.bytesReceived += UInt64(datagram.count)
        if let index = self.paths.firstIndex(where: { $0.fourTuple == fourTuple }) {
            self.paths[index].amplification.onReceived(datagram.count)
        } else if self.path.candidate?.fourTuple == fourTuple {
            self.path.candidate?.amplification.onReceived(datagram.count)
        }
        let parser = PacketParser(shortHeaderConnectionIDLength: self.localConnectionIDLength)
        let (packets, _) = parser.split(datagram)
        var anyProcessed = false
        var firstDestination: ConnectionID?
        for (range, header) in packets {
            // RFC 9000 §12.2: "Senders MUST NOT coalesce QUIC packets with different connection IDs into a
            // single UDP datagram. Receivers SHOULD ignore any subsequent packets with a different
            // Destination Connection ID than the first packet in the datagram."
            if let destination = Connection.destination(of: header) {
                if let first = firstDestination, first != destination { break }
                firstDestination = destination
            }
            do {
                if try self.processPacket(datagram[range], header: header, from: fourTuple, ecn: ecn, now: now) {
                    anyProcessed = true
                }
            } catch {
                self.closeWithError(error, now: now)
                return
            }
            if !self.closeState.isOpen { return }
        }
        if !anyProcessed, self.isStatelessReset(datagram) {
            self.enterDraining(.statelessReset, now: now)
            return
        }
        if self.keysBecameAvailable {
            self.retryUndecryptable(from: fourTuple, now: now)
        }
        self.runPathManager(now: now)
        self.updateLossTimer(now: now)
    }

    static func destination(of header: PacketHeader) -> ConnectionID? {
        switch header {
        case .long(let long): return long.destinationConnectionID
        case .short(let short): return short.destinationConnectionID
        default: return nil
        }
    }

    /// RFC 9000 §10.3.1: a datagram that could not be processed and ends with a reset token the peer
    /// issued is a stateless reset.
    func isStatelessReset(_ datagram: ArraySlice<UInt8>) -> Bool {
        guard let first = datagram.first, first & 0x80 == 0,
              let token = PacketParser.trailingResetToken(of: datagram) else { return false }
        return self.peerCIDs.isResetToken(token)
            || self.multipath.peerPathCIDs.values.contains { $0.isResetToken(token) }
    }

    private func retryUndecryptable(from fourTuple: FourTuple, now: QUICInstant) {
        self.keysBecameAvailable = false
        for index in self.spaces.indices {
            let pending = self.spaces[index].undecryptable
            guard !pending.isEmpty else { continue }
            self.spaces[index].undecryptable.removeAll()
            for (bytes, ecn) in pending {
                self.handle(datagram: bytes[...], from: fourTuple, ecn: ecn, now: now)
            }
        }
    }

    /// Processes one packet; returns whether it was authenticated and accepted.
    private func processPacket(_ bytes: ArraySlice<UInt8>, header: PacketHeader, from fourTuple: FourTuple,
                               ecn: UInt8, now: QUICInstant) throws(TransportError) -> Bool {
        let level: EncryptionLevel
        let packetNumberOffset: Int
        let packetEnd: Int
        var versionRoute = LongHeaderVersionRoute()
        switch header {
        case .versionNegotiation(let negotiation):
            self.handleVersionNegotiation(negotiation, now: now)
            return false
        case .retry(let retry):
            try self.handleRetry(retry, now: now)
            return false
        case .unsupportedVersion:
            return false
        case .long(let long):
            guard let route = self.route(of: long) else { return false }
            versionRoute = route
            switch long.type {
            case .initial: level = .initial
            case .handshake: level = .handshake
            case .zeroRTT:
                guard self.role == .server else { return false }
                level = .zeroRTT
            case .retry: return false
            }
            // RFC 9000 §17.2.2: a server's Initial carries no token; "a client that receives an Initial
            // packet with a non-zero Token Length field MUST either discard the packet or generate a
            // connection error of type PROTOCOL_VIOLATION".
            if level == .initial, self.role == .client, !long.token.isEmpty { return false }
            packetNumberOffset = long.packetNumberOffset
            packetEnd = long.packetEnd
        case .short(let short):
            level = .oneRTT
            packetNumberOffset = short.packetNumberOffset
            packetEnd = short.packetEnd
        }
        // Long headers travel on path 0; a short header's connection ID names its path (draft-ietf-quic-multipath-21
        // §3.1). A connection ID of a path ID not in use yet opens that path once the packet authenticates.
        var openedPath: Int?
        switch header {
        case .short(let short):
            guard let pathID = self.pathID(ofLocalConnectionID: short.destinationConnectionID)
                    ?? (self.localConnectionIDLength == 0 ? 0 : nil) else { return false }
            if let index = self.pathIndex(of: pathID) {
                self.pathIndex = index
            } else if let index = self.acceptPeerPath(pathID, fourTuple: fourTuple, now: now) {
                self.pathIndex = index
                openedPath = index
            } else {
                return false
            }
        default:
            guard let index = self.pathIndex(of: 0) else { return false }
            self.pathIndex = index
        }
        let spaceIndex = level.packetNumberSpace.rawValue
        guard !self.spaces[spaceIndex].isDiscarded || level == .oneRTT || level == .zeroRTT else { return false }

        self.receiveBuffer.removeAll(keepingCapacity: true)
        self.receiveBuffer.append(contentsOf: bytes)
        guard let opened = self.open(level: level, packetNumberOffset: packetNumberOffset, packetEnd: packetEnd,
                                     initialReadKeys: versionRoute.initialReadKeys, now: now) else {
            if let openedPath {
                // Not authentic: the path does not exist after all.
                let removed = self.paths.remove(at: openedPath)
                self.multipath.usedPathIDs.remove(removed.id)
                self.multipath.congestionGroup.leave(controllerOf: removed.recovery.congestion)
                self.pathIndex = 0
                return false
            }
            if self.needsKeys(level) && self.spaces[spaceIndex].undecryptable.count < 16 {
                self.spaces[spaceIndex].undecryptable.append((Array(bytes), ecn))
            }
            self.stats.packetsDropped += 1
            return false
        }
        // RFC 9000 §17.2/§17.3.1: reserved bits must be zero once protection is removed.
        let reservedMask: UInt8 = level == .oneRTT ? 0x18 : 0x0c
        guard self.receiveBuffer[0] & reservedMask == 0 else {
            throw TransportError(.protocolViolation, reason: "reserved header bits are not zero")
        }
        if let switchTo = versionRoute.switchTo, let readKeys = versionRoute.initialReadKeys {
            self.switchToNegotiatedVersion(switchTo.version, readKeys: readKeys, writeKeys: switchTo.writeKeys)
        }
        if self[received: level.packetNumberSpace].isDuplicate(opened.packetNumber) {
            self.stats.packetsDropped += 1
            return true
        }
        if case .long(let long) = header {
            try self.onFirstPackets(long, level: level)
        }
        let destination = Connection.destination(of: header) ?? ConnectionID()
        let payload = self.receiveBuffer[opened.payload]
        if self.isLogging {
            self.logPacket(sent: false, level: level, packetNumber: opened.packetNumber, payload: payload,
                           length: bytes.count, now: now)
        }
        var decoder: FrameDecoder
        do {
            decoder = try FrameDecoder(payload: payload, level: level)
        } catch {
            throw error.transportError
        }
        var ackEliciting = false
        var probingOnly = true
        while true {
            let frame: Frame?
            do {
                frame = try decoder.next()
            } catch {
                throw error.transportError
            }
            guard let frame else { break }
            if frame.isAckEliciting { ackEliciting = true }
            if !frame.isProbing { probingOnly = false }
            try self.process(frame, level: level, destination: destination, from: fourTuple, now: now)
            if !self.closeState.isOpen { return true }
        }
        self.stats.packetsReceived += 1
        self.path.multipath.bytesReceived += UInt64(bytes.count)
        self.multipath.pathManager?.onPacketReceived(self.path.id, bytes: bytes.count, now: now.nanosecondsSinceOrigin)
        if level == .zeroRTT { self.earlyData.packetsReceived += 1 }
        self[received: level.packetNumberSpace].onPacketReceived(opened.packetNumber, ackEliciting: ackEliciting, ecn: ecn,
                                                          now: now.nanosecondsSinceOrigin)
        self.idle.onPacketReceived(now: now.nanosecondsSinceOrigin, pto: self.ptoNanoseconds)
        if level == .handshake, self.role == .server {
            // RFC 9001 §4.9.1: "a server MUST discard Initial keys when it first successfully processes a
            // Handshake packet." RFC 9000 §8.1: receiving a Handshake packet validates the client's address.
            self.discard(.initial)
            self.path.amplification.markValidated()
        }
        if level == .oneRTT, fourTuple != self.path.fourTuple {
            self.onPacketFromNewAddress(fourTuple, probingOnly: probingOnly,
                                        packetNumber: opened.packetNumber, now: now)
        }
        return true
    }

    private func needsKeys(_ level: EncryptionLevel) -> Bool {
        switch level {
        case .initial: return false
        case .handshake: return self.spaces[PacketNumberSpace.handshake.rawValue].readKeys == nil
            && !self.spaces[PacketNumberSpace.handshake.rawValue].isDiscarded
        case .zeroRTT: return self.spaces[PacketNumberSpace.applicationData.rawValue].readKeys == nil
            && self.oneRTTRead == nil
        case .oneRTT: return self.oneRTTRead == nil
        }
    }

    /// The client learns the server's connection ID from its first Initial (RFC 9000 §7.2).
    private func onFirstPackets(_ header: LongHeader, level: EncryptionLevel) throws(TransportError) {
        guard self.role == .client, !self.receivedFirstPeerPacket else { return }
        self.receivedFirstPeerPacket = true
        self.peerInitialSourceConnectionID = header.sourceConnectionID
        self.peerCIDs = PeerConnectionIDs(initial: header.sourceConnectionID,
                                          limit: Int(self.configuration.activeConnectionIDLimit))
    }

    /// Removes header protection and opens the payload in `receiveBuffer`; nil when the packet cannot be
    /// authenticated (it is dropped, RFC 9001 §5.5) or its keys are not available.
    ///
    /// - Parameter initialReadKeys: keys of another version for an Initial packet (version negotiation).
    private func open(level: EncryptionLevel, packetNumberOffset: Int, packetEnd: Int,
                      initialReadKeys: PacketProtection? = nil,
                      now: QUICInstant) -> (packetNumber: UInt64, payload: Range<Int>)? {
        let spaceIndex = level.packetNumberSpace.rawValue
        let headerKeys: PacketProtection?
        switch level {
        case .initial: headerKeys = initialReadKeys ?? self.spaces[spaceIndex].readKeys
        case .handshake: headerKeys = self.spaces[spaceIndex].readKeys
        case .zeroRTT: headerKeys = self.role == .server ? self.spaces[spaceIndex].readKeys : nil
        case .oneRTT: headerKeys = self.oneRTTRead?.current
        }
        guard let headerKeys else { return nil }
        let truncated: (packetNumberLength: Int, truncatedPacketNumber: UInt64)
        do {
            truncated = try headerKeys.removeHeaderProtection(
                from: &self.receiveBuffer, packetStart: 0, packetNumberOffset: packetNumberOffset, packetEnd: packetEnd)
        } catch {
            return nil
        }
        let largest = self[received: level.packetNumberSpace].ranges.largest
        let packetNumber = PacketNumber.decode(truncated: truncated.truncatedPacketNumber,
                                               length: truncated.packetNumberLength, largestReceived: largest)
        let headerEnd = packetNumberOffset + truncated.packetNumberLength
        let ciphertextLength = packetEnd - headerEnd
        guard ciphertextLength >= 16 else { return nil }

        var keys = headerKeys
        var usedNextPhase = false
        if level == .oneRTT, let read = self.oneRTTRead {
            let phase = ProtectedBits.keyPhase(firstByte: self.receiveBuffer[0])
            if phase != read.keyPhase {
                // RFC 9001 §6.3: a packet with the other phase is either from before the last update (lower
                // packet number, previous keys) or starts the peer's next update.
                if let previous = read.previous, largest.map({ packetNumber < $0 }) ?? false {
                    keys = previous
                } else {
                    keys = read.next
                    usedNextPhase = true
                }
            }
        }
        let plaintextLength: Int
        do {
            plaintextLength = try keys.open(in: &self.receiveBuffer, headerRange: 0..<headerEnd,
                                            ciphertextLength: ciphertextLength, packetNumber: packetNumber,
                                            pathID: self.path.id)
        } catch {
            self.authenticationFailures += 1
            return nil
        }
        if usedNextPhase {
            self.onPeerKeyUpdate(now: now)
        }
        return (packetNumber, headerEnd..<(headerEnd + plaintextLength))
    }

    /// The peer started a key update (RFC 9001 §6.2): move the read keys on, and follow with the write keys.
    private func onPeerKeyUpdate(now: QUICInstant) {
        do {
            try self.oneRTTRead?.update()
            if let read = self.oneRTTRead, let write = self.oneRTTWrite, read.keyPhase != write.keyPhase {
                try self.oneRTTWrite?.update()
                self.packetsInWritePhase = 0
                self.writePhaseFirstPacket = nil
                self.writePhaseAcknowledged = false
                // Counted here when answering; an update this endpoint started was counted when it began.
                self.stats.keyUpdates += 1
            }
            self.previousReadKeysDiscardAt = now + self.largestPTO * 3
        } catch {
            self.closeWithError(TransportError(.internalError, reason: "key update: \(error)"), now: now)
        }
    }

    // MARK: - Version Negotiation and Retry (client)

    private func handleVersionNegotiation(_ packet: VersionNegotiationPacket, now: QUICInstant) {
        // RFC 9000 §6.2: "A client MUST discard any Version Negotiation packet if it has received and
        // successfully processed any other packet [...] A client MUST discard a Version Negotiation packet
        // that lists the QUIC version selected by the client." RFC 9368 §4: "Clients MUST ignore any received
        // Version Negotiation packets that contain the Original Version. A client that makes a connection attempt
        // based on information received from a Version Negotiation packet MUST ignore any Version Negotiation
        // packets it receives in response to that connection attempt."
        guard self.role == .client, !self.receivedFirstPeerPacket, !self.didVersionNegotiation,
              !packet.supportedVersions.contains(self.version) else { return }
        guard packet.destinationConnectionID.elementsEqual(self.localCIDs.active.first?.connectionID.bytes ?? []),
              packet.sourceConnectionID.elementsEqual(self.initialKeysConnectionID.bytes) else { return }
        guard let chosen = self.configuration.supportedVersions.first(where: { packet.supportedVersions.contains($0) })
        else {
            self.enterDraining(.versionNegotiationFailed(packet.supportedVersions.filter { !$0.isReserved }), now: now)
            return
        }
        // Incompatible version negotiation (RFC 9368 §2.1): "it SHALL select a mutually supported version and
        // send a new first flight with that version".
        do {
            try self.restartFirstFlight(in: chosen, now: now)
        } catch {
            self.closeWithError(error, now: now)
        }
    }

    /// Everything sent in Initial packets goes out again (after Retry or Version Negotiation), without
    /// counting as lost.
    private func resendInitialCrypto() {
        var removed: [SentPacket<SentPacketContents>] = []
        self.path.recovery.discard(space: .initial, into: &removed)
        for packet in removed {
            for case .crypto(let offset, let length) in packet.payload.frames {
                self.spaces[PacketNumberSpace.initial.rawValue].cryptoSend.markLost(offset: offset, length: length,
                                                                                   fin: false)
            }
        }
    }

    private func handleRetry(_ retry: RetryPacket, now: QUICInstant) throws(TransportError) {
        // RFC 9000 §17.2.5.2: "A client MUST accept and process at most one Retry packet for each connection
        // attempt. After the client has received and processed an Initial or Retry packet from the server,
        // it MUST discard any subsequent Retry packets." Retry with an empty token or a bad tag is dropped.
        guard self.role == .client, !self.receivedFirstPeerPacket, self.retrySourceConnectionID == nil,
              !retry.token.isEmpty, retry.version == self.version else { return }
        let packet = Array(retry.bytesWithoutTag) + Array(retry.integrityTag)
        guard (try? RetryIntegrity.isValid(version: self.version,
                                           originalDestinationConnectionID: self.initialKeysConnectionID,
                                           retryPacket: packet)) == true else { return }
        self.retrySourceConnectionID = retry.sourceConnectionID
        self.retryToken = Array(retry.token)
        self.initialKeysConnectionID = retry.sourceConnectionID
        self.peerCIDs = PeerConnectionIDs(initial: retry.sourceConnectionID,
                                          limit: Int(self.configuration.activeConnectionIDLimit))
        try self.installInitialKeys()
        // RFC 9000 §17.2.5.2: the client sends its Initial again with the token.
        self.resendInitialCrypto()
        self.requeueEarlyData(now: now)
    }
}
