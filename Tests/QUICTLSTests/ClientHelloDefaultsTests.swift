import Testing

@testable import QUICTLS

/// What a first ClientHello carries with the default configuration: the choices other stacks depend on.
@Suite("TLS client: first ClientHello defaults")
struct ClientHelloDefaultsTests {
    private func firstClientHello(_ configuration: TLSClientConfiguration) throws -> ClientHello {
        var client = try TLSClientHandshake(configuration: configuration)
        let output = client.pollOutput()
        let flight = try #require(output)
        guard case .clientHello(let hello) = try HandshakeMessage(decoding: flight.bytes) else {
            Issue.record("the first message is not a ClientHello")
            throw TLSAlert(.internalError, reason: "no ClientHello")
        }
        return hello
    }

    @Test("psk_key_exchange_modes is offered without a ticket, so servers issue session tickets")
    func pskModesWithoutTicket() throws {
        let configuration = TLSClientConfiguration(
            common: TLSConfiguration(alpn: [testALPN], transportParameters: [1, 2, 3, 4]), serverName: "example.test")
        let hello = try self.firstClientHello(configuration)
        #expect(hello.extensions.contains(.pskKeyExchangeModes([.pskDHE])))
        #expect(!hello.extensions.contains { if case .preSharedKey = $0 { true } else { false } })
    }

    @Test("the key share is X25519 by default, which every QUIC stack accepts without a HelloRetryRequest")
    func defaultKeyShare() throws {
        let configuration = TLSClientConfiguration(
            common: TLSConfiguration(alpn: [testALPN], transportParameters: [1, 2, 3, 4]), serverName: "example.test")
        let hello = try self.firstClientHello(configuration)
        let shares = hello.extensions.compactMap { if case .keyShares(let entries) = $0 { entries } else { nil } }
        #expect(shares.first?.map(\.group) == [.x25519])
    }
}
