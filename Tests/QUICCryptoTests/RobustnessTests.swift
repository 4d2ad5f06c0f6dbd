import QUICWire
import Testing

@testable import QUICCrypto

@Suite("Tampering, truncation, bad ranges and seeded round trips")
struct RobustnessTests {
    static func protection(_ suite: CipherSuite, seed: UInt8 = 0x11) throws -> PacketProtection {
        try PacketProtection(
            cipherSuite: suite, secret: [UInt8](repeating: seed, count: suite.hashLength), parameters: .v1)
    }

    @Test("Every flipped bit of a protected packet fails authentication or changes the header")
    func flipEveryBit() throws {
        let packet = try #require(hexBytes(Vectors.v1ServerPacket))
        let protection = try InitialSecrets(
            version: .v1, destinationConnectionID: ConnectionID(literal: hexBytes(Vectors.dcid) ?? [])
        ).serverProtection()
        for index in packet.indices {
            for bit in 0..<8 {
                var tampered = packet
                tampered[index] ^= 1 << bit
                var buffer = tampered
                // The Header Form bit changes which first-byte bits are masked; every other change must be caught
                // by the AEAD (packet number bytes change the nonce or the AAD).
                do {
                    let (pnLength, truncated) = try protection.removeHeaderProtection(
                        from: &buffer, packetStart: 0, packetNumberOffset: 18, packetEnd: buffer.count)
                    let headerEnd = 18 + pnLength
                    _ = try protection.open(
                        in: &buffer, headerRange: 0..<headerEnd, ciphertextLength: buffer.count - headerEnd,
                        packetNumber: truncated, pathID: 0)
                    Issue.record("tampered byte \(index) bit \(bit) was accepted")
                } catch {
                    #expect(error == .authenticationFailure)
                }
            }
        }
    }

    @Test("Header protection on packets truncated at every length throws, never traps")
    func truncatedHeaderProtection() throws {
        let packet = try #require(hexBytes(Vectors.v1ServerPacket))
        let protection = try Self.protection(.aes128GCMSHA256)
        for end in 0..<(18 + 20) {
            var buffer = Array(packet[..<end])
            #expect(throws: CryptoError.self) {
                _ = try protection.removeHeaderProtection(
                    from: &buffer, packetStart: 0, packetNumberOffset: 18, packetEnd: end)
            }
            #expect(throws: CryptoError.self) {
                try protection.applyHeaderProtection(
                    to: &buffer, packetStart: 0, packetNumberOffset: 18, packetEnd: end)
            }
        }
        var short = Array(packet[..<37])
        #expect(throws: CryptoError.sampleTooShort) {
            _ = try protection.removeHeaderProtection(
                from: &short, packetStart: 0, packetNumberOffset: 18, packetEnd: 37)
        }
    }

    @Test("Opening ciphertexts truncated at every length throws, never traps", arguments: CipherSuite.allCases)
    func truncatedCiphertext(suite: CipherSuite) throws {
        let protection = try Self.protection(suite)
        let header: [UInt8] = [0x40, 0x01, 0x02, 0x00, 0x09]
        let payload = [UInt8](repeating: 0x42, count: 30)
        var sealed = header + payload + [UInt8](repeating: 0, count: 16)
        _ = try protection.seal(in: &sealed, headerRange: 0..<5, payloadLength: 30, packetNumber: 9, pathID: 0)
        for length in 0..<(sealed.count - 5) {
            var buffer = Array(sealed[..<(5 + length)])
            do {
                _ = try protection.open(
                    in: &buffer, headerRange: 0..<5, ciphertextLength: length, packetNumber: 9, pathID: 0)
                Issue.record("truncated ciphertext of length \(length) opened")
            } catch {
                #expect(error == (length < 16 ? .ciphertextTooShort : .authenticationFailure))
            }
        }
    }

    @Test("Ranges outside the buffer are rejected")
    func badRanges() throws {
        let protection = try Self.protection(.aes128GCMSHA256)
        var buffer = [UInt8](repeating: 0, count: 40)
        #expect(throws: CryptoError.bufferTooSmall) {
            _ = try protection.seal(in: &buffer, headerRange: 0..<5, payloadLength: 20, packetNumber: 0, pathID: 0)
        }
        #expect(throws: CryptoError.invalidRange) {
            _ = try protection.seal(in: &buffer, headerRange: 0..<5, payloadLength: 36, packetNumber: 0, pathID: 0)
        }
        #expect(throws: CryptoError.invalidRange) {
            _ = try protection.seal(in: &buffer, headerRange: 0..<41, payloadLength: 0, packetNumber: 0, pathID: 0)
        }
        #expect(throws: CryptoError.invalidRange) {
            _ = try protection.seal(in: &buffer, headerRange: 0..<5, payloadLength: -1, packetNumber: 0, pathID: 0)
        }
        #expect(throws: CryptoError.invalidRange) {
            _ = try protection.open(in: &buffer, headerRange: 0..<5, ciphertextLength: 36, packetNumber: 0, pathID: 0)
        }
        #expect(throws: CryptoError.invalidRange) {
            try protection.applyHeaderProtection(to: &buffer, packetStart: 0, packetNumberOffset: 0, packetEnd: 40)
        }
        #expect(throws: CryptoError.invalidRange) {
            try protection.applyHeaderProtection(to: &buffer, packetStart: -1, packetNumberOffset: 1, packetEnd: 40)
        }
        #expect(throws: CryptoError.invalidRange) {
            try protection.applyHeaderProtection(to: &buffer, packetStart: 0, packetNumberOffset: 1, packetEnd: 41)
        }
        #expect(throws: CryptoError.invalidRange) {
            try protection.applyHeaderProtection(to: &buffer, packetStart: 0, packetNumberOffset: .max, packetEnd: 40)
        }
        #expect(throws: CryptoError.invalidKeyLength) {
            _ = try HeaderProtectionKey(cipherSuite: .chacha20Poly1305SHA256, key: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: CryptoError.sampleTooShort) {
            _ = try protection.headerProtectionKey.mask(sample: [1, 2, 3])
        }
    }

    @Test("Seeded round trips over suites, header forms, lengths, packet numbers and paths")
    func seededRoundTrips() throws {
        var rng = CryptoTestRNG(seed: 0x5eed_c0de)
        for iteration in 0..<300 {
            let suite = CipherSuite.allCases[rng.next(in: 0...2)]
            let protection = try PacketProtection(
                cipherSuite: suite, secret: rng.bytes(suite.hashLength),
                parameters: rng.next(in: 0...1) == 0 ? .v1 : .v2)
            let isLong = rng.next(in: 0...1) == 1
            let pnLength = rng.next(in: 1...4)
            let prefix = rng.next(in: 1...40)
            var header = rng.bytes(prefix)
            header[0] = (isLong ? 0xc0 : 0x40) | (header[0] & 0x3c) | UInt8(pnLength - 1)
            let packetNumber = rng.next() >> 2
            for i in 0..<pnLength {
                header.append(UInt8(truncatingIfNeeded: packetNumber >> (8 * UInt64(pnLength - 1 - i))))
            }
            // Enough payload that the sample (pn offset + 4 + 16) fits after the tag is appended.
            let payload = rng.bytes(rng.next(in: max(0, 4 - pnLength)...200))
            let pathID = UInt32(truncatingIfNeeded: rng.next())
            let packet = try protect(
                protection, header: header, payload: payload, packetNumber: packetNumber,
                packetNumberOffset: prefix, pathID: pathID)
            // The Header Form bit is never masked; the reserved/type bits and packet number must be hidden.
            #expect(packet[0] & 0x80 == header[0] & 0x80, "iteration \(iteration)")
            let opened = try unprotect(
                protection, packet: packet, packetNumber: packetNumber, packetNumberOffset: prefix, pathID: pathID)
            #expect(opened.header == header, "iteration \(iteration)")
            #expect(opened.payload == payload, "iteration \(iteration)")
        }
    }

    @Test("Long headers keep the upper four bits of the first byte, short headers the upper three")
    func firstByteMasking() throws {
        let protection = try Self.protection(.aes256GCMSHA384)
        for (first, kept) in [(UInt8(0xc3), UInt8(0xf0)), (0x43, 0xe0)] {
            var changed: UInt8 = 0
            for packetNumber in UInt64(0)..<64 {
                let header: [UInt8] = [first, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, UInt8(packetNumber)]
                let packet = try protect(
                    protection, header: header, payload: [UInt8](repeating: 0, count: 16),
                    packetNumber: packetNumber, packetNumberOffset: 5)
                #expect(packet[0] & kept == first & kept)
                changed |= packet[0] ^ first
            }
            #expect(changed == ~kept)
        }
    }
}
