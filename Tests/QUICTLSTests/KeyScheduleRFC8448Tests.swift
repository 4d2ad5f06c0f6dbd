import QUICTestSupport
import QUICWire
import Testing

@testable import QUICTLS

/// The secrets RFC 8448 logs for its traces, checked against two independent transcriptions of the RFC.
enum RFC8448Secrets {
    /// §3: the client's Finished (not kept in ``RFC8448`` since no decoder test needed it).
    static let clientFinished = hexBytes("""
        14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce
        61
        """)

    /// §3: the x25519 shared secret, the IKM of "extract secret handshake".
    static let ecdheSharedSecret = hexBytes(
        "8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d")
    static let clientPrivateKey = hexBytes(
        "49 af 42 ba 7f 79 94 85 2d 71 3e f2 78 4b cb ca a7 91 1d e2 6a dc 56 42 cb 63 45 40 e7 ea 50 05")
    static let clientPublicKey = hexBytes(
        "99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c")
    static let serverPrivateKey = hexBytes(
        "b1 58 0e ea df 6d d5 89 b8 ef 4f 2d 56 52 57 8c c8 10 e9 98 01 91 ec 8d 05 83 08 ce a2 16 a2 1e")
    static let serverPublicKey = hexBytes(
        "c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f")

    static let earlySecret = hexBytes(
        "33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a")
    static let handshakeSecret = hexBytes(
        "1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac")
    static let helloHash = hexBytes(
        "86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8")
    static let clientHandshakeTrafficSecret = hexBytes(
        "b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21")
    static let serverHandshakeTrafficSecret = hexBytes(
        "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38")
    static let masterSecret = hexBytes(
        "18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19")
    static let serverFinishedKey = hexBytes(
        "00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85 c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 9f c8")
    static let clientFinishedKey = hexBytes(
        "b8 0a d0 10 15 fb 2f 0b d6 5f f7 d4 da 5d 6b f8 3f 84 82 1d 1f 87 fd c7 d3 c7 5b 5a 7b 42 d9 c4")
    static let serverFinishedHash = hexBytes(
        "96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a 00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13")
    static let clientApplicationTrafficSecret = hexBytes(
        "9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5")
    static let serverApplicationTrafficSecret = hexBytes(
        "a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43")
    static let exporterMasterSecret = hexBytes(
        "fe 22 f8 81 17 6e da 18 eb 8f 44 52 9e 67 92 c5 0c 9a 3f 89 45 2f 68 d8 ae 31 1b 43 09 d3 cf 50")
    static let clientFinishedHash = hexBytes(
        "20 91 45 a9 6e e8 e2 a1 22 ff 81 00 47 cc 95 26 84 65 8d 60 49 e8 64 29 42 6d b8 7c 54 ad 14 3d")
    static let resumptionMasterSecret = hexBytes(
        "7d f2 35 f2 03 1d 2a 05 12 87 d0 2b 02 41 b0 bf da f8 6c c8 56 23 1f 2d 5a ba 46 c4 34 ec 19 6c")
    /// §3 "generate resumption secret": the PSK for the ticket with nonce 00 00.
    static let resumptionPSK = hexBytes(
        "4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3")

    /// §4: the Early Secret from that PSK, the binder key, the binder hash and the binder.
    static let resumedEarlySecret = hexBytes(
        "9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20 bb 41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 33 2c")
    static let resumptionBinderKey = hexBytes(
        "69 fe 13 1a 3b ba d5 d6 3c 64 ee bc c3 0e 39 5b 9d 81 07 72 6a 13 d0 74 e3 89 db c8 a4 e4 72 56")
    static let binderHash = hexBytes(
        "63 22 4b 2e 45 73 f2 d3 45 4c a8 4b 9d 00 9a 04 f6 be 9e 05 71 1a 83 96 47 3a ef a0 1e 92 4a 14")
    static let binder = hexBytes(
        "3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d")
}

@Suite("Key schedule: RFC 8448")
struct KeyScheduleRFC8448Tests {
    private func raw(_ bytes: [UInt8]) throws -> RawHandshakeMessage {
        try RawHandshakeMessage(bytes: bytes)
    }

    @Test func simpleOneRTTHandshakeSecrets() throws {
        let suite = try #require(CipherSuite.aes128GCMSHA256.hashAlgorithm)
        #expect(suite == .sha256)
        var transcript = TranscriptHash(algorithm: suite)
        let early = KeySchedule.EarlyStage(hash: suite)
        #expect(early.earlySecret == RFC8448Secrets.earlySecret)

        transcript.append(try self.raw(RFC8448.clientHello))
        transcript.append(try self.raw(RFC8448.serverHello))
        #expect(transcript.currentHash() == RFC8448Secrets.helloHash)

        let handshake = early.handshakeStage(sharedSecret: RFC8448Secrets.ecdheSharedSecret)
        #expect(handshake.handshakeSecret == RFC8448Secrets.handshakeSecret)
        let clientHandshake = handshake.clientHandshakeTrafficSecret(transcriptHash: transcript.currentHash())
        let serverHandshake = handshake.serverHandshakeTrafficSecret(transcriptHash: transcript.currentHash())
        #expect(clientHandshake == RFC8448Secrets.clientHandshakeTrafficSecret)
        #expect(serverHandshake == RFC8448Secrets.serverHandshakeTrafficSecret)

        let master = handshake.masterStage()
        #expect(master.masterSecret == RFC8448Secrets.masterSecret)

        // The server's Finished covers EncryptedExtensions, Certificate and CertificateVerify.
        transcript.append(try self.raw(RFC8448.encryptedExtensions))
        transcript.append(try self.raw(RFC8448.certificate))
        transcript.append(try self.raw(RFC8448.certificateVerify))
        #expect(KeySchedule.finishedKey(suite, baseKey: serverHandshake) == RFC8448Secrets.serverFinishedKey)
        let serverVerifyData = KeySchedule.finishedVerifyData(
            suite, baseKey: serverHandshake, transcriptHash: transcript.currentHash())
        let serverFinished = try Finished(body: RFC8448.serverFinished.dropFirst(4), hashLength: 32)
        #expect(serverVerifyData == serverFinished.verifyData)
        try KeySchedule.verifyFinished(
            suite, baseKey: serverHandshake, transcriptHash: transcript.currentHash(),
            received: serverFinished.verifyData)

        transcript.append(try self.raw(RFC8448.serverFinished))
        let serverFinishedHash = transcript.currentHash()
        #expect(serverFinishedHash == RFC8448Secrets.serverFinishedHash)
        #expect(master.clientApplicationTrafficSecret(transcriptHash: serverFinishedHash)
            == RFC8448Secrets.clientApplicationTrafficSecret)
        #expect(master.serverApplicationTrafficSecret(transcriptHash: serverFinishedHash)
            == RFC8448Secrets.serverApplicationTrafficSecret)
        #expect(master.exporterMasterSecret(transcriptHash: serverFinishedHash) == RFC8448Secrets.exporterMasterSecret)

        // The client's Finished covers everything up to the server's Finished.
        #expect(KeySchedule.finishedKey(suite, baseKey: clientHandshake) == RFC8448Secrets.clientFinishedKey)
        let clientVerifyData = KeySchedule.finishedVerifyData(
            suite, baseKey: clientHandshake, transcriptHash: serverFinishedHash)
        #expect(clientVerifyData == Array(RFC8448Secrets.clientFinished.dropFirst(4)))

        transcript.append(try self.raw(RFC8448Secrets.clientFinished))
        #expect(transcript.currentHash() == RFC8448Secrets.clientFinishedHash)
        let resumption = master.resumptionMasterSecret(transcriptHash: transcript.currentHash())
        #expect(resumption == RFC8448Secrets.resumptionMasterSecret)

        // The ticket of §3 carries the nonce 00 00.
        let ticket = try NewSessionTicket(body: RFC8448.newSessionTicket.dropFirst(4))
        #expect(ticket.ticketNonce == [0, 0])
        let psk = KeySchedule.resumptionPSK(suite, resumptionMasterSecret: resumption, ticketNonce: ticket.ticketNonce)
        #expect(psk == RFC8448Secrets.resumptionPSK)
    }

    @Test func wrongFinishedIsDecryptError() throws {
        let suite = TLSHashAlgorithm.sha256
        let serverHandshake = RFC8448Secrets.serverHandshakeTrafficSecret
        let hash = suite.hash(Array("anything".utf8))
        let good = KeySchedule.finishedVerifyData(suite, baseKey: serverHandshake, transcriptHash: hash)
        for index in good.indices {
            var bad = good
            bad[index] ^= 0x01
            let alert = alertThrown {
                try KeySchedule.verifyFinished(suite, baseKey: serverHandshake, transcriptHash: hash, received: bad)
            }
            #expect(alert?.code == .decryptError)
        }
        let short = alertThrown {
            try KeySchedule.verifyFinished(
                suite, baseKey: serverHandshake, transcriptHash: hash, received: good.dropLast())
        }
        #expect(short?.code == .decryptError)
        // The client's key does not verify the server's Finished.
        let swapped = alertThrown {
            try KeySchedule.verifyFinished(
                suite, baseKey: RFC8448Secrets.clientHandshakeTrafficSecret, transcriptHash: hash, received: good)
        }
        #expect(swapped?.code == .decryptError)
    }

    @Test func resumedHandshakePSKBinder() throws {
        let suite = TLSHashAlgorithm.sha256
        let message = try self.raw(RFC8448.resumedClientHello)
        let hello = try ClientHello(body: message.body)
        let partial = try #require(hello.partialTranscript(of: message.bytes))

        let transcript = TranscriptHash(algorithm: suite)
        let binderHash = transcript.hash(appending: partial)
        #expect(binderHash == RFC8448Secrets.binderHash)
        #expect(transcript.byteCount == 0, "hashing a prefix must not append it")

        let early = KeySchedule.EarlyStage(hash: suite, psk: RFC8448Secrets.resumptionPSK)
        #expect(early.earlySecret == RFC8448Secrets.resumedEarlySecret)
        let binderKey = early.binderKey(.resumption)
        #expect(binderKey == RFC8448Secrets.resumptionBinderKey)
        #expect(early.binderKey(.external) != binderKey)

        let binder = KeySchedule.pskBinder(suite, binderKey: binderKey, partialTranscriptHash: binderHash)
        #expect(binder == RFC8448Secrets.binder)
        #expect(Array(RFC8448.resumedClientHello.suffix(32)) == binder)
        try KeySchedule.verifyPSKBinder(
            suite, binderKey: binderKey, partialTranscriptHash: binderHash, received: binder)

        let external = alertThrown {
            try KeySchedule.verifyPSKBinder(
                suite, binderKey: early.binderKey(.external), partialTranscriptHash: binderHash, received: binder)
        }
        #expect(external?.code == .decryptError)
    }

    @Test func keyLogLines() {
        let random = Array(RFC8448.clientHello[6..<38])
        let line = KeyLog.line(
            .clientHandshakeTrafficSecret,
            clientRandom: random,
            secret: RFC8448Secrets.clientHandshakeTrafficSecret
        )
        #expect(line == "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
            + "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 "
            + "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")
        #expect(KeyLog.Label.serverTrafficSecret0.rawValue == "SERVER_TRAFFIC_SECRET_0")
        #expect(KeyLog.Label.clientTrafficSecret0.rawValue == "CLIENT_TRAFFIC_SECRET_0")
        #expect(KeyLog.Label.serverHandshakeTrafficSecret.rawValue == "SERVER_HANDSHAKE_TRAFFIC_SECRET")
        #expect(KeyLog.Label.clientEarlyTrafficSecret.rawValue == "CLIENT_EARLY_TRAFFIC_SECRET")
        #expect(KeyLog.Label.exporterSecret.rawValue == "EXPORTER_SECRET")
        #expect(KeyLog.hex([0x00, 0x0f, 0xf0, 0xff]) == "000ff0ff")
    }
}
