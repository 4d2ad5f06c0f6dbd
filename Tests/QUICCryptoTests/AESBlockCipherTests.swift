import QUICCrypto
import Testing

@Suite("AES single-block function")
struct AESBlockCipherTests {
    /// FIPS-197 Appendix C.1 (AES-128) and C.3 (AES-256).
    @Test(arguments: [
        ("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"),
        ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"),
    ])
    func fipsVectors(key: String, ciphertext: String) throws {
        let plaintext = try #require(hexBytes("00112233445566778899aabbccddeeff"))
        let cipher = try AESBlockCipher(key: try #require(hexBytes(key)))
        var block = plaintext
        try block.withUnsafeMutableBufferPointer { buffer throws(CryptoError) in try cipher.encrypt(buffer) }
        #expect(block == hexBytes(ciphertext))
        try block.withUnsafeMutableBufferPointer { buffer throws(CryptoError) in try cipher.decrypt(buffer) }
        #expect(block == plaintext)
    }

    @Test func wrongSizesAreErrors() throws {
        #expect(throws: CryptoError.invalidKeyLength) { try AESBlockCipher(key: [UInt8](repeating: 0, count: 15)) }
        let cipher = try AESBlockCipher(key: [UInt8](repeating: 0, count: 16))
        #expect(cipher.keyLength == 16)
        var short = [UInt8](repeating: 0, count: 15)
        #expect(throws: CryptoError.invalidRange) {
            try short.withUnsafeMutableBufferPointer { buffer throws(CryptoError) in try cipher.encrypt(buffer) }
        }
    }
}
