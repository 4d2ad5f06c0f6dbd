import QUICWire
import Testing

@testable import QUICTLS

@Suite("Handshake message round trips")
struct MessageRoundTripTests {
    @Test(arguments: SampleMessages.all)
    func roundTrip(message: HandshakeMessage) throws {
        let bytes = message.encoded()
        #expect(bytes.first == message.type.rawValue)
        let bodyLength = Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        #expect(bodyLength == bytes.count - 4)
        let decoded = try HandshakeMessage(decoding: bytes)
        #expect(decoded == message)
        #expect(decoded.encoded() == bytes)
    }

    @Test func emptyAndMinimalMessages() throws {
        let messages: [HandshakeMessage] = [
            .encryptedExtensions(EncryptedExtensions(extensions: [])),
            .certificate(CertificateMessage(certificateRequestContext: [UInt8](repeating: 1, count: 255), entries: [])),
            .certificateVerify(CertificateVerify(algorithm: .ed25519, signature: [])),
            .finished(Finished(verifyData: [UInt8](repeating: 0, count: 32))),
            .newSessionTicket(NewSessionTicket(ticketLifetime: 0, ticketAgeAdd: 0, ticketNonce: [], ticket: [0])),
        ]
        for message in messages {
            #expect(try HandshakeMessage(decoding: message.encoded()) == message)
        }
    }

    @Test func helloRetryRequestIsRecognisedByItsRandom() throws {
        let bytes = SampleMessages.helloRetryRequest.encoded()
        #expect(bytes[6..<38].elementsEqual(HelloRetryRequest.specialRandom))
        guard case .helloRetryRequest = try HandshakeMessage(decoding: bytes) else {
            Issue.record("HelloRetryRequest decoded as ServerHello")
            return
        }
        // The same fields under an ordinary random are a ServerHello, and then selected_group and cookie
        // are not allowed.
        var plain = bytes
        plain[6] ^= 0xff
        #expect(alertThrown { _ = try HandshakeMessage(decoding: plain) }?.code == .illegalParameter)
        #expect(alertThrown { _ = try HelloRetryRequest(body: plain.dropFirst(4)) }?.code == .decodeError)
    }

    @Test func partialTranscriptEndsBeforeTheBinders() throws {
        let hello = SampleMessages.clientHello
        let bytes = hello.encoded()
        let prefix = try #require(hello.partialTranscript(of: bytes))
        // What follows the prefix is exactly the binders list: 2-byte length, then 1+32 and 1+48 bytes.
        let rest = Array(bytes[prefix.endIndex...])
        #expect(rest.count == 2 + 33 + 49)
        #expect(rest.prefix(3) == [0x00, 0x52, 0x20])
    }

    @Test func rawMessageFraming() throws {
        let raw = RawHandshakeMessage(type: .finished, body: [1, 2, 3])
        #expect(raw.bytes == [20, 0, 0, 3, 1, 2, 3])
        #expect(raw.type == .finished)
        #expect(Array(raw.body) == [1, 2, 3])
        #expect(try RawHandshakeMessage(bytes: raw.bytes) == raw)
        #expect(alertThrown { _ = try RawHandshakeMessage(bytes: raw.bytes + [0]) }?.code == .decodeError)
        #expect(alertThrown { _ = try RawHandshakeMessage(bytes: [20, 0, 0]) }?.code == .decodeError)
    }
}
