import QUICTestSupport
import QUICWire
import Testing

@testable import QUICTLS

@Suite("Key schedule: HKDF, transcript hash, SHA-384")
struct KeyScheduleTranscriptTests {
    @Test func hkdfMatchesRFC5869TestCase1() {
        let prk = TLSHashAlgorithm.sha256.extract(
            salt: hexBytes("00 01 02 03 04 05 06 07 08 09 0a 0b 0c"),
            inputKeyMaterial: [UInt8](repeating: 0x0b, count: 22)
        )
        #expect(prk == hexBytes("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"))
        let okm = TLSHashAlgorithm.sha256.expand(
            pseudoRandomKey: prk, info: hexBytes("f0 f1 f2 f3 f4 f5 f6 f7 f8 f9"), length: 42)
        #expect(okm == hexBytes("""
            3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865
            """))
    }

    /// RFC 8448 logs the HkdfLabel ("info") of every expansion.
    @Test func hkdfLabelEncodingMatchesRFC8448() {
        #expect(HKDFLabel.encode(label: "resumption", context: [0, 0], length: 32)
            == hexBytes("00 20 10 74 6c 73 31 33 20 72 65 73 75 6d 70 74 69 6f 6e 02 00 00"))
        #expect(HKDFLabel.encode(label: "finished", context: [], length: 32)
            == hexBytes("00 20 0e 74 6c 73 31 33 20 66 69 6e 69 73 68 65 64 00"))
        // "tls13 key", length 16, as for a traffic key.
        #expect(HKDFLabel.encode(label: "key", context: [], length: 16)
            == hexBytes("00 10 09 74 6c 73 31 33 20 6b 65 79 00"))
    }

    @Test func cipherSuitesChooseTheirHash() {
        #expect(CipherSuite.aes128GCMSHA256.hashAlgorithm == .sha256)
        #expect(CipherSuite.chacha20Poly1305SHA256.hashAlgorithm == .sha256)
        #expect(CipherSuite.aes256GCMSHA384.hashAlgorithm == .sha384)
        #expect(CipherSuite(rawValue: 0x00ff).hashAlgorithm == nil)
        for suite in [CipherSuite.aes128GCMSHA256, .aes256GCMSHA384, .chacha20Poly1305SHA256] {
            #expect(suite.hashAlgorithm?.length == suite.hashLength)
        }
    }

    /// SHA-384 suites derive 48-byte secrets. Expected values computed independently from the RFC 8446 §7.1
    /// formulas with Python's hashlib and hmac modules; the early secret is the widely published SHA-384 one.
    @Test func sha384ScheduleDerives48ByteSecrets() throws {
        let hash = try #require(CipherSuite.aes256GCMSHA384.hashAlgorithm)
        let transcriptHash = hash.hash(Array("transcript".utf8))
        #expect(transcriptHash.count == 48)
        let early = KeySchedule.EarlyStage(hash: hash)
        #expect(early.earlySecret == hexBytes("""
            7ee8206f5570023e6dc7519eb1073bc4e791ad37b5c382aa10ba18e2357e716971f9362f2c2fe2a76bfd78dfec4ea9b5
            """))
        let handshake = early.handshakeStage(sharedSecret: RFC8448Secrets.ecdheSharedSecret)
        #expect(handshake.handshakeSecret == hexBytes("""
            984e65f4ea6ac0dece14762ac3752b71867a045c60d3fe7808b31949d2ce27d3142e6da6d92a68437f77c26509ce0b2b
            """))
        let clientHandshake = handshake.clientHandshakeTrafficSecret(transcriptHash: transcriptHash)
        #expect(clientHandshake == hexBytes("""
            449d1f42212e5d216f0a60ce944e39a212f7ec62d7b6de49e3451c4ae9470ef05badabba781c3a987f1d4f58a0638ecd
            """))
        let master = handshake.masterStage()
        #expect(master.masterSecret == hexBytes("""
            2915f95014de3957dad1c2764430fa490ffbe027a09be69e4da30a27969b40081308dbd17cb65a35332215cfc8cf4a2f
            """))
        #expect(master.clientApplicationTrafficSecret(transcriptHash: transcriptHash) == hexBytes("""
            b119de3955e3ab34c7cbfc92544003fa2709730d5fddea02559c27ebda73bd5655f99037861192cf7ab6e63a9920b0ba
            """))
        #expect(KeySchedule.finishedVerifyData(hash, baseKey: clientHandshake, transcriptHash: transcriptHash)
            == hexBytes("""
            f90cbe6690ad174f2783f46eb52eda9fdca9c1e962cc80e334efea3c0cc956afa996fb91994957987f64d3532cb56e50
            """))
        let secrets = [
            early.binderKey(.resumption), early.clientEarlyTrafficSecret(clientHelloHash: transcriptHash),
            handshake.serverHandshakeTrafficSecret(transcriptHash: transcriptHash),
            master.serverApplicationTrafficSecret(transcriptHash: transcriptHash),
            master.exporterMasterSecret(transcriptHash: transcriptHash),
            master.resumptionMasterSecret(transcriptHash: transcriptHash),
            KeySchedule.resumptionPSK(hash, resumptionMasterSecret: master.masterSecret, ticketNonce: [1]),
        ]
        for secret in secrets {
            #expect(secret.count == 48)
        }
        #expect(Set(secrets).count == secrets.count)
    }

    @Test func earlySecretsDependOnPSKAndLabel() {
        let hash = TLSHashAlgorithm.sha256
        let clientHelloHash = hash.hash(RFC8448.resumedClientHello)
        let early = KeySchedule.EarlyStage(hash: hash, psk: RFC8448Secrets.resumptionPSK)
        let earlyTraffic = early.clientEarlyTrafficSecret(clientHelloHash: clientHelloHash)
        let earlyExporter = early.earlyExporterMasterSecret(clientHelloHash: clientHelloHash)
        #expect(earlyTraffic.count == 32)
        #expect(earlyTraffic != earlyExporter)
        let other = KeySchedule.EarlyStage(hash: hash, psk: [UInt8](repeating: 7, count: 32))
        #expect(other.clientEarlyTrafficSecret(clientHelloHash: clientHelloHash) != earlyTraffic)
        // psk_ke (no (EC)DHE) uses zeros as the IKM.
        #expect(early.handshakeStage(sharedSecret: nil).handshakeSecret
            == early.handshakeStage(sharedSecret: [UInt8](repeating: 0, count: 32)).handshakeSecret)
    }

    /// RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by message_hash.
    @Test func helloRetryRequestReplacesClientHello1() throws {
        let clientHello1 = SampleMessages.clientHello.encodedMessage()
        let retry = HandshakeMessage.helloRetryRequest(SampleMessages.helloRetryRequest).encodedMessage()
        for hash in [TLSHashAlgorithm.sha256, .sha384] {
            var manual: [UInt8] = [254, 0, 0, UInt8(hash.length)]
            manual += hash.hash(clientHello1.bytes)
            manual += retry.bytes
            let expected = hash.hash(manual)

            var fromBytes = TranscriptHash(algorithm: hash, replacingClientHello1: clientHello1)
            #expect(fromBytes.byteCount == 4 + hash.length)
            fromBytes.append(retry)
            #expect(fromBytes.currentHash() == expected)

            var running = TranscriptHash(algorithm: hash)
            running.append(clientHello1)
            running.replaceWithMessageHash()
            running.append(retry)
            #expect(running.currentHash() == expected)

            var plain = TranscriptHash(algorithm: hash)
            plain.append(clientHello1)
            plain.append(retry)
            #expect(plain.currentHash() != expected)

            // RFC 8446 §4.2.11.2: after a HelloRetryRequest, the binder of ClientHello2 covers message_hash,
            // the HelloRetryRequest and the partial ClientHello2.
            let message = try RawHandshakeMessage(bytes: RFC8448.resumedClientHello)
            let partial = try #require(try ClientHello(body: message.body).partialTranscript(of: message.bytes))
            #expect(running.hash(appending: partial) == hash.hash(manual + partial))
            #expect(running.currentHash() == expected)
        }
    }

    /// Seeded property: however the messages are split, the running hash equals the one-shot hash, and a prefix
    /// hash never disturbs the state.
    @Test func runningHashEqualsOneShotHash() {
        var random = TLSTestRandom(seed: 0x7b5c_4e11)
        for _ in 0..<200 {
            let hash: TLSHashAlgorithm = random.bool() ? .sha256 : .sha384
            let bytes = random.bytes(0...600)
            var transcript = TranscriptHash(algorithm: hash)
            var offset = 0
            while offset < bytes.count {
                let step = min(random.int(0...80), bytes.count - offset)
                let suffix = Array(bytes[offset...])
                #expect(transcript.hash(appending: suffix) == hash.hash(bytes))
                transcript.append(bytes: bytes[offset..<(offset + step)])
                offset += step
            }
            #expect(transcript.byteCount == bytes.count)
            #expect(transcript.currentHash() == hash.hash(bytes))
            #expect(transcript.currentHash().count == hash.length)
        }
    }
}
