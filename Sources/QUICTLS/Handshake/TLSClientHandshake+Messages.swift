import QUICWire

extension TLSClientHandshake {
    /// Builds a ClientHello; sets ``offeredTicket`` and ``offeredEarlyData``.
    ///
    /// - Parameter priorTranscript: after a HelloRetryRequest, the transcript so far (message_hash and the
    ///   HelloRetryRequest), over which a PSK binder is computed (RFC 8446 §4.2.11.2).
    mutating func makeClientHello(cookie: [UInt8]?, priorTranscript: TranscriptHash?) -> RawHandshakeMessage {
        let common = self.configuration.common
        var extensions: [TLSExtension] = []
        // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in "HostName"." The name is still
        // what the server's certificate is checked against.
        if let name = self.configuration.serverName, !Self.isIPAddressLiteral(name) {
            extensions.append(.serverName([ServerName(hostName: name)]))
        }
        extensions.append(.supportedGroups(common.groups.filter(ServerKeyShare.supports)))
        extensions.append(.signatureAlgorithms(common.signatureAlgorithms))
        extensions.append(.applicationLayerProtocolNegotiation(common.alpn))
        extensions.append(.quicTransportParameters(common.transportParameters))
        extensions.append(.supportedVersions([.tls13]))
        extensions.append(.keyShares([self.keyShare.entry]))
        if let cookie {
            extensions.append(.cookie(cookie))
        }
        var suites = common.cipherSuites
        if let retrySuite = self.retrySuite {
            suites = [retrySuite]
        }
        // Always listed, not only when a ticket is offered: RFC 8446 §4.2.9 lets servers send NewSessionTicket
        // only for modes the client advertised, and some (aioquic) issue no ticket to a client without the list.
        extensions.append(.pskKeyExchangeModes([.pskDHE]))
        // Offer the ticket only with a suite of the same hash (RFC 8446 §4.2.11), and not when expired.
        self.offeredTicket = nil
        self.offeredEarlyData = false
        if let ticket = self.configuration.sessionTicket, let hash = ticket.cipherSuite.hashAlgorithm,
            suites.contains(where: { $0.hashAlgorithm == hash }),
            priorTranscript == nil || priorTranscript?.algorithm == hash,
            self.nowMilliseconds >= ticket.receivedAtMilliseconds,
            self.nowMilliseconds - ticket.receivedAtMilliseconds <= UInt64(ticket.lifetime) * 1000
        {
            self.offeredTicket = ticket
            // RFC 8446 §4.2.10: no early_data after a HelloRetryRequest; 0-RTT needs the same ALPN.
            if self.configuration.attemptEarlyData, !self.retried, ticket.maxEarlyDataSize != nil,
                common.alpn.contains(ticket.alpn)
            {
                self.offeredEarlyData = true
                extensions.append(.earlyData)
            }
            // RFC 8446 §4.2.11.1: obfuscated_ticket_age = age in milliseconds + ticket_age_add, mod 2^32.
            let age = UInt32(truncatingIfNeeded: self.nowMilliseconds - ticket.receivedAtMilliseconds)
            let identity = PSKIdentity(identity: ticket.ticket, obfuscatedTicketAge: age &+ ticket.ticketAgeAdd)
            let placeholder = [UInt8](repeating: 0, count: hash.length)
            extensions.append(.preSharedKey(OfferedPSKs(identities: [identity], binders: [placeholder])))
            var hello = ClientHello(random: self.random, cipherSuites: suites, extensions: extensions)
            let draft = hello.encoded()
            guard let partial = hello.partialTranscript(of: draft) else { return hello.encodedMessage() }
            let prior = priorTranscript ?? TranscriptHash(algorithm: hash)
            let binderKey = KeySchedule.EarlyStage(hash: hash, psk: ticket.resumptionPSK).binderKey(.resumption)
            let binder = KeySchedule.pskBinder(
                hash, binderKey: binderKey, partialTranscriptHash: prior.hash(appending: partial))
            extensions[extensions.count - 1] = .preSharedKey(OfferedPSKs(identities: [identity], binders: [binder]))
            hello.extensions = extensions
            return hello.encodedMessage()
        }
        return ClientHello(random: self.random, cipherSuites: suites, extensions: extensions).encodedMessage()
    }

    mutating func handleHelloRetryRequest(_ retry: HelloRetryRequest, raw: RawHandshakeMessage) throws(TLSAlert) {
        // RFC 8446 §4.1.4: a second HelloRetryRequest is unexpected_message.
        guard !self.retried else { throw .unexpectedMessage("a second HelloRetryRequest") }
        try self.checkSelectedVersion(retry.extensions)
        guard self.configuration.common.cipherSuites.contains(retry.cipherSuite),
            let hash = retry.cipherSuite.hashAlgorithm
        else {
            throw .illegalParameter("HelloRetryRequest selected \(retry.cipherSuite), which was not offered")
        }
        var cookie: [UInt8]?
        if case .cookie(let value) = retry.extensions.first(ofType: .cookie) { cookie = value }
        guard case .selectedGroup(let group) = retry.extensions.first(ofType: .keyShare) else {
            // RFC 8446 §4.1.4: a HelloRetryRequest that would not change the ClientHello is illegal.
            guard cookie != nil else { throw .illegalParameter("HelloRetryRequest changes nothing") }
            throw .illegalParameter("HelloRetryRequest without key_share is not supported here")
        }
        // RFC 8446 §4.2.8: the group must be one the client supports, and not the one it already sent.
        guard self.configuration.common.groups.contains(group), ServerKeyShare.supports(group),
            group != self.keyShare.group
        else {
            throw .illegalParameter("HelloRetryRequest selected group \(group)")
        }
        if self.offeredEarlyData {
            self.outbox.report(.earlyDataRejected)
        }
        self.retried = true
        self.retrySuite = retry.cipherSuite
        self.suite = retry.cipherSuite
        self.keyShare = try ClientKeyShare(group: group)
        var transcript = TranscriptHash(algorithm: hash, replacingClientHello1: self.clientHello)
        transcript.append(raw)
        self.clientHello = self.makeClientHello(cookie: cookie, priorTranscript: transcript)
        transcript.append(self.clientHello)
        self.transcript = transcript
        self.outbox.send(self.clientHello, at: .initial)
    }

    mutating func handleServerHello(_ hello: ServerHello, raw: RawHandshakeMessage) throws(TLSAlert) {
        try self.checkSelectedVersion(hello.extensions)
        guard self.configuration.common.cipherSuites.contains(hello.cipherSuite),
            let hash = hello.cipherSuite.hashAlgorithm
        else {
            throw .illegalParameter("ServerHello selected \(hello.cipherSuite), which was not offered")
        }
        // RFC 8446 §4.1.4: the ServerHello must repeat the HelloRetryRequest's suite.
        if let retrySuite = self.retrySuite, retrySuite != hello.cipherSuite {
            throw .illegalParameter("ServerHello suite differs from the HelloRetryRequest's")
        }
        guard case .serverKeyShare(let share) = hello.extensions.first(ofType: .keyShare) else {
            throw TLSAlert(.missingExtension, reason: "ServerHello without key_share (psk_ke is not offered)")
        }
        let shared = try self.keyShare.sharedSecret(serverShare: share)
        var psk: [UInt8]?
        if case .selectedPreSharedKey(let index) = hello.extensions.first(ofType: .preSharedKey) {
            // RFC 8446 §4.2.11: the selection must be in range and use the PSK's hash.
            guard let ticket = self.offeredTicket, index == 0 else {
                throw .illegalParameter("server selected PSK \(index), which was not offered")
            }
            guard ticket.cipherSuite.hashAlgorithm == hash else {
                throw .illegalParameter("server selected a PSK with a suite of another hash")
            }
            psk = ticket.resumptionPSK
            self.pskAccepted = true
        }
        self.suite = hello.cipherSuite
        var transcript: TranscriptHash
        if let existing = self.transcript {
            transcript = existing
        } else {
            transcript = TranscriptHash(algorithm: hash)
            transcript.append(self.clientHello)
        }
        transcript.append(raw)
        self.transcript = transcript
        let stage = KeySchedule.EarlyStage(hash: hash, psk: psk).handshakeStage(sharedSecret: shared)
        let helloHash = transcript.currentHash()
        self.clientHandshakeSecret = stage.clientHandshakeTrafficSecret(transcriptHash: helloHash)
        self.serverHandshakeSecret = stage.serverHandshakeTrafficSecret(transcriptHash: helloHash)
        self.masterStage = stage.masterStage()
        self.outbox.install(TLSSecret(level: .handshake, direction: .read, cipherSuite: self.suite,
                                      secret: self.serverHandshakeSecret))
        self.outbox.install(TLSSecret(level: .handshake, direction: .write, cipherSuite: self.suite,
                                      secret: self.clientHandshakeSecret))
        self.outbox.log(.clientHandshakeTrafficSecret, clientRandom: self.random, secret: self.clientHandshakeSecret)
        self.outbox.log(.serverHandshakeTrafficSecret, clientRandom: self.random, secret: self.serverHandshakeSecret)
        self.state = .waitEncryptedExtensions
    }

    /// RFC 8446 §4.1.3: without supported_versions the server negotiated TLS 1.2 or older, which QUIC
    /// forbids (RFC 9001 §4.2: protocol_version); a selected_version other than TLS 1.3 is illegal_parameter.
    private func checkSelectedVersion(_ extensions: [TLSExtension]) throws(TLSAlert) {
        guard case .selectedVersion(let version) = extensions.first(ofType: .supportedVersions) else {
            throw TLSAlert(.protocolVersion, reason: "server did not negotiate TLS 1.3")
        }
        guard version == .tls13 else {
            throw .illegalParameter("server selected \(version), which was not offered")
        }
    }

    mutating func handleEncryptedExtensions(
        _ message: EncryptedExtensions, raw: RawHandshakeMessage
    ) throws(TLSAlert) {
        guard case .applicationLayerProtocolNegotiation(let names) = message.extensions.first(
            ofType: .applicationLayerProtocolNegotiation), let selected = names.first
        else {
            throw TLSAlert(.noApplicationProtocol, reason: "server selected no application protocol (RFC 9001 §8.1)")
        }
        guard self.configuration.common.alpn.contains(selected) else {
            throw .illegalParameter("server selected an application protocol that was not offered")
        }
        guard case .quicTransportParameters(let parameters) = message.extensions.first(
            ofType: .quicTransportParameters)
        else {
            throw TLSAlert(.missingExtension, reason: "no quic_transport_parameters (RFC 9001 §8.2)")
        }
        let earlyAccepted = message.extensions.first(ofType: .earlyData) != nil
        if earlyAccepted {
            // RFC 8446 §4.2.10: early_data in EncryptedExtensions needs an offer and the first PSK.
            guard self.offeredEarlyData, self.pskAccepted else {
                throw TLSAlert(.unsupportedExtension, reason: "early_data accepted but not offered")
            }
        }
        self.transcript?.append(raw)
        self.negotiatedALPN = selected
        self.peerTransportParameters = parameters
        self.outbox.report(.peerTransportParameters(parameters))
        self.outbox.report(.negotiatedALPN(selected))
        if self.offeredEarlyData, !self.retried {
            self.outbox.report(earlyAccepted ? .earlyDataAccepted : .earlyDataRejected)
        }
        self.state = self.pskAccepted ? .waitFinished : .waitCertificateOrRequest
    }

    mutating func handleCertificateVerify(_ verify: CertificateVerify, raw: RawHandshakeMessage) throws(TLSAlert) {
        // RFC 8446 §4.4.3: the algorithm must be one offered in signature_algorithms.
        guard self.configuration.common.signatureAlgorithms.contains(verify.algorithm) else {
            throw .illegalParameter("CertificateVerify uses \(verify.algorithm), which was not offered")
        }
        guard let transcript = self.transcript else { throw TLSAlert(.internalError, reason: "no transcript") }
        let content = CertificateVerifyContent.make(role: .server, transcriptHash: transcript.currentHash())
        self.transcript?.append(raw)
        self.state = .waitVerdict
        self.outbox.report(.verifyPeer(PeerVerificationRequest(
            certificateChain: self.serverChain, scheme: verify.algorithm, signature: verify.signature,
            signedContent: content, serverName: self.configuration.serverName, peerIsServer: true)))
    }

    mutating func handleFinished(_ finished: Finished, raw: RawHandshakeMessage) throws(TLSAlert) {
        guard var transcript = self.transcript, let master = self.masterStage else {
            throw TLSAlert(.internalError, reason: "no key schedule")
        }
        let hash = transcript.algorithm
        try KeySchedule.verifyFinished(
            hash, baseKey: self.serverHandshakeSecret, transcriptHash: transcript.currentHash(),
            received: finished.verifyData)
        transcript.append(raw)
        let serverFinishedHash = transcript.currentHash()
        let clientTraffic = master.clientApplicationTrafficSecret(transcriptHash: serverFinishedHash)
        let serverTraffic = master.serverApplicationTrafficSecret(transcriptHash: serverFinishedHash)
        let exporter = master.exporterMasterSecret(transcriptHash: serverFinishedHash)
        if let context = self.certificateRequestContext {
            try self.sendClientCertificate(context: context, transcript: &transcript)
        }
        let verifyData = KeySchedule.finishedVerifyData(
            hash, baseKey: self.clientHandshakeSecret, transcriptHash: transcript.currentHash())
        let clientFinished = Finished(verifyData: verifyData).encodedMessage()
        transcript.append(clientFinished)
        self.outbox.send(clientFinished, at: .handshake)
        self.resumptionMasterSecret = master.resumptionMasterSecret(transcriptHash: transcript.currentHash())
        self.transcript = transcript
        self.outbox.install(TLSSecret(level: .oneRTT, direction: .read, cipherSuite: self.suite, secret: serverTraffic))
        self.outbox.install(TLSSecret(level: .oneRTT, direction: .write, cipherSuite: self.suite,
                                      secret: clientTraffic))
        self.outbox.log(.clientTrafficSecret0, clientRandom: self.random, secret: clientTraffic)
        self.outbox.log(.serverTrafficSecret0, clientRandom: self.random, secret: serverTraffic)
        self.outbox.log(.exporterSecret, clientRandom: self.random, secret: exporter)
        self.outbox.report(.handshakeComplete)
        self.state = .connected
    }

    /// RFC 8446 §4.4.2: answers a CertificateRequest with the configured chain and a CertificateVerify, or
    /// with an empty Certificate when there is none (or its scheme was not requested).
    private mutating func sendClientCertificate(
        context: [UInt8], transcript: inout TranscriptHash
    ) throws(TLSAlert) {
        guard let signer = self.configuration.common.signer, self.requestedSchemes.contains(signer.scheme) else {
            let empty = CertificateMessage(certificateRequestContext: context, entries: []).encodedMessage()
            transcript.append(empty)
            self.outbox.send(empty, at: .handshake)
            return
        }
        let entries = signer.certificateChain.map { CertificateMessage.Entry(certData: $0) }
        let certificate = CertificateMessage(certificateRequestContext: context, entries: entries).encodedMessage()
        transcript.append(certificate)
        self.outbox.send(certificate, at: .handshake)
        let content = CertificateVerifyContent.make(role: .client, transcriptHash: transcript.currentHash())
        let signature: [UInt8]
        do {
            signature = try signer.sign(content)
        } catch {
            throw TLSAlert(.internalError, reason: "signing CertificateVerify failed")
        }
        let verify = CertificateVerify(algorithm: signer.scheme, signature: signature).encodedMessage()
        transcript.append(verify)
        self.outbox.send(verify, at: .handshake)
    }

    mutating func handleNewSessionTicket(_ ticket: NewSessionTicket) {
        guard let hash = self.suite.hashAlgorithm else { return }
        let psk = KeySchedule.resumptionPSK(
            hash, resumptionMasterSecret: self.resumptionMasterSecret, ticketNonce: ticket.ticketNonce)
        self.outbox.report(.newSessionTicket(TLSSessionTicket(
            ticket: ticket.ticket, resumptionPSK: psk, cipherSuite: self.suite, ticketAgeAdd: ticket.ticketAgeAdd,
            lifetime: ticket.ticketLifetime, receivedAtMilliseconds: self.nowMilliseconds,
            maxEarlyDataSize: ticket.maxEarlyDataSize, alpn: self.negotiatedALPN,
            peerTransportParameters: self.peerTransportParameters)))
    }

    /// Whether `name` is an IPv4 or IPv6 literal, with or without the brackets of a URL ("[::1]").
    static func isIPAddressLiteral(_ name: String) -> Bool {
        IPAddressLiteral.bytes(IPAddressLiteral.unbracketed(name)) != nil
    }
}
