import QUICWire
import Testing

@testable import QUICTLS

@Suite("Decoding rules and alerts")
struct DecodingRuleTests {
    /// A ClientHello body with `extensions` written raw (type, payload) in order.
    private func clientHelloBody(
        cipherSuites: [UInt8] = [0x00, 0x02, 0x13, 0x01], compression: [UInt8] = [1, 0],
        extensions: [(UInt16, [UInt8])]
    ) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt16(0x0303)
        writer.writeBytes([UInt8](repeating: 1, count: 32))
        writer.writeUInt8(0)
        writer.writeBytes(cipherSuites)
        writer.writeBytes(compression)
        var block = ByteWriter()
        for (type, payload) in extensions {
            block.writeUInt16(type)
            block.writeUInt16(UInt16(payload.count))
            block.writeBytes(payload)
        }
        writer.writeUInt16(UInt16(block.count))
        writer.writeBytes(block.bytes)
        return writer.bytes
    }

    private let versions: (UInt16, [UInt8]) = (43, [2, 3, 4])
    private let groups: (UInt16, [UInt8]) = (10, [0, 2, 0, 0x1d])

    @Test func wellFormedBaseline() throws {
        let hello = try ClientHello(body: self.clientHelloBody(extensions: [self.versions, self.groups])[...])
        #expect(hello.extensions == [.supportedVersions([.tls13]), .supportedGroups([.x25519])])
    }

    @Test func duplicateExtensionIsIllegalParameter() {
        let body = self.clientHelloBody(extensions: [self.versions, self.groups, self.versions])
        let alert = alertThrown { _ = try ClientHello(body: body[...]) }
        #expect(alert?.code == .illegalParameter)
        #expect(alert?.reason.contains("duplicate") == true)
        // Unknown types may not repeat either.
        let unknown = self.clientHelloBody(extensions: [self.versions, (0x7777, []), (0x7777, [])])
        #expect(alertThrown { _ = try ClientHello(body: unknown[...]) }?.code == .illegalParameter)
        // Nor in EncryptedExtensions.
        let ee: [UInt8] = [0, 8, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(alertThrown { _ = try EncryptedExtensions(body: ee[...]) }?.code == .illegalParameter)
    }

    @Test func extensionInTheWrongMessageIsIllegalParameter() {
        // key_share in EncryptedExtensions.
        let keyShare: [UInt8] = [0, 6, 0, 51, 0, 2, 0, 0x1d]
        #expect(alertThrown { _ = try EncryptedExtensions(body: keyShare[...]) }?.code == .illegalParameter)
        // psk_key_exchange_modes in NewSessionTicket.
        let ticket: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 9, 0, 6, 0, 45, 0, 2, 1, 1]
        #expect(alertThrown { _ = try NewSessionTicket(body: ticket[...]) }?.code == .illegalParameter)
        // cookie in ServerHello.
        var serverHello = SampleMessages.serverHello
        serverHello.extensions.append(.cookie([1]))
        #expect(alertThrown { _ = try HandshakeMessage(decoding: serverHello.encoded()) }?.code == .illegalParameter)
        // quic_transport_parameters in a Certificate entry.
        let certificate = CertificateMessage(
            entries: [.init(certData: [1], extensions: [.quicTransportParameters([])])])
        #expect(alertThrown { _ = try HandshakeMessage(decoding: certificate.encoded()) }?.code == .illegalParameter)
    }

    @Test func unknownExtensionInAResponseIsUnsupported() {
        let ee: [UInt8] = [0, 4, 0x7a, 0x7a, 0, 0]
        #expect(alertThrown { _ = try EncryptedExtensions(body: ee[...]) }?.code == .unsupportedExtension)
        // ... but ignored (kept) in ClientHello, CertificateRequest and NewSessionTicket.
        let ticket = NewSessionTicket(ticketLifetime: 1, ticketAgeAdd: 2, ticketNonce: [], ticket: [3],
                                      extensions: [.other(type: ExtensionType(rawValue: 0x7a7a), data: [1])])
        #expect((try? HandshakeMessage(decoding: ticket.encoded())) == .newSessionTicket(ticket))
    }

    @Test func preSharedKeyMustBeLast() {
        let psk: (UInt16, [UInt8]) = (41, [0, 7, 0, 1, 0xaa, 0, 0, 0, 0, 0, 33, 32] + [UInt8](repeating: 0, count: 32))
        let last = self.clientHelloBody(extensions: [self.versions, psk])
        #expect((try? ClientHello(body: last[...]))?.offeredPSKs?.identities.count == 1)
        let notLast = self.clientHelloBody(extensions: [psk, self.versions])
        #expect(alertThrown { _ = try ClientHello(body: notLast[...]) }?.code == .illegalParameter)
        // Binder and identity counts must agree.
        let mismatch: (UInt16, [UInt8]) = (
            41, [0, 14, 0, 1, 0xaa, 0, 0, 0, 0, 0, 1, 0xbb, 0, 0, 0, 0, 0, 33, 32] + [UInt8](repeating: 0, count: 32))
        let body = self.clientHelloBody(extensions: [self.versions, mismatch])
        #expect(alertThrown { _ = try ClientHello(body: body[...]) }?.code == .illegalParameter)
    }

    @Test func emptyOrOddListsAreDecodeErrors() {
        let noSuites = self.clientHelloBody(cipherSuites: [0, 0], extensions: [self.versions])
        #expect(alertThrown { _ = try ClientHello(body: noSuites[...]) }?.code == .decodeError)
        let oddSuites = self.clientHelloBody(cipherSuites: [0, 3, 0x13, 0x01, 0x13], extensions: [self.versions])
        #expect(alertThrown { _ = try ClientHello(body: oddSuites[...]) }?.code == .decodeError)
        let cases: [(UInt16, [UInt8])] = [
            (10, [0, 0]),            // supported_groups<2..>
            (13, [0, 0]),            // signature_algorithms<2..>
            (43, [0]),               // versions<2..254>
            (43, [3, 3, 4, 3]),      // odd versions
            (45, [0]),               // ke_modes<1..>
            (16, [0, 2, 0, 0]),      // empty ProtocolName
            (0, [0, 0]),             // server_name_list<1..>
            (44, [0, 0]),            // cookie<1..>
            (51, [0, 4, 0, 0x1d, 0, 0]),  // empty key_exchange
            (42, [0]),               // early_data is empty in ClientHello
            (47, [0, 0]),            // authorities<3..>
            (10, [0, 2, 0, 0x1d, 0]), // trailing byte in the payload
        ]
        for (type, payload) in cases {
            let body = self.clientHelloBody(extensions: [(type, payload)])
            #expect(alertThrown { _ = try ClientHello(body: body[...]) }?.code == .decodeError,
                    "extension \(type) payload \(payload)")
        }
        let noExtensions = self.clientHelloBody(extensions: [])
        #expect(alertThrown { _ = try ClientHello(body: noExtensions[...]) }?.code == .decodeError)
    }

    @Test func compressionMethodsMustBeNull() {
        let body = self.clientHelloBody(compression: [2, 0, 1], extensions: [self.versions])
        #expect(alertThrown { _ = try ClientHello(body: body[...]) }?.code == .illegalParameter)
        var serverHello = SampleMessages.serverHello.encoded()
        serverHello[4 + 2 + 32 + 1 + 2] = 1
        #expect(alertThrown { _ = try HandshakeMessage(decoding: serverHello) }?.code == .illegalParameter)
    }

    @Test func trailingBytesAreDecodeErrors() {
        for message in SampleMessages.all {
            let body = message.encodedMessage().body
            let raw = RawHandshakeMessage(type: message.type, body: body + [0])
            let hashLength = message.type == .finished ? body.count : nil
            #expect(alertThrown { _ = try HandshakeMessage(decoding: raw, finishedLength: hashLength) }?.code
                    == .decodeError, "\(message.type)")
        }
    }

    @Test func keyUpdateAndEndOfEarlyDataAreUnexpected() {
        let keyUpdate = RawHandshakeMessage(type: .keyUpdate, body: [0])
        let endOfEarlyData = RawHandshakeMessage(type: .endOfEarlyData, body: [])
        let unknown = RawHandshakeMessage(type: HandshakeType(rawValue: 99), body: [])
        for raw in [keyUpdate, endOfEarlyData, unknown] {
            let alert = alertThrown { _ = try HandshakeMessage(decoding: raw) }
            #expect(alert?.code == .unexpectedMessage)
            #expect(alert?.transportErrorCode.rawValue == 0x10a)
        }
    }

    @Test func duplicateKeySharesAndServerNames() {
        let shares: (UInt16, [UInt8]) = (51, [0, 10, 0, 0x1d, 0, 1, 7, 0, 0x1d, 0, 1, 8])
        let body = self.clientHelloBody(extensions: [shares])
        #expect(alertThrown { _ = try ClientHello(body: body[...]) }?.code == .illegalParameter)
        let names: (UInt16, [UInt8]) = (0, [0, 8, 0, 0, 1, 0x61, 0, 0, 1, 0x62])
        let named = self.clientHelloBody(extensions: [names])
        #expect(alertThrown { _ = try ClientHello(body: named[...]) }?.code == .illegalParameter)
    }

    @Test func serverALPNCarriesExactlyOneName() {
        let two = EncryptedExtensions(extensions: [.applicationLayerProtocolNegotiation([[1], [2]])])
        #expect(alertThrown { _ = try HandshakeMessage(decoding: two.encoded()) }?.code == .illegalParameter)
    }

    @Test func certificateRequestNeedsSignatureAlgorithms() {
        let request = CertificateRequest(extensions: [.certificateAuthorities([[1, 2, 3]])])
        #expect(alertThrown { _ = try HandshakeMessage(decoding: request.encoded()) }?.code == .missingExtension)
    }

    @Test func quicRules() throws {
        var hello = SampleMessages.clientHello
        #expect(throws: Never.self) { try QUICHandshakeRules.check(.clientHello(hello)) }
        hello.legacySessionID = [UInt8](repeating: 1, count: 32)
        let decoded = try HandshakeMessage(decoding: hello.encoded())
        #expect(throws: TransportError(.protocolViolation, frameType: 0x06,
                                       reason: "ClientHello with a non-empty legacy_session_id (RFC 9001 §8.4)")) {
            try QUICHandshakeRules.check(decoded)
        }
        #expect(throws: Never.self) { try QUICHandshakeRules.check(.newSessionTicket(SampleMessages.newSessionTicket)) }
    }

    @Test func alertsMapToCryptoErrors() {
        let expected: [(TLSAlert.Code, UInt8, String)] = [
            (.unexpectedMessage, 10, "unexpected_message"), (.badRecordMAC, 20, "bad_record_mac"),
            (.handshakeFailure, 40, "handshake_failure"), (.badCertificate, 42, "bad_certificate"),
            (.unsupportedCertificate, 43, "unsupported_certificate"),
            (.certificateRevoked, 44, "certificate_revoked"), (.certificateExpired, 45, "certificate_expired"),
            (.certificateUnknown, 46, "certificate_unknown"), (.illegalParameter, 47, "illegal_parameter"),
            (.unknownCA, 48, "unknown_ca"), (.accessDenied, 49, "access_denied"),
            (.decodeError, 50, "decode_error"), (.decryptError, 51, "decrypt_error"),
            (.protocolVersion, 70, "protocol_version"), (.insufficientSecurity, 71, "insufficient_security"),
            (.internalError, 80, "internal_error"), (.inappropriateFallback, 86, "inappropriate_fallback"),
            (.missingExtension, 109, "missing_extension"), (.unsupportedExtension, 110, "unsupported_extension"),
            (.unrecognizedName, 112, "unrecognized_name"),
            (.badCertificateStatusResponse, 113, "bad_certificate_status_response"),
            (.unknownPSKIdentity, 115, "unknown_psk_identity"), (.certificateRequired, 116, "certificate_required"),
            (.noApplicationProtocol, 120, "no_application_protocol"),
        ]
        for (code, value, name) in expected {
            #expect(code.rawValue == value)
            #expect(code.name == name)
            let alert = TLSAlert(code, reason: "test")
            #expect(alert.transportErrorCode == .cryptoError(alert: value))
            #expect(alert.transportErrorCode.rawValue == 0x100 + UInt64(value))
            #expect(alert.transportError.code.tlsAlert == value)
        }
    }
}
