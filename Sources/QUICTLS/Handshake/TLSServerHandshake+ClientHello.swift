import QUICWire

extension TLSServerHandshake {
    /// Negotiates everything from a ClientHello, then sends HelloRetryRequest or the server's flight.
    mutating func handleClientHello(_ hello: ClientHello, raw: RawHandshakeMessage) throws(TLSAlert) {
        let common = self.configuration.common
        // RFC 8446 §4.2.1 and RFC 9001 §4.2: only TLS 1.3; a ClientHello without it is a downgrade.
        guard case .supportedVersions(let versions) = hello.extensions.first(ofType: .supportedVersions),
            versions.contains(.tls13)
        else {
            throw TLSAlert(.protocolVersion, reason: "the client does not offer TLS 1.3")
        }
        guard case .quicTransportParameters(let parameters) = hello.extensions.first(
            ofType: .quicTransportParameters)
        else {
            throw TLSAlert(.missingExtension, reason: "no quic_transport_parameters (RFC 9001 §8.2)")
        }
        let alpn = try self.selectALPN(hello)
        guard let suite = common.cipherSuites.first(where: hello.cipherSuites.contains),
            let hash = suite.hashAlgorithm
        else {
            throw TLSAlert(.handshakeFailure, reason: "no cipher suite in common")
        }
        guard case .supportedGroups(let clientGroups) = hello.extensions.first(ofType: .supportedGroups),
            case .keyShares(let shares) = hello.extensions.first(ofType: .keyShare)
        else {
            // RFC 8446 §9.2: a ClientHello without a PSK must carry both (missing_extension).
            throw TLSAlert(.missingExtension, reason: "ClientHello without supported_groups and key_share")
        }
        // RFC 8446 §4.2.8: every share must be for a group listed in supported_groups.
        for share in shares where !clientGroups.contains(share.group) {
            throw .illegalParameter("key share for \(share.group), which is not in supported_groups")
        }
        let acceptable = common.groups.filter { ServerKeyShare.supports($0) }
        if let retry = self.retry {
            // RFC 8446 §4.1.4 and §4.2.8: the second ClientHello keeps the suite and sends the selected share.
            guard suite == retry.suite, shares.count == 1, shares.first?.group == retry.group else {
                throw .illegalParameter("the second ClientHello does not follow the HelloRetryRequest")
            }
            guard hello.extensions.first(ofType: .earlyData) == nil else {
                throw .illegalParameter("early_data after a HelloRetryRequest")
            }
        }
        // Use a share the client already sent when its group is acceptable; otherwise ask for the most
        // preferred group the client supports.
        guard let share = acceptable.lazy.compactMap({ group in shares.first { $0.group == group } }).first else {
            guard self.retry == nil, let group = acceptable.first(where: clientGroups.contains) else {
                throw TLSAlert(.handshakeFailure, reason: "no key exchange group in common")
            }
            self.sendHelloRetryRequest(suite: suite, group: group, clientHello: raw, hello: hello)
            return
        }
        let signer = try self.chooseSigner(hello)

        var transcript = self.transcript ?? TranscriptHash(algorithm: hash)
        let psk = try self.selectPSK(hello, raw: raw, suite: suite, transcript: transcript, alpn: alpn)
        guard psk != nil || signer != nil else {
            throw TLSAlert(.internalError, reason: "the server has no certificate")
        }
        transcript.append(raw)
        self.clientRandom = hello.random
        self.suite = suite
        self.negotiatedALPN = alpn
        let early = KeySchedule.EarlyStage(hash: hash, psk: psk?.psk)
        let earlyAccepted = psk?.earlyData ?? false
        if earlyAccepted {
            let secret = early.clientEarlyTrafficSecret(clientHelloHash: transcript.currentHash())
            self.outbox.install(TLSSecret(level: .zeroRTT, direction: .read, cipherSuite: suite, secret: secret))
            self.outbox.log(.clientEarlyTrafficSecret, clientRandom: hello.random, secret: secret)
            self.outbox.report(.earlyDataAccepted)
        } else if hello.extensions.first(ofType: .earlyData) != nil {
            self.outbox.report(.earlyDataRejected)
        }

        let response = try ServerKeyShare.respond(to: share)
        var serverExtensions: [TLSExtension] = [.selectedVersion(.tls13), .serverKeyShare(response.entry)]
        if let psk {
            serverExtensions.append(.selectedPreSharedKey(psk.index))
        }
        let serverHello = ServerHello(random: tlsRandomBytes(32), cipherSuite: suite, extensions: serverExtensions)
            .encodedMessage()
        transcript.append(serverHello)
        self.outbox.send(serverHello, at: .initial)

        let stage = early.handshakeStage(sharedSecret: response.sharedSecret)
        let helloHash = transcript.currentHash()
        let clientSecret = stage.clientHandshakeTrafficSecret(transcriptHash: helloHash)
        let serverSecret = stage.serverHandshakeTrafficSecret(transcriptHash: helloHash)
        self.clientHandshakeSecret = clientSecret
        self.outbox.install(TLSSecret(level: .handshake, direction: .read, cipherSuite: suite, secret: clientSecret))
        self.outbox.install(TLSSecret(level: .handshake, direction: .write, cipherSuite: suite, secret: serverSecret))
        self.outbox.log(.clientHandshakeTrafficSecret, clientRandom: hello.random, secret: clientSecret)
        self.outbox.log(.serverHandshakeTrafficSecret, clientRandom: hello.random, secret: serverSecret)

        var encrypted: [TLSExtension] = [
            .applicationLayerProtocolNegotiation([alpn]), .quicTransportParameters(common.transportParameters),
        ]
        if earlyAccepted {
            encrypted.append(.earlyData)
        }
        self.sendHandshake(EncryptedExtensions(extensions: encrypted).encodedMessage(), transcript: &transcript)
        let requestCertificate = psk == nil && self.configuration.requestClientCertificate
        if requestCertificate {
            let request = CertificateRequest(extensions: [.signatureAlgorithms(common.signatureAlgorithms)])
            self.sendHandshake(request.encodedMessage(), transcript: &transcript)
        }
        if psk == nil, let signer {
            try self.sendCertificate(signer, transcript: &transcript)
        }
        let verifyData = KeySchedule.finishedVerifyData(
            hash, baseKey: serverSecret, transcriptHash: transcript.currentHash())
        self.sendHandshake(Finished(verifyData: verifyData).encodedMessage(), transcript: &transcript)

        let master = stage.masterStage()
        let finishedHash = transcript.currentHash()
        let serverTraffic = master.serverApplicationTrafficSecret(transcriptHash: finishedHash)
        self.clientApplicationSecret = master.clientApplicationTrafficSecret(transcriptHash: finishedHash)
        let exporter = master.exporterMasterSecret(transcriptHash: finishedHash)
        self.masterStage = master
        self.outbox.install(TLSSecret(level: .oneRTT, direction: .write, cipherSuite: suite, secret: serverTraffic))
        self.outbox.log(.clientTrafficSecret0, clientRandom: hello.random, secret: self.clientApplicationSecret)
        self.outbox.log(.serverTrafficSecret0, clientRandom: hello.random, secret: serverTraffic)
        self.outbox.log(.exporterSecret, clientRandom: hello.random, secret: exporter)
        self.outbox.report(.peerTransportParameters(parameters))
        self.outbox.report(.negotiatedALPN(alpn))
        self.transcript = transcript
        self.state = requestCertificate ? .waitClientCertificate : .waitFinished
    }

    /// RFC 9001 §8.1: the first of the server's protocols the client offers, else no_application_protocol.
    private func selectALPN(_ hello: ClientHello) throws(TLSAlert) -> [UInt8] {
        guard case .applicationLayerProtocolNegotiation(let offered) = hello.extensions.first(
            ofType: .applicationLayerProtocolNegotiation),
            let selected = self.configuration.common.alpn.first(where: offered.contains)
        else {
            throw TLSAlert(.noApplicationProtocol, reason: "no application protocol in common (RFC 9001 §8.1)")
        }
        return selected
    }

    /// The signer for a full handshake, checked against the client's signature_algorithms.
    private func chooseSigner(_ hello: ClientHello) throws(TLSAlert) -> (any TLSCertificateSigner)? {
        guard let signer = self.configuration.common.signer else { return nil }
        guard case .signatureAlgorithms(let schemes) = hello.extensions.first(ofType: .signatureAlgorithms) else {
            // RFC 8446 §4.2.3: certificate authentication needs signature_algorithms.
            guard hello.offeredPSKs != nil else {
                throw TLSAlert(.missingExtension, reason: "ClientHello without signature_algorithms")
            }
            return nil
        }
        guard schemes.contains(signer.scheme) else {
            guard hello.offeredPSKs != nil else {
                throw TLSAlert(.handshakeFailure, reason: "the client accepts no signature scheme of ours")
            }
            return nil
        }
        return signer
    }

    private mutating func sendHelloRetryRequest(
        suite: CipherSuite, group: NamedGroup, clientHello: RawHandshakeMessage, hello: ClientHello
    ) {
        guard let hash = suite.hashAlgorithm else { return }
        var transcript = TranscriptHash(algorithm: hash)
        transcript.append(clientHello)
        transcript.replaceWithMessageHash()
        let retry = HelloRetryRequest(
            cipherSuite: suite, extensions: [.selectedVersion(.tls13), .selectedGroup(group)]
        ).encodedMessage()
        transcript.append(retry)
        self.transcript = transcript
        self.retry = (suite, group)
        self.outbox.send(retry, at: .initial)
        if hello.extensions.first(ofType: .earlyData) != nil {
            self.outbox.report(.earlyDataRejected)
        }
    }

    private mutating func sendHandshake(_ message: RawHandshakeMessage, transcript: inout TranscriptHash) {
        transcript.append(message)
        self.outbox.send(message, at: .handshake)
    }

    private mutating func sendCertificate(
        _ signer: any TLSCertificateSigner, transcript: inout TranscriptHash
    ) throws(TLSAlert) {
        let entries = signer.certificateChain.map { CertificateMessage.Entry(certData: $0) }
        self.sendHandshake(CertificateMessage(entries: entries).encodedMessage(), transcript: &transcript)
        let content = CertificateVerifyContent.make(role: .server, transcriptHash: transcript.currentHash())
        let signature: [UInt8]
        do {
            signature = try signer.sign(content)
        } catch {
            throw TLSAlert(.internalError, reason: "signing CertificateVerify failed")
        }
        let verify = CertificateVerify(algorithm: signer.scheme, signature: signature)
        self.sendHandshake(verify.encodedMessage(), transcript: &transcript)
    }

    /// Picks the first offered ticket the server can open whose suite has the negotiated hash, verifies its
    /// binder, and decides on 0-RTT.
    ///
    /// RFC 8446 §4.2.11.2: a binder that does not verify aborts the handshake with decrypt_error. Tickets
    /// that cannot be opened, are expired, or are for another hash are skipped (a full handshake follows).
    private func selectPSK(
        _ hello: ClientHello, raw: RawHandshakeMessage, suite: CipherSuite, transcript: TranscriptHash,
        alpn: [UInt8]
    ) throws(TLSAlert) -> (psk: [UInt8], earlyData: Bool, index: UInt16)? {
        guard let offered = hello.offeredPSKs, let key = self.configuration.ticketKey else { return nil }
        // RFC 8446 §4.2.9: pre_shared_key requires psk_key_exchange_modes.
        guard case .pskKeyExchangeModes(let modes) = hello.extensions.first(ofType: .pskKeyExchangeModes) else {
            throw TLSAlert(.missingExtension, reason: "pre_shared_key without psk_key_exchange_modes")
        }
        guard modes.contains(.pskDHE), let hash = suite.hashAlgorithm else { return nil }
        for (index, identity) in offered.identities.enumerated() {
            guard let state = SealedTicketState.open(identity.identity, with: key),
                state.cipherSuite.hashAlgorithm == hash, state.psk.count == hash.length,
                self.nowMilliseconds >= state.issuedAtMilliseconds
            else { continue }
            let serverAge = self.nowMilliseconds - state.issuedAtMilliseconds
            guard serverAge <= UInt64(state.lifetime) * 1000 else { continue }
            guard index < offered.binders.count, let partial = hello.partialTranscript(of: raw.bytes) else {
                throw .illegalParameter("PSK binders do not match the identities")
            }
            let binderKey = KeySchedule.EarlyStage(hash: hash, psk: state.psk).binderKey(.resumption)
            try KeySchedule.verifyPSKBinder(
                hash, binderKey: binderKey, partialTranscriptHash: transcript.hash(appending: partial),
                received: offered.binders[index])
            // RFC 8446 §4.2.10: 0-RTT only with the first PSK, the same suite and ALPN, and a plausible age
            // (§8.3: the client's view of the age within a tolerance of the server's).
            let clientAge = UInt64(identity.obfuscatedTicketAge &- state.ticketAgeAdd)
            let skew = clientAge > serverAge ? clientAge - serverAge : serverAge - clientAge
            let earlyData = index == 0 && self.retry == nil && self.configuration.earlyDataEnabled
                && state.earlyDataAllowed && state.cipherSuite == suite && state.alpn == alpn
                && state.earlyDataContext == self.configuration.earlyDataContext
                && skew <= self.configuration.ticketAgeToleranceMilliseconds
                && hello.extensions.first(ofType: .earlyData) != nil
            return (state.psk, earlyData, UInt16(truncatingIfNeeded: index))
        }
        return nil
    }
}
