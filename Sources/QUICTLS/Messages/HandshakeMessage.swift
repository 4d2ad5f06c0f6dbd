import QUICWire

/// Any handshake message QUIC's TLS 1.3 exchanges, decoded.
public enum HandshakeMessage: Hashable, Sendable {
    case clientHello(ClientHello)
    case serverHello(ServerHello)
    case helloRetryRequest(HelloRetryRequest)
    case encryptedExtensions(EncryptedExtensions)
    case certificate(CertificateMessage)
    case certificateRequest(CertificateRequest)
    case certificateVerify(CertificateVerify)
    case finished(Finished)
    case newSessionTicket(NewSessionTicket)

    /// Decodes one framed message.
    ///
    /// - Parameter finishedLength: the negotiated hash length, checked against a Finished body; nil
    ///   accepts 32 to 64 bytes.
    /// - Throws: unexpected_message for KeyUpdate (RFC 9001 §6: "Endpoints MUST treat the receipt of a
    ///   TLS KeyUpdate message as a connection error of type 0x010a, equivalent to a fatal TLS alert of
    ///   unexpected_message"), for EndOfEarlyData (RFC 9001 §8.3: "Clients MUST NOT send the
    ///   EndOfEarlyData message"), and for any other type; otherwise the message's own decode errors.
    public init(decoding raw: RawHandshakeMessage, finishedLength: Int? = nil) throws(TLSAlert) {
        let body = raw.body
        switch raw.type {
        case .clientHello:
            self = .clientHello(try ClientHello(body: body))
        case .serverHello:
            if ServerHelloFields.isHelloRetryRequest(body: body) {
                self = .helloRetryRequest(try HelloRetryRequest(body: body))
            } else {
                self = .serverHello(try ServerHello(body: body))
            }
        case .encryptedExtensions:
            self = .encryptedExtensions(try EncryptedExtensions(body: body))
        case .certificate:
            self = .certificate(try CertificateMessage(body: body))
        case .certificateRequest:
            self = .certificateRequest(try CertificateRequest(body: body))
        case .certificateVerify:
            self = .certificateVerify(try CertificateVerify(body: body))
        case .finished:
            self = .finished(try Finished(body: body, hashLength: finishedLength))
        case .newSessionTicket:
            self = .newSessionTicket(try NewSessionTicket(body: body))
        case .keyUpdate:
            throw TLSAlert.unexpectedMessage("KeyUpdate is not used in QUIC (RFC 9001 §6)")
        case .endOfEarlyData:
            throw TLSAlert.unexpectedMessage("EndOfEarlyData is not used in QUIC (RFC 9001 §8.3)")
        default:
            throw TLSAlert.unexpectedMessage("unexpected handshake message type \(raw.type.rawValue)")
        }
    }

    /// Decodes `bytes`, which must hold exactly one framed message.
    public init(decoding bytes: [UInt8], finishedLength: Int? = nil) throws(TLSAlert) {
        try self.init(decoding: try RawHandshakeMessage(bytes: bytes), finishedLength: finishedLength)
    }

    /// The message's msg_type.
    public var type: HandshakeType {
        switch self {
        case .clientHello: return .clientHello
        case .serverHello, .helloRetryRequest: return .serverHello
        case .encryptedExtensions: return .encryptedExtensions
        case .certificate: return .certificate
        case .certificateRequest: return .certificateRequest
        case .certificateVerify: return .certificateVerify
        case .finished: return .finished
        case .newSessionTicket: return .newSessionTicket
        }
    }

    /// The framed encoding, header included.
    public func encodedMessage() -> RawHandshakeMessage {
        switch self {
        case .clientHello(let message): return message.encodedMessage()
        case .serverHello(let message): return message.encodedMessage()
        case .helloRetryRequest(let message): return message.encodedMessage()
        case .encryptedExtensions(let message): return message.encodedMessage()
        case .certificate(let message): return message.encodedMessage()
        case .certificateRequest(let message): return message.encodedMessage()
        case .certificateVerify(let message): return message.encodedMessage()
        case .finished(let message): return message.encodedMessage()
        case .newSessionTicket(let message): return message.encodedMessage()
        }
    }

    /// The framed encoding's bytes.
    public func encoded() -> [UInt8] {
        self.encodedMessage().bytes
    }
}
