import QUICTestSupport
import QUICWire
import Testing

@testable import QUICTLS

@Suite("TLS handshake: hostile input")
struct HandshakeMutationTests {
    /// A recorded handshake: both sides before any input, and every flight each sent.
    struct Recording {
        var client: TLSClientHandshake
        var server: TLSServerHandshake
        var clientFlights: [(level: EncryptionLevel, bytes: [UInt8])]
        var serverFlights: [(level: EncryptionLevel, bytes: [UInt8])]
    }

    static func record() throws -> Recording {
        let client = makeClientConfiguration(groups: [.x25519])
        var pair = try HandshakePair(client: client, server: makeServerConfiguration(groups: [.x25519]))
        // The handshakes are values: copies taken before the exchange can replay it with changed bytes.
        let fresh = pair
        #expect(pair.run() == nil)
        var initialClient = fresh.client
        _ = initialClient.pollOutput()
        return Recording(
            client: initialClient, server: fresh.server, clientFlights: pair.clientFlights,
            serverFlights: pair.serverFlights)
    }

    static func mutate(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var copy = bytes
        for _ in 0..<random.int(1...3) where !copy.isEmpty {
            let index = random.int(0...(copy.count - 1))
            copy[index] ^= UInt8(truncatingIfNeeded: random.int(1...255))
        }
        return copy
    }

    @Test("a server fed mutated ClientHellos fails cleanly or answers")
    func mutatedClientHello() throws {
        let recording = try Self.record()
        let hello = try #require(recording.clientFlights.first).bytes
        var random = TLSTestRandom(seed: 0x5eed_c1)
        var failures = 0
        for _ in 0..<200 {
            var server = recording.server
            do {
                try server.receive(Self.mutate(hello, &random)[...], at: .initial)
            } catch {
                failures += 1
            }
        }
        // Most single-byte changes hit a length, a codepoint or a key share and must be refused.
        #expect(failures > 50)
    }

    @Test("a client fed mutated server flights fails cleanly and never completes with changed bytes")
    func mutatedServerFlights() throws {
        let recording = try Self.record()
        var random = TLSTestRandom(seed: 0x5eed_c2)
        for round in 0..<200 {
            var client = recording.client
            let target = round % 2
            var failed = false
            for (index, flight) in recording.serverFlights.enumerated() where flight.level != .oneRTT {
                let bytes = index == target ? Self.mutate(flight.bytes, &random) : flight.bytes
                do {
                    try client.receive(bytes[...], at: flight.level)
                    while let event = client.pollEvent() {
                        if case .verifyPeer(let request) = event {
                            try client.provideVerdict(TestP256Verifier.verdict(for: request))
                        }
                    }
                } catch {
                    failed = true
                    break
                }
            }
            // Every byte of the server's flights is covered by the transcript, the signature or Finished.
            #expect(failed || !client.isComplete)
        }
    }

    @Test("the recording replays: an unchanged copy of the client completes")
    func replay() throws {
        let recording = try Self.record()
        var client = recording.client
        for flight in recording.serverFlights {
            try client.receive(flight.bytes[...], at: flight.level)
            while let event = client.pollEvent() {
                if case .verifyPeer(let request) = event {
                    try client.provideVerdict(TestP256Verifier.verdict(for: request))
                }
            }
        }
        #expect(client.isComplete)
    }

    @Test("truncated flights leave both sides waiting, never failing or crashing")
    func truncatedFlights() throws {
        let recording = try Self.record()
        let hello = try #require(recording.clientFlights.first).bytes
        for cut in 0..<hello.count {
            var server = recording.server
            try server.receive(hello[..<cut], at: .initial)
            #expect(server.pollOutput() == nil)
        }
        let serverHello = try #require(recording.serverFlights.first).bytes
        for cut in stride(from: 0, to: serverHello.count, by: 7) {
            var client = recording.client
            try client.receive(serverHello[..<cut], at: .initial)
            #expect(client.pollSecret() == nil)
        }
    }
}
