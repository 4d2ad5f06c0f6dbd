import QUICCrypto
import QUICRecovery
import QUICSimulator
import QUICTestSupport
import QUICTLS
import Testing

@testable import QUICTransport
@testable import QUICWire

/// Forged and real client Initials that a server endpoint sees, for the flood and admission tests.
enum InitialForgery {
    /// A well-formed 1,200-byte v1 Initial header (random connection IDs, no token) around a random payload: the
    /// packet a flood is made of, which no Initial key opens.
    static func forgedInitial(using random: inout SplitMix64) -> [UInt8] {
        var writer = ByteWriter(capacity: 1_200)
        writer.writeUInt8(0xc0 | UInt8.random(in: 0...3, using: &random))
        writer.writeUInt32(QUICVersion.v1.rawValue)
        let destinationLength = Int.random(in: 8...20, using: &random)
        writer.writeUInt8(UInt8(destinationLength))
        writer.writeBytes(random.bytes(destinationLength))
        let sourceLength = Int.random(in: 0...20, using: &random)
        writer.writeUInt8(UInt8(sourceLength))
        writer.writeBytes(random.bytes(sourceLength))
        writer.writeVarInt(0)
        let remaining = 1_200 - writer.count - 2
        writer.writeVarInt(UInt64(remaining), length: 2)
        while writer.count + 8 <= 1_200 { writer.writeUInt64(random.next()) }
        writer.writeBytes(random.bytes(1_200 - writer.count))
        return writer.bytes
    }

    /// The first datagram of a real client connection from `address`.
    static func clientFirstFlight(from address: NetworkAddress, seed: UInt64) throws -> [UInt8] {
        let connection = try Connection(
            clientConfiguration: EngineFixtures.connectionConfiguration(), tls: EngineFixtures.clientTLS(),
            fourTuple: FourTuple(local: address, remote: EngineFixtures.serverAddress.networkAddress),
            random: ConnectionRandom(seed: seed), now: .origin)
        var buffer: [UInt8] = []
        guard let transmit = connection.pollTransmit(now: .origin, into: &buffer) else { return [] }
        return Array(buffer[0..<transmit.length])
    }

    static func serverEndpoint(_ configure: (inout EndpointConfiguration) -> Void = { _ in }) -> Endpoint {
        var random = ConnectionRandom(seed: 7)
        var configuration = EndpointConfiguration(connection: EngineFixtures.connectionConfiguration(),
                                                  serverTLS: EngineFixtures.serverTLS(), random: &random)
        configure(&configuration)
        let endpoint = Endpoint(configuration: configuration, random: ConnectionRandom(seed: 8))
        endpoint.explicitActivity = true
        return endpoint
    }

    static func tuple(_ index: Int) -> FourTuple {
        FourTuple(local: EngineFixtures.serverAddress.networkAddress,
                  remote: .ipv4(10, 1, UInt8(index >> 8 & 0xff), UInt8(index & 0xff), port: UInt16(10_000 + index % 50_000)))
    }
}

@Suite("A server endpoint under a flood of Initials")
struct EndpointFloodTests {
    @Test("100,000 forged Initials leave no state and no answer; a real client then connects at once")
    func forgedInitialFlood() throws {
        let harness = try EngineHarness()
        let server = harness.pair.server.endpoint
        var random = SplitMix64(seed: 42)
        var buffer: [UInt8] = []
        for index in 0..<100_000 {
            let forged = InitialForgery.forgedInitial(using: &random)
            server.handle(datagram: forged[...], from: InitialForgery.tuple(index), now: .origin)
        }
        #expect(server.connectionCount == 0)
        #expect(server.handshakesInProgress == 0)
        #expect(server.router.handleCount == 0)
        #expect(server.router.connectionIDCount == 0)
        #expect(server.pollTransmit(now: .origin, into: &buffer) == nil, "nothing is answered")
        #expect(server.statistics.initialsUndecryptable == 100_000)
        #expect(server.statistics.connectionsAccepted == 0)
        #expect(harness.runHandshake(deadline: .seconds(1)))
        #expect(server.statistics.connectionsAccepted == 1)
        #expect(server.statistics.retriesForLoad == 0, "a flood of forgeries does not count as load")
    }

    @Test("Undecryptable, malformed and ClientHello-less Initials are each dropped and counted")
    func inspectionVerdicts() throws {
        let address = NetworkAddress.ipv4(10, 9, 0, 1, port: 5_000)
        let real = try InitialForgery.clientFirstFlight(from: address, seed: 3)
        let parser = PacketParser(shortHeaderConnectionIDLength: 8)
        guard case .long(let header) = try parser.parse(real[...]) else {
            Issue.record("a client's first datagram starts with a long header")
            return
        }
        var scratch: [UInt8] = []
        #expect(InitialInspection.inspect(real[...], header: header, scratch: &scratch) == .clientHello)
        var flipped = real
        flipped[header.packetEnd - 1] ^= 0x01
        #expect(InitialInspection.inspect(flipped[...], header: header, scratch: &scratch) == .undecryptable)
        // Frames: a PING alone, and a CRYPTO frame that does not start at offset 0.
        #expect(InitialInspection.verdict(frames: [0x01, 0x00, 0x00]) == .noClientHello)
        #expect(InitialInspection.verdict(frames: [0x06, 0x05, 0x04, 0x01, 0x00, 0x00, 0x40]) == .noClientHello)
        // A CRYPTO frame at 0 with a ServerHello type, one with a too-short ClientHello length.
        #expect(InitialInspection.verdict(frames: [0x06, 0x00, 0x04, 0x02, 0x00, 0x00, 0x40]) == .noClientHello)
        #expect(InitialInspection.verdict(frames: [0x06, 0x00, 0x04, 0x01, 0x00, 0x00, 0x10]) == .noClientHello)
        #expect(InitialInspection.verdict(frames: [0x06, 0x00, 0x04, 0x01, 0x00, 0x01, 0x00]) == .clientHello)
        // A STREAM frame is not allowed in an Initial; a truncated frame does not parse.
        #expect(InitialInspection.verdict(frames: [0x08, 0x00, 0x61]) == .malformed)
        #expect(InitialInspection.verdict(frames: [0x06, 0x00, 0x10, 0x01]) == .malformed)
    }

    @Test("Real Initials beyond the handshake threshold get a Retry; per address too; validated ones still enter")
    func retryUnderLoad() throws {
        let server = InitialForgery.serverEndpoint {
            $0.retryAboveHandshakesInProgress = 5
            $0.retryAboveHandshakesPerAddress = 3
        }
        var buffer: [UInt8] = []
        // Three from one address, then the fourth from it is asked to Retry.
        for index in 0..<4 {
            let address = NetworkAddress.ipv4(10, 2, 0, 1, port: UInt16(20_000 + index))
            let flight = try InitialForgery.clientFirstFlight(from: address, seed: UInt64(100 + index))
            server.handle(datagram: flight[...], from: FourTuple(local: EngineFixtures.serverAddress.networkAddress,
                                                                  remote: address), now: .origin)
        }
        #expect(server.connectionCount == 3)
        #expect(server.statistics.retriesForLoad == 1)
        // Others from other addresses until five are in progress; then every unvalidated one gets a Retry.
        for index in 0..<10 {
            let address = NetworkAddress.ipv4(10, 3, 0, UInt8(index), port: 30_000)
            let flight = try InitialForgery.clientFirstFlight(from: address, seed: UInt64(200 + index))
            server.handle(datagram: flight[...], from: FourTuple(local: EngineFixtures.serverAddress.networkAddress,
                                                                  remote: address), now: .origin)
        }
        #expect(server.connectionCount == 5)
        #expect(server.handshakesInProgress == 5)
        #expect(server.statistics.retriesForLoad == 9)
        var retries = 0
        while let transmit = server.pollTransmit(now: .origin, into: &buffer) {
            if buffer[0] & 0xf0 == 0xf0, transmit.length < 200 { retries += 1 }
        }
        #expect(retries == 9, "every Retry leaves, each smaller than the Initial it answers")
    }

    @Test("Half-open connections expire after the handshake timeout and stop counting")
    func halfOpenExpiry() throws {
        let server = InitialForgery.serverEndpoint { $0.handshakeTimeout = .seconds(2) }
        for index in 0..<4 {
            let address = NetworkAddress.ipv4(10, 4, 0, UInt8(index), port: 40_000)
            let flight = try InitialForgery.clientFirstFlight(from: address, seed: UInt64(300 + index))
            server.handle(datagram: flight[...], from: FourTuple(local: EngineFixtures.serverAddress.networkAddress,
                                                                  remote: address), now: .origin)
        }
        var buffer: [UInt8] = []
        while server.pollTransmit(now: .origin, into: &buffer) != nil {}
        #expect(server.handshakesInProgress == 4)
        var now = QUICInstant.origin
        while let deadline = server.nextTimeout(), deadline <= .origin + .seconds(3) {
            now = deadline
            server.handleTimeout(now: now)
            while server.pollTransmit(now: now, into: &buffer) != nil {}
        }
        #expect(now <= QUICInstant.origin + QUICDuration.milliseconds(2_001))
        #expect(server.connectionCount == 0)
        #expect(server.handshakesInProgress == 0)
        #expect(server.statistics.handshakesAbandoned == 4)
        var removed = 0
        while server.pollRemoved() != nil { removed += 1 }
        #expect(removed == 4)
    }

    @Test("A full server refuses a validated client with CONNECTION_REFUSED instead of leaving it to time out")
    func refusedWhenFull() throws {
        let harness = try EngineHarness { _ in } server: { $0.maxConnections = 0 }
        #expect(!harness.runHandshake(deadline: .seconds(3)))
        #expect(harness.clientEvents.contains { event in
            if case .closed(.peerTransport(code: .connectionRefused, _, _)) = event { return true }
            return false
        })
        #expect(harness.pair.server.endpoint.statistics.refusedFull == 1)
        #expect(harness.pair.server.endpoint.statistics.retriesForLoad == 1)
    }

    @Test("With explicit activity a handshake and a stream transfer complete, reported by markActive")
    func explicitActivityTransfer() throws {
        let harness = try EngineHarness()
        harness.pair.server.endpoint.explicitActivity = true
        harness.pair.client.endpoint.explicitActivity = true
        #expect(harness.runHandshake(deadline: .seconds(1)))
        let client = try #require(harness.client)
        let stream = try client.openStream(.bidirectional)
        let payload = [UInt8](repeating: 0x61, count: 50_000)
        #expect(try client.write(payload[...], to: stream) == payload.count)
        try client.finish(stream)
        harness.pair.client.endpoint.markActive(harness.clientHandle)
        harness.pair.network.poll(harness.pair.clientNode)
        var received: [UInt8] = []
        let done = harness.pair.drive(until: harness.pair.now + .seconds(5)) {
            guard let server = harness.server else { return false }
            var chunk: [UInt8] = []
            if let (count, fin) = try? server.read(stream, into: &chunk, maxLength: 1 << 20) {
                received += chunk.prefix(count)
                if count > 0, let handle = harness.serverHandle { harness.pair.server.endpoint.markReady(handle) }
                return fin
            }
            return false
        }
        #expect(done)
        #expect(received == payload)
    }
}
