import QUICRecovery
import QUICTLS
import QUICWire

extension Endpoint {
    /// A datagram for no known connection (RFC 9000 §5.2.2 for servers): a stateless reset for one of ours, or a
    /// decision of ``EndpointDecision`` on the server's current load, carried out.
    func handleUnrouted(_ datagram: ArraySlice<UInt8>, header: PacketHeader, from fourTuple: FourTuple,
                        ecn: UInt8, now: QUICInstant) {
        if case .short = header, let handle = self.statelessResetTarget(of: datagram) {
            self.statistics.statelessResetsReceived += 1
            self.deliver(datagram, to: handle, from: fourTuple, ecn: ecn, now: now)
            return
        }
        let isServer = self.configuration.serverTLS != nil
        if !isServer, case .short = header {
            // A client answers unknown short headers with a reset too (RFC 9000 §10.3 applies to both roles).
        } else if !isServer {
            self.statistics.datagramsDropped += 1
            return
        }
        var admission = Admission()
        if case .long(let long) = header, long.type == .initial {
            admission = self.checkToken(of: long, from: fourTuple.remote, now: now)
        }
        let load = self.admission.load(connections: self.entries.count, from: fourTuple.remote.ip, now: now)
        let action = EndpointDecision.decide(policy: self.policy, header: header, datagramLength: datagram.count,
                                             token: admission.status, load: load, resetKey: self.resetKey)
        switch action {
        case .drop:
            if case .long(let long) = header, long.type == .initial {
                self.statistics.initialsTooSmall += 1
            } else {
                self.statistics.datagramsDropped += 1
            }
        case .sendVersionNegotiation:
            self.answerVersionNegotiation(header, to: fourTuple)
        case .sendStatelessReset(let token):
            guard let reset = EndpointPackets.statelessReset(token: token, triggeringPacketLength: datagram.count,
                                                             random: &self.random) else { return }
            self.statistics.statelessResetsSent += 1
            self.queueStateless(reset, to: fourTuple)
        case .sendRetry, .refuse, .accept:
            guard case .long(let initial) = header, self.inspect(datagram, initial) else { return }
            switch action {
            case .sendRetry:
                if self.configuration.requireRetry {
                    self.statistics.retriesRequired += 1
                } else {
                    self.statistics.retriesForLoad += 1
                }
                self.sendRetry(for: initial, to: fourTuple, now: now)
            case .refuse(let code):
                if code == .invalidToken {
                    self.statistics.refusedInvalidToken += 1
                } else {
                    self.statistics.refusedFull += 1
                }
                self.refuse(initial, code: code, to: fourTuple)
            case .accept(let version):
                self.accept(datagram, header: initial, version: version, admission: admission, from: fourTuple,
                            ecn: ecn, now: now)
            default:
                return
            }
        }
    }

    /// What a client Initial's token says (RFC 9000 §8.1.3), with what a Retry token carries.
    struct Admission {
        var status: InitialTokenStatus = .absent
        var originalDestination: ConnectionID?
        var retrySource: ConnectionID?
    }

    func checkToken(of initial: LongHeader, from remote: NetworkAddress, now: QUICInstant) -> Admission {
        guard let kind = initial.token.first else { return Admission() }
        let claimsRetry = kind == AddressValidationTokens.Kind.retry.rawValue
        do {
            let (kind, contents) = try self.tokens.validate(initial.token, client: remote,
                                                             now: now.nanosecondsSinceOrigin)
            switch (kind, contents) {
            case (.retry, let contents?):
                // RFC 9000 §8.1.2: the Retry token carries the original DCID; the CID the client now uses must
                // be the one the Retry gave it.
                guard contents.retrySourceConnectionID == initial.destinationConnectionID else {
                    return Admission(status: .invalidRetryToken)
                }
                self.statistics.tokensAccepted += 1
                return Admission(status: .valid, originalDestination: contents.originalDestinationConnectionID,
                                 retrySource: contents.retrySourceConnectionID)
            case (.newToken, _):
                self.statistics.tokensAccepted += 1
                return Admission(status: .valid)
            case (.retry, nil):
                return Admission(status: .invalidRetryToken)
            }
        } catch {
            // RFC 9000 §8.1.3: an invalid NEW_TOKEN token is ignored (the client may be on a new network); a
            // Retry token that does not check out is refused with INVALID_TOKEN.
            return Admission(status: claimsRetry ? .invalidRetryToken : .invalid)
        }
    }

    /// Opens the Initial with its keys and looks for a ClientHello before anything is spent on it; counts why not.
    func inspect(_ datagram: ArraySlice<UInt8>, _ initial: LongHeader) -> Bool {
        switch InitialInspection.inspect(datagram, header: initial, scratch: &self.inspectionBuffer) {
        case .clientHello:
            return true
        case .undecryptable:
            self.statistics.initialsUndecryptable += 1
        case .malformed:
            self.statistics.initialsMalformed += 1
        case .noClientHello:
            self.statistics.initialsWithoutClientHello += 1
        }
        return false
    }

    /// The connection whose peer may have sent this datagram as a stateless reset (RFC 9000 §10.3.1): found by the
    /// datagram's last 16 bytes among the tokens peers gave, then checked by the connection itself against its
    /// active tokens in constant time.
    func statelessResetTarget(of datagram: ArraySlice<UInt8>) -> ConnectionHandle? {
        guard let token = PacketParser.trailingResetToken(of: datagram), let handle = self.resetTokens[token],
              let entry = self.entries[handle], entry.connection.isStatelessReset(datagram) else { return nil }
        return handle
    }

    /// Creates the server connection for an inspected client Initial.
    private func accept(_ datagram: ArraySlice<UInt8>, header: LongHeader, version: QUICVersion,
                        admission: Admission, from fourTuple: FourTuple, ecn: UInt8, now: QUICInstant) {
        guard let serverTLS = self.configuration.serverTLS else { return }
        var configuration = self.configuration.connection
        configuration.handshakeTimeout = configuration.handshakeTimeout ?? self.configuration.handshakeTimeout
        // RFC 9368: the server may move the connection to a compatible version it prefers.
        configuration.serverSupportedVersions = configuration.serverSupportedVersions
            ?? self.configuration.supportedVersions
        let connection: Connection
        do {
            connection = try Connection(
                serverConfiguration: configuration, tls: serverTLS, version: version,
                originalDestinationCID: admission.originalDestination ?? header.destinationConnectionID,
                initialDestinationCID: header.destinationConnectionID, clientSourceCID: header.sourceConnectionID,
                retrySourceCID: admission.retrySource, addressValidated: admission.status == .valid,
                resetKey: self.resetKey, fourTuple: fourTuple, random: self.random.split(), now: now)
        } catch {
            self.statistics.datagramsDropped += 1
            return
        }
        let handle = self.insert(connection, now: now)
        guard let entry = self.entries[handle] else { return }
        entry.handshakeAddress = fourTuple.remote.ip
        self.admission.handshakeStarted(from: fourTuple.remote.ip, now: now)
        self.statistics.connectionsAccepted += 1
        self.router.insertInitial(header.destinationConnectionID, remote: fourTuple.remote, for: handle)
        self.accepted.append(handle)
        if self.configuration.issueNewTokens { self.newTokensOwed.insert(handle) }
        self.deliver(datagram, to: handle, from: fourTuple, ecn: ecn, now: now)
    }

    private func sendRetry(for header: LongHeader, to fourTuple: FourTuple, now: QUICInstant) {
        let retrySource = self.newServerConnectionID()
        let token = self.tokens.makeRetryToken(client: fourTuple.remote,
                                               originalDestination: header.destinationConnectionID,
                                               retrySource: retrySource, now: now.nanosecondsSinceOrigin)
        guard let packet = try? EndpointPackets.retry(
            version: header.version, destinationCID: header.sourceConnectionID, sourceCID: retrySource,
            originalDestinationCID: header.destinationConnectionID, token: token) else { return }
        self.queueStateless(packet, to: fourTuple)
    }

    private func refuse(_ header: LongHeader, code: TransportErrorCode, to fourTuple: FourTuple) {
        let reason = code == .invalidToken ? "invalid Retry token" : "server busy"
        guard let packet = try? EndpointPackets.initialClose(
            version: header.version, clientDestinationCID: header.destinationConnectionID,
            clientSourceCID: header.sourceConnectionID, sourceCID: self.newServerConnectionID(), code: code,
            reason: reason) else { return }
        self.queueStateless(packet, to: fourTuple)
    }

    private func answerVersionNegotiation(_ header: PacketHeader, to fourTuple: FourTuple) {
        let packet: [UInt8]
        switch header {
        case .unsupportedVersion(let unsupported):
            packet = EndpointPackets.versionNegotiation(for: unsupported, supported: self.configuration.supportedVersions,
                                                        random: &self.random)
        case .long(let long):
            packet = EndpointPackets.versionNegotiation(for: long, supported: self.configuration.supportedVersions,
                                                        random: &self.random)
        default:
            return
        }
        self.statistics.versionNegotiations += 1
        self.queueStateless(packet, to: fourTuple)
    }

    /// A connection ID for a packet sent before any connection exists (Retry, refusal), made like the
    /// connection's own (so a QUIC-LB generator encodes this server in it: the client's next Initial names it).
    func newServerConnectionID() -> ConnectionID {
        var generator = self.configuration.connection.connectionIDGenerator
        if generator.length > 0 {
            return generator.generate(using: &self.random)
        }
        var fallback = RandomConnectionIDGenerator(length: 8)
        return fallback.generate(using: &self.random)
    }

    func queueStateless(_ packet: [UInt8], to fourTuple: FourTuple) {
        guard self.statelessQueue.count < self.configuration.maxQueuedStatelessAnswers else {
            self.statistics.statelessAnswersDropped += 1
            return
        }
        self.statelessQueue.append((packet, fourTuple))
    }
}
