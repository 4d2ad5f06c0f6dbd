import QUICWire
import QUICTestSupport
import Testing

@testable import QUICTLS

@Suite("Seeded random round trips")
struct RandomRoundTripTests {
    private func extensions(
        _ random: inout TLSTestRandom, pool: [(inout TLSTestRandom) -> TLSExtension]
    ) -> [TLSExtension] {
        var chosen: [TLSExtension] = []
        for make in pool where random.bool() {
            chosen.append(make(&random))
        }
        return chosen
    }

    private func groups(_ random: inout TLSTestRandom) -> [NamedGroup] {
        (0..<random.int(1...5)).map { _ in NamedGroup(rawValue: random.uint16()) }
    }

    private func clientHello(_ random: inout TLSTestRandom) -> ClientHello {
        var shareGroups: [NamedGroup] = []
        for group in self.groups(&random) where !shareGroups.contains(group) { shareGroups.append(group) }
        let pool: [(inout TLSTestRandom) -> TLSExtension] = [
            { r in .serverName([ServerName(name: r.bytes(1...40))]) },
            { r in .supportedGroups((0..<r.int(1...6)).map { _ in NamedGroup(rawValue: r.uint16()) }) },
            { r in .signatureAlgorithms((0..<r.int(1...9)).map { _ in SignatureScheme(rawValue: r.uint16()) }) },
            { r in .applicationLayerProtocolNegotiation((0..<r.int(1...3)).map { _ in r.bytes(1...20) }) },
            { r in .supportedVersions((0..<r.int(1...4)).map { _ in TLSVersion(rawValue: r.uint16()) }) },
            { r in .keyShares(shareGroups.map { KeyShareEntry(group: $0, keyExchange: r.bytes(1...100)) }) },
            { r in .pskKeyExchangeModes([PSKKeyExchangeMode(rawValue: UInt8(truncatingIfNeeded: r.next()))]) },
            { _ in .earlyData },
            { r in .cookie(r.bytes(1...64)) },
            { r in .quicTransportParameters(r.bytes(0...64)) },
            { r in .other(type: ExtensionType(rawValue: 0xfa00 | UInt16(r.int(0...255))), data: r.bytes(0...10)) },
        ]
        var extensions = self.extensions(&random, pool: pool)
        if extensions.isEmpty { extensions = [.supportedVersions([.tls13])] }
        if random.bool() {
            let count = random.int(1...3)
            extensions.append(.preSharedKey(OfferedPSKs(
                identities: (0..<count).map { _ in
                    PSKIdentity(identity: random.bytes(1...50), obfuscatedTicketAge: random.uint32())
                },
                binders: (0..<count).map { _ in random.bytes(32...64) })))
        }
        return ClientHello(
            legacyVersion: TLSVersion(rawValue: random.uint16()), random: random.bytes(32),
            legacySessionID: random.bytes(0...32),
            cipherSuites: (0..<random.int(1...8)).map { _ in CipherSuite(rawValue: random.uint16()) },
            extensions: extensions)
    }

    private func message(_ random: inout TLSTestRandom) -> HandshakeMessage {
        switch random.int(0...8) {
        case 0:
            return .clientHello(self.clientHello(&random))
        case 1:
            var serverRandom = random.bytes(32)
            serverRandom[0] = 0  // never the HelloRetryRequest value, which starts 0xcf
            return .serverHello(ServerHello(
                random: serverRandom, legacySessionIDEcho: random.bytes(0...32),
                cipherSuite: CipherSuite(rawValue: random.uint16()),
                extensions: [.selectedVersion(.tls13)]
                    + [.serverKeyShare(KeyShareEntry(group: .x25519, keyExchange: random.bytes(1...97))),
                       .selectedPreSharedKey(random.uint16())].filter { _ in random.bool() }))
        case 2:
            return .helloRetryRequest(HelloRetryRequest(
                cipherSuite: .aes128GCMSHA256,
                extensions: [.selectedVersion(.tls13)]
                    + [.selectedGroup(NamedGroup(rawValue: random.uint16())),
                       .cookie(random.bytes(1...200))].filter { _ in random.bool() }))
        case 3:
            let pool: [(inout TLSTestRandom) -> TLSExtension] = [
                { _ in .serverNameAcknowledged },
                { r in .applicationLayerProtocolNegotiation([r.bytes(1...255)]) },
                { _ in .earlyData },
                { r in .supportedGroups([NamedGroup(rawValue: r.uint16())]) },
                { r in .quicTransportParameters(r.bytes(0...300)) },
            ]
            return .encryptedExtensions(EncryptedExtensions(extensions: self.extensions(&random, pool: pool)))
        case 4:
            return .certificate(CertificateMessage(
                certificateRequestContext: random.bytes(0...4),
                entries: (0..<random.int(0...3)).map { _ in .init(certData: random.bytes(1...500)) }))
        case 5:
            return .certificateRequest(CertificateRequest(
                certificateRequestContext: random.bytes(0...8),
                extensions: [.signatureAlgorithms([SignatureScheme(rawValue: random.uint16())])]))
        case 6:
            return .certificateVerify(CertificateVerify(
                algorithm: SignatureScheme(rawValue: random.uint16()), signature: random.bytes(0...300)))
        case 7:
            return .finished(Finished(verifyData: random.bytes(32...64)))
        default:
            return .newSessionTicket(NewSessionTicket(
                ticketLifetime: random.uint32(), ticketAgeAdd: random.uint32(), ticketNonce: random.bytes(0...255),
                ticket: random.bytes(1...400),
                extensions: random.bool() ? [.maxEarlyDataSize(random.uint32())] : []))
        }
    }

    @Test(arguments: [1, 2, 3, 0x5eed] as [UInt64])
    func randomMessagesRoundTrip(seed: UInt64) throws {
        var random = TLSTestRandom(seed: seed)
        for _ in 0..<300 {
            let message = self.message(&random)
            let bytes = message.encoded()
            let decoded = try HandshakeMessage(decoding: bytes)
            #expect(decoded == message)
            #expect(decoded.encoded() == bytes)
        }
    }

    @Test func randomStreamsReassembleAndDecode() throws {
        var random = TLSTestRandom(seed: 0xabcdef)
        let messages = (0..<40).map { _ in self.message(&random) }
        let stream = messages.flatMap { $0.encoded() }
        var reassembler = HandshakeReassembler()
        var decoded: [HandshakeMessage] = []
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + random.int(1...300))
            try reassembler.append(stream[offset..<end], at: .handshake)
            while let raw = try reassembler.nextMessage(at: .handshake) {
                decoded.append(try HandshakeMessage(decoding: raw))
            }
            offset = end
        }
        #expect(decoded == messages)
    }
}
