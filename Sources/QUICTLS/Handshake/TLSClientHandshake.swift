import QUICWire

/// The client side of the QUIC TLS 1.3 handshake (RFC 8446, RFC 9001), sans-IO.
///
/// The ClientHello is queued at the Initial level when the value is created. QUIC rules: no
/// legacy_session_id and no ChangeCipherSpec (RFC 9001 §8.4), no EndOfEarlyData (§8.3), no KeyUpdate (§6).
public struct TLSClientHandshake: TLSHandshaker, Sendable {
    enum State: Sendable {
        case waitServerHello
        case waitEncryptedExtensions
        case waitCertificateOrRequest
        case waitCertificate
        case waitCertificateVerify
        case waitVerdict
        case waitFinished
        case connected
        case failed(TLSHandshakeError)
    }

    public var nowMilliseconds: UInt64
    let configuration: TLSClientConfiguration
    var state = State.waitServerHello
    var outbox: HandshakeOutbox
    var reassembler = HandshakeReassembler()

    let random: [UInt8]
    var keyShare: ClientKeyShare
    var clientHello: RawHandshakeMessage
    var retried = false
    var retrySuite: CipherSuite?
    /// The ticket actually offered in the current ClientHello.
    var offeredTicket: TLSSessionTicket?
    var offeredEarlyData = false

    var suite = CipherSuite.aes128GCMSHA256
    var transcript: TranscriptHash?
    var pskAccepted = false
    var clientHandshakeSecret: [UInt8] = []
    var serverHandshakeSecret: [UInt8] = []
    var masterStage: KeySchedule.MasterStage?
    var resumptionMasterSecret: [UInt8] = []
    var certificateRequestContext: [UInt8]?
    /// The schemes the server's CertificateRequest accepts.
    var requestedSchemes: [SignatureScheme] = []
    var serverChain: [[UInt8]] = []
    var negotiatedALPN: [UInt8] = []
    var peerTransportParameters: [UInt8] = []

    /// Starts a handshake and queues the ClientHello (and, when 0-RTT is attempted, the 0-RTT write secret).
    ///
    /// - Throws: internal_error for an unusable configuration (no ALPN, no group this library supports).
    public init(configuration: TLSClientConfiguration, nowMilliseconds: UInt64 = 0) throws(TLSAlert) {
        self.configuration = configuration
        self.nowMilliseconds = nowMilliseconds
        self.outbox = HandshakeOutbox(keyLogEnabled: configuration.common.keyLogEnabled)
        self.random = tlsRandomBytes(32)
        guard !configuration.common.alpn.isEmpty else {
            throw TLSAlert(.internalError, reason: "QUIC requires at least one ALPN protocol (RFC 9001 §8.1)")
        }
        guard let group = configuration.common.groups.first(where: ServerKeyShare.supports) else {
            throw TLSAlert(.internalError, reason: "no supported key exchange group configured")
        }
        self.keyShare = try ClientKeyShare(group: group)
        self.clientHello = RawHandshakeMessage(type: .clientHello, body: [UInt8]())
        self.clientHello = self.makeClientHello(cookie: nil, priorTranscript: nil)
        self.outbox.send(self.clientHello, at: .initial)
        if self.offeredEarlyData, let ticket = self.offeredTicket, let hash = ticket.cipherSuite.hashAlgorithm {
            let early = KeySchedule.EarlyStage(hash: hash, psk: ticket.resumptionPSK)
            let secret = early.clientEarlyTrafficSecret(clientHelloHash: hash.hash(self.clientHello.bytes))
            self.outbox.install(TLSSecret(level: .zeroRTT, direction: .write, cipherSuite: ticket.cipherSuite,
                                          secret: secret))
            self.outbox.log(.clientEarlyTrafficSecret, clientRandom: self.random, secret: secret)
        }
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

    /// The level the next expected message travels at, or nil while waiting for a verdict.
    private var expectedLevel: EncryptionLevel? {
        switch self.state {
        case .waitServerHello: return .initial
        case .waitEncryptedExtensions, .waitCertificateOrRequest, .waitCertificate, .waitCertificateVerify,
            .waitFinished:
            return .handshake
        case .connected: return .oneRTT
        case .waitVerdict, .failed: return nil
        }
    }

    private mutating func drain() throws(TLSHandshakeError) {
        while let level = self.expectedLevel {
            // RFC 8446 §5.1: messages must not span a key change, and a level that is done takes no more data.
            for earlier in EncryptionLevel.allCases where earlier.order < level.order {
                guard self.reassembler.bufferedByteCount(at: earlier) == 0 else {
                    throw .alert(.unexpectedMessage("handshake data at \(earlier) after it was complete"))
                }
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
        case (.waitServerHello, .helloRetryRequest(let retry)):
            try self.handleHelloRetryRequest(retry, raw: raw)
        case (.waitServerHello, .serverHello(let hello)):
            try self.handleServerHello(hello, raw: raw)
        case (.waitEncryptedExtensions, .encryptedExtensions(let extensions)):
            try self.handleEncryptedExtensions(extensions, raw: raw)
        case (.waitCertificateOrRequest, .certificateRequest(let request)):
            // RFC 8446 §4.3.2: the context "SHALL be zero length unless used for post-handshake authentication".
            guard request.certificateRequestContext.isEmpty else {
                throw .illegalParameter("non-empty certificate_request_context in the handshake")
            }
            self.certificateRequestContext = request.certificateRequestContext
            if case .signatureAlgorithms(let schemes) = request.extensions.first(ofType: .signatureAlgorithms) {
                self.requestedSchemes = schemes
            }
            self.transcript?.append(raw)
            self.state = .waitCertificate
        case (.waitCertificateOrRequest, .certificate(let certificate)),
            (.waitCertificate, .certificate(let certificate)):
            guard certificate.certificateRequestContext.isEmpty else {
                throw .illegalParameter("server Certificate with a certificate_request_context")
            }
            // RFC 8446 §4.4.2.4: an empty server Certificate is a decode_error.
            guard !certificate.entries.isEmpty else {
                throw .decodeError("the server sent no certificate")
            }
            self.serverChain = certificate.entries.map(\.certData)
            self.transcript?.append(raw)
            self.state = .waitCertificateVerify
        case (.waitCertificateVerify, .certificateVerify(let verify)):
            try self.handleCertificateVerify(verify, raw: raw)
        case (.waitFinished, .finished(let finished)):
            try self.handleFinished(finished, raw: raw)
        case (.connected, .newSessionTicket(let ticket)):
            self.handleNewSessionTicket(ticket)
        default:
            throw .unexpectedMessage("\(message.type) is not expected now")
        }
    }
}

extension EncryptionLevel {
    /// The order in which a handshake moves through the levels (0-RTT sits beside Initial).
    var order: Int {
        switch self {
        case .initial: return 0
        case .zeroRTT: return 1
        case .handshake: return 2
        case .oneRTT: return 3
        }
    }
}
