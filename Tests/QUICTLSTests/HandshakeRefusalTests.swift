import QUICWire
import Testing

@testable import QUICTLS

@Suite("TLS handshake: HelloRetryRequest and refusals")
struct HandshakeRefusalTests {
    /// Rewrites the ClientHello in the client's Initial flight.
    static func rewriteClientHello(
        _ change: @escaping @Sendable (inout ClientHello) -> Void
    ) -> (Bool, EncryptionLevel, inout [UInt8]) -> Void {
        { fromClient, level, bytes in
            guard fromClient, level == .initial,
                case .clientHello(var hello) = try? HandshakeMessage(decoding: bytes)
            else { return }
            change(&hello)
            bytes = hello.encoded()
        }
    }

    static func failure(
        _ client: TLSClientConfiguration, _ server: TLSServerConfiguration,
        tamper: ((Bool, EncryptionLevel, inout [UInt8]) -> Void)? = nil
    ) throws -> (clientFailed: Bool, code: UInt8?) {
        var pair = try HandshakePair(client: client, server: server)
        pair.tamper = tamper
        let outcome = pair.run()
        let failure = try #require(outcome)
        return (failure.clientFailed, failure.error.alert?.code.rawValue)
    }

    @Test("HelloRetryRequest when the client's share is for a group the server does not accept")
    func helloRetryRequest() throws {
        var pair = try HandshakePair(
            client: makeClientConfiguration(groups: [.secp256r1, .x25519]),
            server: makeServerConfiguration(groups: [.x25519]))
        #expect(pair.run() == nil)
        try HandshakeTests.expectMatchingSecrets(pair, suite: .aes128GCMSHA256)
        let initial = pair.clientFlights.filter { $0.level == .initial }
        #expect(initial.count == 2)
        let second = try HandshakeMessage(decoding: try #require(initial.last).bytes)
        guard case .clientHello(let hello) = second, case .keyShares(let shares) = hello.extensions.first(
            ofType: .keyShare) else {
            Issue.record("second flight is not a ClientHello")
            return
        }
        #expect(shares.map(\.group) == [.x25519])
        let retry = try HandshakeMessage(decoding: try #require(pair.serverFlights.first).bytes)
        #expect(retry.encoded() == pair.serverFlights[0].bytes)
        if case .helloRetryRequest = retry {} else { Issue.record("first server flight is not a HelloRetryRequest") }
    }

    @Test("HelloRetryRequest with SHA-384 completes")
    func helloRetryRequestSHA384() throws {
        var pair = try HandshakePair(
            client: makeClientConfiguration(groups: [.secp256r1, .x25519]),
            server: makeServerConfiguration(suites: [.aes256GCMSHA384], groups: [.x25519]))
        #expect(pair.run() == nil)
        try HandshakeTests.expectMatchingSecrets(pair, suite: .aes256GCMSHA384)
    }

    @Test("no common application protocol: no_application_protocol (120)")
    func noALPN() throws {
        let result = try Self.failure(
            makeClientConfiguration(alpn: [Array("hq-interop".utf8)]), makeServerConfiguration())
        #expect(!result.clientFailed && result.code == 120)
    }

    @Test("no common group: handshake_failure (40)")
    func noGroup() throws {
        let result = try Self.failure(
            makeClientConfiguration(groups: [.secp256r1]), makeServerConfiguration(groups: [.x25519]))
        #expect(!result.clientFailed && result.code == 40)
    }

    @Test("no common cipher suite: handshake_failure (40)")
    func noSuite() throws {
        let result = try Self.failure(
            makeClientConfiguration(suites: [.chacha20Poly1305SHA256]),
            makeServerConfiguration(suites: [.aes128GCMSHA256]))
        #expect(!result.clientFailed && result.code == 40)
    }

    @Test("client without quic_transport_parameters: missing_extension (109)")
    func clientMissingTransportParameters() throws {
        let result = try Self.failure(
            makeClientConfiguration(), makeServerConfiguration(),
            tamper: Self.rewriteClientHello { $0.extensions.removeAll { $0.type == .quicTransportParameters } })
        #expect(!result.clientFailed && result.code == 109)
    }

    @Test("server without quic_transport_parameters: missing_extension (109)")
    func serverMissingTransportParameters() throws {
        let result = try Self.failure(makeClientConfiguration(), makeServerConfiguration()) {
            fromClient, level, bytes in
            guard !fromClient, level == .handshake else { return }
            var messages = splitMessages(bytes)
            guard case .encryptedExtensions(var ee) = try? HandshakeMessage(decoding: messages[0]) else { return }
            ee.extensions.removeAll { $0.type == .quicTransportParameters }
            messages[0] = ee.encoded()
            bytes = messages.flatMap { $0 }
        }
        #expect(result.clientFailed && result.code == 109)
    }

    @Test("tampered server Finished: decrypt_error (51)")
    func tamperedServerFinished() throws {
        let result = try Self.failure(makeClientConfiguration(), makeServerConfiguration()) {
            fromClient, level, bytes in
            if !fromClient, level == .handshake { bytes[bytes.count - 1] ^= 0x01 }
        }
        #expect(result.clientFailed && result.code == 51)
    }

    @Test("tampered client Finished: decrypt_error (51)")
    func tamperedClientFinished() throws {
        let result = try Self.failure(makeClientConfiguration(), makeServerConfiguration()) {
            fromClient, level, bytes in
            if fromClient, level == .handshake { bytes[bytes.count - 1] ^= 0x80 }
        }
        #expect(!result.clientFailed && result.code == 51)
    }

    @Test("bad CertificateVerify signature: decrypt_error (51) from the verifier")
    func badSignature() throws {
        let result = try Self.failure(makeClientConfiguration(), makeServerConfiguration()) {
            fromClient, level, bytes in
            guard !fromClient, level == .handshake else { return }
            var messages = splitMessages(bytes)
            guard let index = messages.firstIndex(where: { $0.first == 15 }),
                case .certificateVerify(var verify) = try? HandshakeMessage(decoding: messages[index])
            else { return }
            // Flip a bit of the signed r value (DER: 30 len 02 len r...), keeping the encoding valid.
            verify.signature[verify.signature.count - 1] ^= 0x01
            messages[index] = verify.encoded()
            bytes = messages.flatMap { $0 }
        }
        #expect(result.clientFailed && result.code == 51)
    }

    @Test("client without TLS 1.3 in supported_versions: protocol_version (70)")
    func downgrade() throws {
        let result = try Self.failure(
            makeClientConfiguration(), makeServerConfiguration(),
            tamper: Self.rewriteClientHello { hello in
                guard let index = hello.extensions.firstIndex(where: { $0.type == .supportedVersions }) else { return }
                hello.extensions[index] = .supportedVersions([.tls12])
            })
        #expect(!result.clientFailed && result.code == 70)
        let absent = try Self.failure(
            makeClientConfiguration(), makeServerConfiguration(),
            tamper: Self.rewriteClientHello { $0.extensions.removeAll { $0.type == .supportedVersions } })
        #expect(!absent.clientFailed && absent.code == 70)
    }

    @Test("duplicate extension: illegal_parameter (47)")
    func duplicateExtension() throws {
        let result = try Self.failure(
            makeClientConfiguration(), makeServerConfiguration(),
            tamper: Self.rewriteClientHello {
                $0.extensions.insert(.applicationLayerProtocolNegotiation([testALPN]), at: 0)
            })
        #expect(!result.clientFailed && result.code == 47)
    }

    @Test("a failed handshake keeps failing with the same error")
    func failureIsSticky() throws {
        var pair = try HandshakePair(
            client: makeClientConfiguration(alpn: [Array("other".utf8)]), server: makeServerConfiguration())
        let outcome = pair.run()
        let failure = try #require(outcome)
        #expect(throws: failure.error) { try pair.server.receive([1, 2, 3][...], at: .initial) }
    }

    @Test("KeyUpdate at 1-RTT is refused with unexpected_message (10)")
    func keyUpdate() throws {
        var pair = try HandshakePair(client: makeClientConfiguration(), server: makeServerConfiguration())
        #expect(pair.run() == nil)
        let error = #expect(throws: TLSHandshakeError.self) {
            try pair.client.receive([24, 0, 0, 1, 0][...], at: .oneRTT)
        }
        #expect(error?.alert?.code == .unexpectedMessage)
    }

    @Test("a non-empty legacy_session_id is a PROTOCOL_VIOLATION (RFC 9001 §8.4)")
    func legacySessionID() throws {
        var pair = try HandshakePair(client: makeClientConfiguration(), server: makeServerConfiguration())
        pair.tamper = Self.rewriteClientHello { $0.legacySessionID = [1, 2, 3, 4] }
        let outcome = pair.run()
        let failure = try #require(outcome)
        #expect(!failure.clientFailed)
        #expect(failure.error.transportError.code == .protocolViolation)
        #expect(failure.error.alert == nil)
    }

    @Test("CRYPTO data at the 0-RTT level is a PROTOCOL_VIOLATION (RFC 9001 §8.3)")
    func cryptoInZeroRTT() throws {
        var server = TLSServerHandshake(configuration: makeServerConfiguration())
        let error = #expect(throws: TLSHandshakeError.self) { try server.receive([1, 0, 0, 0][...], at: .zeroRTT) }
        #expect(error?.transportError.code == .protocolViolation)
    }

    @Test("a NewSessionTicket whose max_early_data_size is not 0xffffffff is a PROTOCOL_VIOLATION")
    func badMaxEarlyDataSize() throws {
        var server = makeServerConfiguration()
        server.earlyDataEnabled = true
        var pair = try HandshakePair(client: makeClientConfiguration(), server: server)
        pair.tamper = { fromClient, level, bytes in
            guard !fromClient, level == .oneRTT,
                case .newSessionTicket(var ticket) = try? HandshakeMessage(decoding: bytes)
            else { return }
            ticket.extensions = [.maxEarlyDataSize(16_384)]
            bytes = ticket.encoded()
        }
        let outcome = pair.run()
        let failure = try #require(outcome)
        #expect(failure.clientFailed && failure.error.transportError.code == .protocolViolation)
    }
}
