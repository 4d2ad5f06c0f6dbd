@testable import QUICTLS

/// One value of every message and every typed extension, with boundary-sized fields.
enum SampleMessages {
    static let clientHello = ClientHello(
        random: [UInt8](repeating: 0xab, count: 32),
        cipherSuites: [.aes128GCMSHA256, .aes256GCMSHA384, .chacha20Poly1305SHA256],
        extensions: [
            .serverName([ServerName(hostName: "example.com")]),
            .supportedGroups([.x25519MLKEM768, .x25519, .secp256r1]),
            .signatureAlgorithms([.ecdsaSecp256r1SHA256, .ed25519, .rsaPSSRSAESHA256, .rsaPSSRSAESHA384,
                                  .rsaPKCS1SHA256]),
            .signatureAlgorithmsCert([.ed25519]),
            .applicationLayerProtocolNegotiation([Array("h3".utf8), Array("hq-interop".utf8)]),
            .supportedVersions([.tls13]),
            .keyShares([KeyShareEntry(group: .x25519, keyExchange: [UInt8](repeating: 7, count: 32)),
                        KeyShareEntry(group: .secp256r1, keyExchange: [UInt8](repeating: 4, count: 65))]),
            .pskKeyExchangeModes([.pskDHE, .psk]),
            .earlyData,
            .cookie([1, 2, 3]),
            .quicTransportParameters([0x01, 0x02, 0x47, 0xd0]),
            .certificateAuthorities([[0x30, 0x00, 0x01], [0x30]]),
            .other(type: ExtensionType(rawValue: 0x0a0a), data: []),
            .preSharedKey(OfferedPSKs(
                identities: [PSKIdentity(identity: [9, 9, 9], obfuscatedTicketAge: 0xffff_ffff),
                             PSKIdentity(identity: [1], obfuscatedTicketAge: 0)],
                binders: [[UInt8](repeating: 0x11, count: 32), [UInt8](repeating: 0x22, count: 48)])),
        ])

    static let serverHello = ServerHello(
        random: Array(0..<32),
        cipherSuite: .aes256GCMSHA384,
        extensions: [
            .selectedVersion(.tls13),
            .serverKeyShare(KeyShareEntry(group: .x25519, keyExchange: [UInt8](repeating: 3, count: 32))),
            .selectedPreSharedKey(1),
        ])

    static let helloRetryRequest = HelloRetryRequest(
        cipherSuite: .aes128GCMSHA256,
        extensions: [.selectedVersion(.tls13), .cookie([UInt8](repeating: 5, count: 300)), .selectedGroup(.secp256r1)])

    static let encryptedExtensions = EncryptedExtensions(extensions: [
        .serverNameAcknowledged,
        .applicationLayerProtocolNegotiation([Array("h3".utf8)]),
        .earlyData,
        .supportedGroups([.x25519]),
        .quicTransportParameters([UInt8](repeating: 0x42, count: 200)),
    ])

    static let certificate = CertificateMessage(entries: [
        .init(certData: [UInt8](repeating: 0x30, count: 300),
              extensions: [.other(type: .statusRequest, data: [1, 0, 0, 1, 0xff])]),
        .init(certData: [0x30]),
    ])

    static let certificateRequest = CertificateRequest(
        certificateRequestContext: [],
        extensions: [.signatureAlgorithms([.ecdsaSecp256r1SHA256]), .certificateAuthorities([[1, 2, 3]]),
                     .other(type: .oidFilters, data: [0, 0])])

    static let certificateVerify = CertificateVerify(algorithm: .ecdsaSecp256r1SHA256,
                                                     signature: [UInt8](repeating: 0x5a, count: 72))

    static let finished = Finished(verifyData: [UInt8](repeating: 0xf1, count: 48))

    static let newSessionTicket = NewSessionTicket(
        ticketLifetime: 604_800, ticketAgeAdd: 0x1234_5678, ticketNonce: [0],
        ticket: [UInt8](repeating: 0x77, count: 100),
        extensions: [.maxEarlyDataSize(TLSExtension.quicMaxEarlyDataSize)])

    static let all: [HandshakeMessage] = [
        .clientHello(clientHello), .serverHello(serverHello), .helloRetryRequest(helloRetryRequest),
        .encryptedExtensions(encryptedExtensions), .certificate(certificate),
        .certificateRequest(certificateRequest), .certificateVerify(certificateVerify), .finished(finished),
        .newSessionTicket(newSessionTicket),
    ]
}
