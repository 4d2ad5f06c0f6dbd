import QUICWire
import Testing

@testable import QUICCrypto

@Suite("ChaCha20-Poly1305 short header packet and key update (RFC 9001 A.5, RFC 9369 A.5)")
struct ChaChaShortHeaderTests {
    struct Case: Sendable, CustomStringConvertible {
        let parameters: VersionParameters
        let key: String
        let iv: String
        let hp: String
        let ku: String
        let nonce: String
        let ciphertext: String
        let sample: String
        let mask: String
        let header: String
        let packet: String
        var description: String { self.parameters.version.description }
    }

    static let cases = [
        Case(
            parameters: .v1,
            key: "c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8",
            iv: "e0459b3474bdd0e44a41c144",
            hp: "25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4",
            ku: "1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9",
            nonce: "e0459b3474bdd0e46d417eb0",
            ciphertext: "655e5cd55c41f69080575d7999c25a5bfb",
            sample: "5e5cd55c41f69080575d7999c25a5bfb",
            mask: "aefefe7d03",
            header: "4cfe4189",
            packet: "4cfe4189655e5cd55c41f69080575d7999c25a5bfb"
        ),
        Case(
            parameters: .v2,
            key: "3bfcddd72bcf02541d7fa0dd1f5f9eeea817e09a6963a0e6c7df0f9a1bab90f2",
            iv: "a6b5bc6ab7dafce30ffff5dd",
            hp: "d659760d2ba434a226fd37b35c69e2da8211d10c4f12538787d65645d5d1b8e2",
            ku: "c69374c49e3d2a9466fa689e49d476db5d0dfbc87d32ceeaa6343fd0ae4c7d88",
            nonce: "a6b5bc6ab7dafce328ff4a29",
            ciphertext: "0ae7b6b932bc27d786f4bc2bb20f2162ba",
            sample: "e7b6b932bc27d786f4bc2bb20f2162ba",
            mask: "97580e32bf",
            header: "5558b1c6",
            packet: "5558b1c60ae7b6b932bc27d786f4bc2bb20f2162ba"
        ),
    ]

    static let packetNumber: UInt64 = 654_360_564

    @Test("Keys, nonce, ciphertext, mask and packet match", arguments: Self.cases)
    func vector(_ vector: Case) throws {
        let secret = try #require(hexBytes(Vectors.chachaSecret))
        let protection = try PacketProtection(
            cipherSuite: .chacha20Poly1305SHA256, secret: secret, parameters: vector.parameters)
        #expect(hexString(protection.packetKeys.keyBytes) == vector.key)
        #expect(hexString(protection.packetKeys.iv) == vector.iv)
        #expect(hexString(protection.headerProtectionKey.keyBytes) == vector.hp)
        #expect(hexString(try protection.packetKeys.nonce(packetNumber: Self.packetNumber)) == vector.nonce)
        #expect(
            hexString(try protection.headerProtectionKey.mask(sample: try #require(hexBytes(vector.sample))))
                == vector.mask)

        let header: [UInt8] = [0x42, 0x00, 0xbf, 0xf4]
        var buffer = header + [0x01] + [UInt8](repeating: 0, count: 16)
        let end = try protection.seal(
            in: &buffer, headerRange: 0..<4, payloadLength: 1, packetNumber: Self.packetNumber, pathID: 0)
        #expect(end == 21)
        #expect(hexString(buffer[4...]) == vector.ciphertext)

        let packet = try protect(
            protection, header: header, payload: [0x01], packetNumber: Self.packetNumber, packetNumberOffset: 1)
        #expect(hexString(packet[0..<4]) == vector.header)
        #expect(hexString(packet) == vector.packet)

        let opened = try unprotect(
            protection, packet: try #require(hexBytes(vector.packet)), packetNumber: Self.packetNumber,
            packetNumberOffset: 1)
        #expect(opened.header == header)
        #expect(opened.payload == [0x01])
    }

    @Test("Key update derives the published ku secret and keeps the header protection key", arguments: Self.cases)
    func keyUpdate(_ vector: Case) throws {
        let secret = try #require(hexBytes(Vectors.chachaSecret))
        let ku = try #require(hexBytes(vector.ku))
        #expect(
            try KeyUpdateState.nextSecret(
                after: secret, cipherSuite: .chacha20Poly1305SHA256, parameters: vector.parameters) == ku)

        var state = try KeyUpdateState(
            cipherSuite: .chacha20Poly1305SHA256, secret: secret, parameters: vector.parameters)
        let nextExpected = try PacketKeys(
            cipherSuite: .chacha20Poly1305SHA256, secret: ku, parameters: vector.parameters)
        #expect(state.keyPhase == false)
        #expect(state.generation == 0)
        #expect(hexString(state.current.packetKeys.keyBytes) == vector.key)
        #expect(state.next.packetKeys.keyBytes == nextExpected.keyBytes)
        #expect(state.next.packetKeys.iv == nextExpected.iv)
        #expect(state.previous == nil)

        let secondSecret = try KeyUpdateState.nextSecret(
            after: ku, cipherSuite: .chacha20Poly1305SHA256, parameters: vector.parameters)
        let secondExpected = try PacketKeys(
            cipherSuite: .chacha20Poly1305SHA256, secret: secondSecret, parameters: vector.parameters)

        try state.update()
        #expect(state.keyPhase == true)
        #expect(state.generation == 1)
        #expect(state.current.packetKeys.keyBytes == nextExpected.keyBytes)
        #expect(state.next.packetKeys.keyBytes == secondExpected.keyBytes)
        #expect(state.previous.map { hexString($0.packetKeys.keyBytes) } == vector.key)
        // RFC 9001 §6: the header protection key is not updated.
        #expect(hexString(state.current.headerProtectionKey.keyBytes) == vector.hp)
        #expect(hexString(state.next.headerProtectionKey.keyBytes) == vector.hp)

        // A packet sealed with the new keys does not open with the old ones, and vice versa.
        let header: [UInt8] = [0x46, 0x00, 0x00, 0x07]
        let packet = try protect(
            state.current, header: header, payload: [0x01, 0x01, 0x01], packetNumber: 7, packetNumberOffset: 1)
        let old = try #require(state.previous)
        #expect(throws: CryptoError.authenticationFailure) {
            _ = try unprotect(old, packet: packet, packetNumber: 7, packetNumberOffset: 1)
        }
        #expect(
            try unprotect(state.current, packet: packet, packetNumber: 7, packetNumberOffset: 1).payload == [1, 1, 1])

        state.discardPrevious()
        #expect(state.previous == nil)
        try state.update()
        #expect(state.keyPhase == false)
        #expect(state.generation == 2)
        #expect(state.current.packetKeys.keyBytes == secondExpected.keyBytes)
    }

    @Test("Key update for AES suites uses the suite's hash length")
    func keyUpdateSHA384() throws {
        let secret = [UInt8](repeating: 0x5a, count: 48)
        var state = try KeyUpdateState(cipherSuite: .aes256GCMSHA384, secret: secret, parameters: .v1)
        let next = try KeyUpdateState.nextSecret(after: secret, cipherSuite: .aes256GCMSHA384, parameters: .v1)
        #expect(next.count == 48)
        let expected = try PacketKeys(cipherSuite: .aes256GCMSHA384, secret: next, parameters: .v1)
        try state.update()
        #expect(state.current.packetKeys.keyBytes == expected.keyBytes)
        #expect(state.current.packetKeys.keyBytes.count == 32)
    }
}
