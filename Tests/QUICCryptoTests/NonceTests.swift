import Testing

@testable import QUICCrypto

@Suite("AEAD nonce, single path and multipath")
struct NonceTests {
    @Test("draft-ietf-quic-multipath nonce example: path 3, packet number 54321")
    func multipathExample() throws {
        let keys = try PacketKeys(
            cipherSuite: .aes128GCMSHA256, key: [UInt8](repeating: 0, count: 16),
            iv: try #require(hexBytes("6b26114b9cba2b63a9e8dd4f")))
        #expect(hexString(try keys.nonce(packetNumber: 54321, pathID: 3)) == "6b2611489cba2b63a9e8097e")
    }

    @Test("Path 0 gives the RFC 9001 nonce")
    func pathZero() throws {
        let keys = try PacketKeys(
            cipherSuite: .chacha20Poly1305SHA256, key: [UInt8](repeating: 0, count: 32),
            iv: try #require(hexBytes("e0459b3474bdd0e44a41c144")))
        #expect(hexString(try keys.nonce(packetNumber: 654_360_564, pathID: 0)) == "e0459b3474bdd0e46d417eb0")
        #expect(try keys.nonce(packetNumber: 654_360_564) == keys.nonce(packetNumber: 654_360_564, pathID: 0))
    }

    @Test("Boundary values: path ID fills the first 32 bits, packet number the last 62")
    func boundaries() throws {
        let keys = try PacketKeys(
            cipherSuite: .aes128GCMSHA256, key: [UInt8](repeating: 0, count: 16), iv: [UInt8](repeating: 0, count: 12))
        #expect(hexString(try keys.nonce(packetNumber: 0, pathID: 0)) == "000000000000000000000000")
        #expect(hexString(try keys.nonce(packetNumber: (1 << 62) - 1, pathID: .max)) == "ffffffff3fffffffffffffff")
        #expect(hexString(try keys.nonce(packetNumber: 1, pathID: 1)) == "000000010000000000000001")
        #expect(throws: CryptoError.packetNumberOutOfRange) {
            _ = try keys.nonce(packetNumber: 1 << 62, pathID: 0)
        }
        var buffer = [UInt8](repeating: 0, count: 40)
        #expect(throws: CryptoError.packetNumberOutOfRange) {
            _ = try keys.seal(in: &buffer, headerRange: 0..<4, payloadLength: 4, packetNumber: .max, pathID: 0)
        }
    }

    @Test("A packet sealed on one path does not open on another")
    func pathsAreSeparated() throws {
        let protection = try PacketProtection(
            cipherSuite: .aes128GCMSHA256, secret: [UInt8](repeating: 7, count: 32), parameters: .v1)
        let header: [UInt8] = [0x41, 0xaa, 0xbb, 0x00, 0x05]
        let payload = [UInt8](repeating: 0x01, count: 20)
        let packet = try protect(
            protection, header: header, payload: payload, packetNumber: 5, packetNumberOffset: 3, pathID: 2)
        #expect(
            try unprotect(protection, packet: packet, packetNumber: 5, packetNumberOffset: 3, pathID: 2).payload
                == payload)
        #expect(throws: CryptoError.authenticationFailure) {
            _ = try unprotect(protection, packet: packet, packetNumber: 5, packetNumberOffset: 3, pathID: 0)
        }
    }
}
