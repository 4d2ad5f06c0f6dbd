import QUICWire

/// The server side of the QUIC TLS 1.3 handshake (RFC 8446, RFC 9001), sans-IO.
///
/// It answers the ClientHello with a HelloRetryRequest when the client's key share is for no group it
/// accepts, otherwise with ServerHello at the Initial level and EncryptedExtensions, [CertificateRequest,]
/// Certificate, CertificateVerify, Finished at the Handshake level (no certificate when a PSK is
/// accepted). After the client's Finished it reports completion and, when a ticket key is configured, sends
/// one NewSessionTicket at the 1-RTT level.
public struct TLSServerHandshake: TLSHandshaker, Sendable {
    enum State: Sendable {
        case waitClientHello
        case waitClientCertificate
        case waitClientCertificateVerify
        case waitVerdict
        case waitFinished
        case connected
        case failed(TLSHandshakeError)
    }

    public var nowMilliseconds: UInt64
    let configuration: TLSServerConfiguration
    var state = State.waitClientHello
    var outbox: HandshakeOutbox
    var reassembler = HandshakeReassembler()

    /// Set once a HelloRetryRequest was sent: the suite and group it committed to, and the transcript.
    var retry: (suite: CipherSuite, group: NamedGroup)?
    var transcript: TranscriptHash?
    var clientRandom: [UInt8] = []
    var suite = CipherSuite.aes128GCMSHA256
    var clientHandshakeSecret: [UInt8] = []
    var clientApplicationSecret: [UInt8] = []
    var masterStage: KeySchedule.MasterStage?
    var negotiatedALPN: [UInt8] = []
    var clientChain: [[UInt8]] = []
    var ticketsIssued: UInt8 = 0

    public init(configuration: TLSServerConfiguration, nowMilliseconds: UInt64 = 0) {
        self.configuration = configuration
        self.nowMilliseconds = nowMilliseconds
        self.outbox = HandshakeOutbox(keyLogEnabled: configuration.common.keyLogEnabled)
    }

    public var isComplete: Bool {
        if case .connected = self.state { return true }
        return false
    }

    public mutating func pollOutput() -> (level: EncryptionLevel, bytes: [UInt8])? { self.outbox.pollOutput() }
    public mutating func pollSecret() -> TLSSecret? { self.outbox.pollSecret() }
    public mutating func pollEvent() -> TLSHandshakeEvent? { self.outbox.pollEvent() }
    public mutating func pollKeyLogLine() -> String? { self.outbox.pollKeyLogLine() }

    public mutating func receive(_ bytes: ArraySlice<UInt8>, at level: EncryptionLevel) throws(TLSHandshakeError) {
        if case .failed(let error) = self.state { throw error }
        do throws(TLSHandshakeError) {
            // RFC 9001 §4.1.3: a server sends but never receives handshake data at the 1-RTT level.
            if level == .oneRTT, !bytes.isEmpty {
                throw TLSHandshakeError.alert(.unexpectedMessage("client handshake data at the 1-RTT level"))
            }
            do throws(TransportError) {
                try self.reassembler.append(bytes, at: level)
            } catch let error {
                throw TLSHandshakeError.transport(error)
            }
            try self.drain()
        } catch let error {
            self.state = .failed(error)
            throw error
        }
    }

    public mutating func provideVerdict(_ verdict: PeerVerdict) throws(TLSHandshakeError) {
        if case .failed(let error) = self.state { throw error }
        guard case .waitVerdict = self.state else {
            let error = TLSHandshakeError.alert(TLSAlert(.internalError, reason: "no verification pending"))
            self.state = .failed(error)
            throw error
        }
        if case .rejected(let alert) = verdict {
            self.state = .failed(.alert(alert))
            throw .alert(alert)
        }
        self.state = .waitFinished
        do throws(TLSHandshakeError) {
            try self.drain()
        } catch let error {
            self.state = .failed(error)
            throw error
        }
    }

    private var expectedLevel: EncryptionLevel? {
        switch self.state {
        case .waitClientHello: return .initial
        case .waitClientCertificate, .waitClientCertificateVerify, .waitFinished: return .handshake
        case .waitVerdict, .connected, .failed: return nil
        }
    }

    private mutating func drain() throws(TLSHandshakeError) {
        while true {
            guard let level = self.expectedLevel else {
                if case .connected = self.state {
                    guard self.reassembler.bufferedByteCount(at: .handshake) == 0,
                        self.reassembler.bufferedByteCount(at: .initial) == 0
                    else {
                        throw .alert(.unexpectedMessage("handshake data after the client's Finished"))
                    }
                }
                return
            }
            if level == .handshake, self.reassembler.bufferedByteCount(at: .initial) > 0 {
                throw .alert(.unexpectedMessage("Initial data after the ClientHello"))
            }
            let next: RawHandshakeMessage?
            do throws(TransportError) {
                next = try self.reassembler.nextMessage(at: level)
            } catch let error {
                throw .transport(error)
            }
            guard let raw = next else { return }
            let message: HandshakeMessage
            do throws(TLSAlert) {
                message = try HandshakeMessage(decoding: raw, finishedLength: self.suite.hashLength)
            } catch let alert {
                throw .alert(alert)
            }
            do throws(TransportError) {
                try QUICHandshakeRules.check(message)
            } catch let error {
                throw .transport(error)
            }
            do throws(TLSAlert) {
                try self.handle(message, raw: raw)
            } catch let alert {
                throw .alert(alert)
            }
        }
    }

    private mutating func handle(_ message: HandshakeMessage, raw: RawHandshakeMessage) throws(TLSAlert) {
        switch (self.state, message) {
        case (.waitClientHello, .clientHello(let hello)):
            try self.handleClientHello(hello, raw: raw)
        case (.waitClientCertificate, .certificate(let certificate)):
            guard certificate.certificateRequestContext.isEmpty else {
                throw .illegalParameter("client Certificate context differs from the CertificateRequest's")
            }
            self.transcript?.append(raw)
            if certificate.entries.isEmpty {
                // RFC 8446 §4.4.2.4: a server that requires a certificate MAY abort with certificate_required.
                guard !self.configuration.requireClientCertificate else {
                    throw TLSAlert(.certificateRequired, reason: "the client sent no certificate")
                }
                self.state = .waitFinished
            } else {
                self.clientChain = certificate.entries.map(\.certData)
                self.state = .waitClientCertificateVerify
            }
        case (.waitClientCertificateVerify, .certificateVerify(let verify)):
            guard self.configuration.common.signatureAlgorithms.contains(verify.algorithm) else {
                throw .illegalParameter("CertificateVerify uses \(verify.algorithm), which was not requested")
            }
            guard let transcript = self.transcript else { throw TLSAlert(.internalError, reason: "no transcript") }
            let content = CertificateVerifyContent.make(role: .client, transcriptHash: transcript.currentHash())
            self.transcript?.append(raw)
            self.state = .waitVerdict
            self.outbox.report(.verifyPeer(PeerVerificationRequest(
                certificateChain: self.clientChain, scheme: verify.algorithm, signature: verify.signature,
                signedContent: content, serverName: nil, peerIsServer: false)))
        case (.waitFinished, .finished(let finished)):
            try self.handleFinished(finished, raw: raw)
        default:
            throw .unexpectedMessage("\(message.type) is not expected now")
        }
    }

    private mutating func handleFinished(_ finished: Finished, raw: RawHandshakeMessage) throws(TLSAlert) {
        guard var transcript = self.transcript, let master = self.masterStage else {
            throw TLSAlert(.internalError, reason: "no key schedule")
        }
        try KeySchedule.verifyFinished(
            transcript.algorithm, baseKey: self.clientHandshakeSecret, transcriptHash: transcript.currentHash(),
            received: finished.verifyData)
        transcript.append(raw)
        self.transcript = transcript
        // RFC 9001 §5.7: 1-RTT packets are not processed before the handshake completes, so the read key is
        // only released now.
        self.outbox.install(TLSSecret(level: .oneRTT, direction: .read, cipherSuite: self.suite,
                                      secret: self.clientApplicationSecret))
        self.outbox.report(.handshakeComplete)
        self.state = .connected
        try self.issueTicket(master: master, transcript: transcript)
    }

    /// Sends one NewSessionTicket (RFC 8446 §4.6.1) whose ticket is the sealed resumption state.
    private mutating func issueTicket(master: KeySchedule.MasterStage, transcript: TranscriptHash) throws(TLSAlert) {
        guard let key = self.configuration.ticketKey, self.configuration.ticketLifetime > 0 else { return }
        let hash = transcript.algorithm
        let resumption = master.resumptionMasterSecret(transcriptHash: transcript.currentHash())
        let nonce = [self.ticketsIssued]
        self.ticketsIssued &+= 1
        let ageAdd = tlsRandomBytes(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let state = SealedTicketState(
            cipherSuite: self.suite,
            psk: KeySchedule.resumptionPSK(hash, resumptionMasterSecret: resumption, ticketNonce: nonce),
            ticketAgeAdd: ageAdd, issuedAtMilliseconds: self.nowMilliseconds,
            lifetime: min(self.configuration.ticketLifetime, 604_800),
            earlyDataAllowed: self.configuration.earlyDataEnabled, alpn: self.negotiatedALPN,
            earlyDataContext: self.configuration.earlyDataContext)
        var extensions: [TLSExtension] = []
        if self.configuration.earlyDataEnabled {
            extensions.append(.maxEarlyDataSize(TLSExtension.quicMaxEarlyDataSize))
        }
        let ticket = NewSessionTicket(
            ticketLifetime: state.lifetime, ticketAgeAdd: ageAdd, ticketNonce: nonce,
            ticket: try state.seal(with: key), extensions: extensions)
        self.outbox.send(ticket.encodedMessage(), at: .oneRTT)
    }
}
