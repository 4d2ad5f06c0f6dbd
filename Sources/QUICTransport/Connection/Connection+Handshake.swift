import QUICCrypto
import QUICRecovery
import QUICTLS
import QUICWire

extension Connection {
    /// RFC 9000 §7.5: "Implementations MUST support buffering at least 4096 bytes of data received in
    /// out-of-order CRYPTO frames." Beyond this much unread data the connection fails with
    /// CRYPTO_BUFFER_EXCEEDED.
    static let cryptoBufferLimit: UInt64 = 64 * 1_024

    /// CRYPTO data from the peer at `level`: reassembled, then fed in order to TLS.
    func receiveCrypto(_ frame: CryptoFrame, level: EncryptionLevel, now: QUICInstant) throws(TransportError) {
        let index = level.packetNumberSpace.rawValue
        let limit = self.spaces[index].cryptoReceive.readOffset + Connection.cryptoBufferLimit
        do {
            try self.spaces[index].cryptoReceive.receive(offset: frame.offset, data: frame.data, fin: false,
                                                         limit: limit)
        } catch {
            if error.code == .flowControlError {
                throw TransportError(.cryptoBufferExceeded, frameType: 0x06,
                                     reason: "CRYPTO data beyond \(Connection.cryptoBufferLimit) buffered bytes")
            }
            throw TransportError(error.code, frameType: 0x06, reason: error.reason)
        }
        guard self.spaces[index].cryptoReceive.readableCount > 0 else { return }
        var bytes = self.spaces[index].cryptoReceive.read()
        if self.role == .server, level == .initial, !self.versionNegotiation.serverDecided {
            // The version is settled from the ClientHello before TLS answers it (Connection+VersionNegotiation).
            guard let held = try self.holdClientHello(bytes, now: now) else { return }
            bytes = held
        }
        self.tls.nowMilliseconds = now.nanosecondsSinceOrigin / 1_000_000
        do {
            try self.tls.receive(bytes[...], at: level)
        } catch {
            throw error.transportError
        }
        try self.driveTLS(now: now)
    }

    /// Collects what TLS produced: handshake bytes per level, traffic secrets, events and key-log lines.
    func driveTLS(now: QUICInstant) throws(TransportError) {
        while true {
            var progressed = false
            while let (level, bytes) = self.tls.pollOutput() {
                self.spaces[level.packetNumberSpace.rawValue].cryptoSend.write(bytes)
                progressed = true
            }
            while let secret = self.tls.pollSecret() {
                try self.install(secret)
                progressed = true
            }
            while let line = self.tls.pollKeyLogLine() {
                self.keyLogLines.append(line)
            }
            while let event = self.tls.pollEvent() {
                try self.handle(event, now: now)
                progressed = true
            }
            if !progressed { return }
        }
    }

    private func install(_ secret: TLSSecret) throws(TransportError) {
        guard let suite = QUICCrypto.CipherSuite(rawValue: secret.cipherSuite.rawValue) else {
            throw TransportError(.internalError, reason: "TLS negotiated a suite packet protection lacks")
        }
        do {
            // 0-RTT stays in the first flight's version (RFC 9369 §4.1); the rest is in the version in use.
            let parameters = try VersionParameters.forVersion(
                secret.level == .zeroRTT ? self.versionNegotiation.firstFlightVersion : self.version)
            switch secret.level {
            case .handshake:
                let keys = try PacketProtection(cipherSuite: suite, secret: secret.secret,
                                                parameters: parameters)
                let index = PacketNumberSpace.handshake.rawValue
                if secret.direction == .read { self.spaces[index].readKeys = keys } else {
                    self.spaces[index].writeKeys = keys
                }
            case .oneRTT:
                let state = try KeyUpdateState(cipherSuite: suite, secret: secret.secret,
                                               parameters: parameters)
                if secret.direction == .read { self.oneRTTRead = state } else { self.oneRTTWrite = state }
                self.negotiatedCipherSuite = secret.cipherSuite
                // RFC 9001 §4.9.3: "clients SHOULD discard 0-RTT keys as soon as they install 1-RTT keys".
                if secret.direction == .write, self.role == .client {
                    self.spaces[PacketNumberSpace.applicationData.rawValue].writeKeys = nil
                }
            case .zeroRTT:
                let keys = try PacketProtection(cipherSuite: suite, secret: secret.secret,
                                                parameters: parameters)
                let index = PacketNumberSpace.applicationData.rawValue
                if secret.direction == .read { self.spaces[index].readKeys = keys } else {
                    self.spaces[index].writeKeys = keys
                }
            case .initial:
                break
            }
        } catch {
            throw TransportError(.internalError, reason: "installing \(secret.level) keys: \(error)")
        }
        // Packets that arrived before these keys can be opened now.
        self.keysBecameAvailable = true
    }

    private func handle(_ event: TLSHandshakeEvent, now: QUICInstant) throws(TransportError) {
        switch event {
        case .peerTransportParameters(let bytes):
            try self.applyPeerTransportParameters(bytes, now: now)
        case .negotiatedALPN(let alpn):
            self.negotiatedALPN = alpn
        case .verifyPeer(let request):
            self.earlyData.peerSentCertificate = true
            switch self.configuration.peerVerification {
            case .immediate(let verify):
                do {
                    try self.tls.provideVerdict(verify(request))
                } catch {
                    throw error.transportError
                }
            case .deferred:
                self.pendingVerification = true
                self.emit(.peerVerificationRequested(request))
            }
        case .earlyDataAccepted:
            self.emit(.earlyData(accepted: true))
        case .earlyDataRejected:
            self.onEarlyDataRejected(now: now)
            self.emit(.earlyData(accepted: false))
        case .handshakeComplete:
            self.onHandshakeComplete(now: now)
        case .newSessionTicket(let ticket):
            self.emit(.sessionTicket(ticket))
        }
    }

    /// Answers a ``ConnectionEvent/peerVerificationRequested(_:)``.
    public func providePeerVerdict(_ verdict: PeerVerdict, now: QUICInstant) {
        guard self.pendingVerification, self.closeState.isOpen else { return }
        self.pendingVerification = false
        do {
            self.tls.nowMilliseconds = now.nanosecondsSinceOrigin / 1_000_000
            try self.tls.provideVerdict(verdict)
            try self.driveTLS(now: now)
        } catch let error as TLSHandshakeError {
            self.closeWithError(error.transportError, now: now)
        } catch let error as TransportError {
            self.closeWithError(error, now: now)
        } catch {
            self.closeWithError(TransportError(.internalError, reason: "\(error)"), now: now)
        }
    }

    private func onHandshakeComplete(now: QUICInstant) {
        self.isHandshakeComplete = true
        self.handshakeCompletedAt = now
        self.emit(.handshakeCompleted(alpn: self.negotiatedALPN ?? []))
        self.logState("handshake_complete", now: now)
        if self.role == .server {
            // RFC 9001 §4.1.2: "the TLS handshake is considered confirmed at the server when the handshake
            // completes. The server MUST send a HANDSHAKE_DONE frame as soon as the handshake is complete."
            self.handshakeDonePending = true
            self.confirmHandshake(now: now)
        }
        self.issueConnectionIDs()
        self.onMultipathHandshakeComplete()
    }

    /// RFC 9001 §4.9.2: "An endpoint MUST discard its Handshake keys when the TLS handshake is confirmed".
    func confirmHandshake(now: QUICInstant) {
        guard !self.isHandshakeConfirmed else { return }
        self.isHandshakeConfirmed = true
        self.logState("handshake_confirmed", now: now)
        self.discard(.handshake)
        // The address is validated by the handshake itself (RFC 9000 §8.1).
        self.path.amplification.markValidated()
        self.path.validation.markValidated()
        self.migrateToPreferredAddress(now: now)
        self.startPathManager(now: now)
    }

    /// Drops a space's keys and forgets its packets in flight (RFC 9001 §4.9, RFC 9002 §6.4).
    func discard(_ space: PacketNumberSpace) {
        let index = space.rawValue
        guard !self.spaces[index].isDiscarded else { return }
        self.spaces[index].isDiscarded = true
        self.spaces[index].readKeys = nil
        self.spaces[index].writeKeys = nil
        self.spaces[index].undecryptable.removeAll()
        if space == .initial {
            self.versionNegotiation.firstFlightInitialReadKeys = nil
        }
        var removed: [SentPacket<SentPacketContents>] = []
        self.path.recovery.discard(space: space, into: &removed)
        if space == .initial || space == .handshake {
            self.probeSpace = self.probeSpace == space ? nil : self.probeSpace
        }
    }

    /// Decodes, checks and applies the peer's transport parameters (RFC 9000 §7.3, §7.4, §18).
    private func applyPeerTransportParameters(_ bytes: [UInt8], now: QUICInstant) throws(TransportError) {
        let parameters: TransportParameters
        do {
            parameters = try TransportParameters.decode(bytes[...], sender: self.role == .client ? .server : .client)
        } catch {
            throw TransportError(.transportParameterError, reason: error.reason)
        }
        // RFC 9000 §7.3: "An endpoint MUST treat the absence of the initial_source_connection_id transport
        // parameter from either endpoint [...] as a connection error of type TRANSPORT_PARAMETER_ERROR" and
        // "MUST treat the following as a connection error of type TRANSPORT_PARAMETER_ERROR or
        // PROTOCOL_VIOLATION: a mismatch between values received from a peer in these transport parameters
        // and the value sent in the corresponding Destination or Source Connection ID fields of Initial
        // packets."
        guard let initialSource = parameters.initialSourceConnectionID else {
            throw TransportError(.transportParameterError, reason: "initial_source_connection_id is missing")
        }
        guard initialSource == self.peerInitialSourceConnectionID else {
            throw TransportError(.transportParameterError,
                                 reason: "initial_source_connection_id does not match the peer's Initial packets")
        }
        if self.role == .client {
            guard parameters.originalDestinationConnectionID == self.originalDestinationConnectionID else {
                throw TransportError(.transportParameterError,
                                     reason: "original_destination_connection_id does not match")
            }
            guard parameters.retrySourceConnectionID == self.retrySourceConnectionID else {
                throw TransportError(.transportParameterError,
                                     reason: self.retrySourceConnectionID == nil
                                         ? "retry_source_connection_id without a Retry"
                                         : "retry_source_connection_id does not match the Retry")
            }
            if let token = parameters.statelessResetToken {
                self.peerCIDs.setInitialResetToken(token)
                self.endpointEvents.append(.peerResetTokenLearned(token))
            }
            try self.acceptPreferredAddress(parameters)
        }
        try self.validatePeerVersionInformation(parameters.versionInformation)
        self.peerParameters = parameters
        try self.negotiateMultipath(parameters)
        self.streams.setPeerLimits(PeerStreamLimits(
            initialMaxData: parameters.initialMaxData,
            initialMaxStreamDataBidiLocal: parameters.initialMaxStreamDataBidiLocal,
            initialMaxStreamDataBidiRemote: parameters.initialMaxStreamDataBidiRemote,
            initialMaxStreamDataUni: parameters.initialMaxStreamDataUni,
            initialMaxStreamsBidi: parameters.initialMaxStreamsBidi,
            initialMaxStreamsUni: parameters.initialMaxStreamsUni))
        self.path.recovery.maxAckDelay = .milliseconds(Int64(parameters.maxAckDelay))
        self.peerMaxAckDelayExponent = parameters.ackDelayExponent
        self.peerMaxDatagramFrameSize = parameters.maxDatagramFrameSize
        self.idle.negotiate(local: UInt64(max(self.configuration.maxIdleTimeout.nanoseconds, 0)),
                            peer: parameters.maxIdleTimeout * 1_000_000,
                            now: now.nanosecondsSinceOrigin, pto: self.ptoNanoseconds)
        if let interval = self.configuration.keepAliveInterval {
            self.idle.keepAliveInterval = UInt64(max(interval.nanoseconds, 0))
        }
        self.path.pmtu = PMTUDiscovery(maximumSize: max(PMTUDiscovery.baseSize, min(
            self.configuration.maxUDPPayloadSize, Int(min(parameters.maxUDPPayloadSize, 65_527)))))
        if !self.configuration.pathMTUDiscovery {
            self.path.pmtu = PMTUDiscovery(maximumSize: PMTUDiscovery.baseSize)
        }
    }

    /// Issues connection IDs up to the peer's active_connection_id_limit (RFC 9000 §5.1.1).
    func issueConnectionIDs() {
        guard self.localCIDs.active.first?.connectionID.length ?? 0 > 0 else { return }
        let peerLimit = min(self.peerParameters?.activeConnectionIDLimit ?? 2, 8)
        for _ in 0..<self.localCIDs.shortfall(peerLimit: peerLimit) {
            let cid = self.connectionIDGenerator.generate(using: &self.random)
            let token = self.resetKey?.token(for: cid) ?? StatelessResetToken(random: &self.random)
            _ = self.localCIDs.issue(cid, resetToken: token)
            self.endpointEvents.append(.connectionIDIssued(cid))
        }
    }
}
