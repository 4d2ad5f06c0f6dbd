import QUICRecovery
import QUICSimulator
import QUICTestSupport
import QUICTransport
import QUICWire
import Testing

/// Seeded mutation tests of the receive path: datagrams a real exchange produced, damaged in many ways, must
/// never crash an endpoint or its connections, and never leave a connection in a state it cannot explain.
@Suite("Hostile datagrams into an endpoint")
struct HostileInputTests {
    /// Datagrams captured from a handshake and a short download, in both directions.
    static func capturedDatagrams() throws -> [SimDatagram] {
        var captured: [SimDatagram] = []
        let harness = try EngineHarness()
        harness.pair.network.traceHandler = { event in
            if case .deliver(_, _, _, let datagram) = event, captured.count < 400 { captured.append(datagram) }
        }
        let application = DownloadApplication(size: 200_000)
        application.install(on: harness)
        harness.pair.drive(until: SimInstant.zero + .seconds(10)) { application.clientFinished }
        return captured
    }

    static func mutate(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        switch random.index(6) {
        case 0:
            // Flip a few bits anywhere, including the unprotected header fields.
            for _ in 0..<(1 + random.index(4)) where !bytes.isEmpty {
                bytes[random.index(bytes.count)] ^= UInt8(1) << UInt8(random.index(8))
            }
        case 1:
            bytes = Array(bytes.prefix(random.index(bytes.count + 1)))
        case 2:
            bytes += bytes.prefix(random.index(min(bytes.count, 200) + 1))
        case 3:
            // A length or connection ID length byte set to an extreme.
            if bytes.count > 6 { bytes[5 + random.index(min(bytes.count - 5, 40))] = 0xff }
        case 4:
            bytes = random.bytes(random.index(1_400))
        default:
            // Keep the first byte and the version, randomise the rest.
            let keep = min(bytes.count, 5)
            bytes = Array(bytes.prefix(keep)) + random.bytes(max(0, bytes.count - keep))
        }
        return bytes
    }

    @Test("Mutated datagrams never crash a server or a client and leave them consistent", arguments: [1, 2, 3])
    func mutatedDatagrams(seed: UInt64) throws {
        let captured = try Self.capturedDatagrams()
        #expect(captured.count > 50)
        var random = SplitMix64(seed: seed)
        let harness = try EngineHarness(seed: seed)
        #expect(harness.runHandshake())
        let endpoints = [harness.pair.client.endpoint, harness.pair.server.endpoint]
        var now = harness.pair.now.quic
        for _ in 0..<3_000 {
            let original = captured[random.index(captured.count)]
            let damaged = Self.mutate(original.payload, using: &random)
            let endpoint = endpoints[random.index(2)]
            let tuple = FourTuple(local: original.destination.networkAddress, remote: original.source.networkAddress)
            endpoint.handle(datagram: damaged[...], from: tuple, ecn: UInt8(random.index(4)), now: now)
            var buffer: [UInt8] = []
            var sent = 0
            while endpoint.pollTransmit(now: now, into: &buffer) != nil, sent < 50 { sent += 1 }
            #expect(sent < 50, "an endpoint kept producing datagrams for one input")
            now = now + .milliseconds(1)
            endpoint.handleTimeout(now: now)
        }
        // Whatever happened, each connection is either still open or closed with a reason it reported.
        for connection in [harness.client, harness.server].compactMap({ $0 }) {
            #expect(!connection.isClosed || connection.closeReason != nil)
        }
    }
}

extension SplitMix64 {
    /// A uniform integer in 0..<bound (bound > 0).
    mutating func index(_ bound: Int) -> Int {
        Int(self.next(below: UInt64(max(bound, 1))))
    }
}
