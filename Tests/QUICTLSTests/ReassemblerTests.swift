import QUICWire
import QUICTestSupport
import Testing

@testable import QUICTLS

@Suite("Handshake message reassembly")
struct ReassemblerTests {
    private let flight = [RFC8448.encryptedExtensions, RFC8448.certificate, RFC8448.certificateVerify,
                          RFC8448.serverFinished]

    private func drain(_ reassembler: inout HandshakeReassembler, at level: EncryptionLevel) throws -> [[UInt8]] {
        var messages: [[UInt8]] = []
        while let message = try reassembler.nextMessage(at: level) {
            messages.append(message.bytes)
        }
        return messages
    }

    @Test func splitAtEveryByteBoundary() throws {
        let stream = self.flight.flatMap { $0 }
        for split in 0...stream.count {
            var reassembler = HandshakeReassembler()
            try reassembler.append(stream[..<split], at: .handshake)
            var messages = try self.drain(&reassembler, at: .handshake)
            try reassembler.append(stream[split...], at: .handshake)
            messages += try self.drain(&reassembler, at: .handshake)
            #expect(messages == self.flight, "split at \(split)")
            #expect(reassembler.bufferedByteCount(at: .handshake) == 0)
        }
    }

    @Test func oneByteAtATime() throws {
        let stream = self.flight.flatMap { $0 }
        var reassembler = HandshakeReassembler()
        var messages: [[UInt8]] = []
        for byte in stream {
            try reassembler.append(CollectionOfOne(byte), at: .handshake)
            messages += try self.drain(&reassembler, at: .handshake)
        }
        #expect(messages == self.flight)
    }

    @Test func seededRandomPieces() throws {
        var random = TLSTestRandom(seed: 42)
        let stream = (self.flight + SampleMessages.all.map { $0.encoded() }).flatMap { $0 }
        for _ in 0..<50 {
            var reassembler = HandshakeReassembler()
            var messages: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + random.int(0...600))
                try reassembler.append(stream[offset..<end], at: .initial)
                messages += try self.drain(&reassembler, at: .initial)
                offset = end
            }
            #expect(messages.flatMap { $0 } == stream)
            #expect(messages.count == self.flight.count + SampleMessages.all.count)
        }
    }

    @Test func levelsAreIndependent() throws {
        var reassembler = HandshakeReassembler()
        try reassembler.append(RFC8448.clientHello.prefix(10), at: .initial)
        try reassembler.append(RFC8448.serverFinished, at: .handshake)
        #expect(try reassembler.nextMessage(at: .initial) == nil)
        #expect(try reassembler.nextMessage(at: .oneRTT) == nil)
        #expect(try reassembler.nextMessage(at: .handshake)?.bytes == RFC8448.serverFinished)
        #expect(reassembler.bufferedByteCount(at: .initial) == 10)
        try reassembler.append(RFC8448.clientHello.dropFirst(10), at: .initial)
        let hello = try #require(try reassembler.nextMessage(at: .initial))
        #expect(try HandshakeMessage(decoding: hello).type == .clientHello)
    }

    @Test func oversizedMessageIsRefusedAtItsHeader() throws {
        var reassembler = HandshakeReassembler(maxMessageLength: 1000)
        #expect(throws: TransportError.self) { try reassembler.append([11, 0, 0x03, 0xe9], at: .handshake) }
        var exact = HandshakeReassembler(maxMessageLength: 1000)
        try exact.append([11, 0, 0x03, 0xe8], at: .handshake)
        do {
            var defaults = HandshakeReassembler()
            try defaults.append([11, 0x01, 0x00, 0x01], at: .handshake)
            Issue.record("a 65537-byte message was accepted")
        } catch {
            #expect(error.code == .cryptoBufferExceeded)
        }
    }

    @Test func unreadBytesAreBounded() throws {
        var reassembler = HandshakeReassembler(maxMessageLength: 100)
        let message = RawHandshakeMessage(type: .finished, body: [UInt8](repeating: 0, count: 100)).bytes
        try reassembler.append(message, at: .oneRTT)
        do {
            try reassembler.append(message + message, at: .oneRTT)
            Issue.record("unbounded buffering")
        } catch {
            #expect(error.code == .cryptoBufferExceeded)
        }
    }

    @Test func cryptoDataAtZeroRTTIsAProtocolViolation() {
        var reassembler = HandshakeReassembler()
        do {
            try reassembler.append([1], at: .zeroRTT)
            Issue.record("accepted 0-RTT CRYPTO data")
        } catch {
            #expect(error.code == .protocolViolation)
        }
    }
}
