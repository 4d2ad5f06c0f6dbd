import FuzzSupport
import QUICRecovery
import QUICTransport
import QUICWire

/// The seed corpus of ``endpointFuzzerTestOneInput(_:_:)``, made by the engine: datagrams a real client sends to
/// a server made exactly like the fuzzer's, and the server's stateless answers (Retry, Version Negotiation,
/// stateless reset) turned back at it.
enum EndpointSeeds {
    static func make() throws -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        func add(_ name: String, _ records: [(flags: UInt8, payload: [UInt8])]) {
            seeds.append((name, FuzzRecords.encode(records)))
        }

        // A whole handshake's worth of client datagrams against the fuzzer's own server: with FUZZ_REUSE=1 the
        // server picks the same connection IDs again, so the later datagrams reach the connection.
        var flight: [[UInt8]] = []
        var answers: [[UInt8]] = []
        let pair = try EndpointPair(seed: 1, multipath: false, server: EndpointFuzzing.makeEndpoint(),
                                    start: EndpointFuzzing.start)
        _ = pair.handshake { fromClient, datagram in
            if fromClient { flight.append(datagram) } else { answers.append(datagram) }
        }
        guard let initial = flight.first else { throw SeedError.noDatagram("client Initial") }
        add("client-initial-v1", [(0, initial)])
        add("client-handshake-flight", flight.prefix(8).map { (0, $0) })
        add("client-initial-from-three-addresses", [(0, initial), (0x09, initial), (0x42, initial)])
        add("client-initial-twice-then-timer", [(0, initial), (0, initial), (0x80, [])])
        if let last = flight.last { add("client-short-header", [(0, last)]) }
        if let first = answers.first { add("server-initial-reflected", [(0, first)]) }

        // QUIC v2 (RFC 9369).
        var v2Configuration = FuzzFixtures.connectionConfiguration(multipath: false)
        v2Configuration.version = .v2
        var random = ConnectionRandom(seed: 3)
        let v2Client = Endpoint(configuration: EndpointConfiguration(connection: v2Configuration, random: &random),
                                random: ConnectionRandom(seed: 4))
        _ = try v2Client.connect(from: FuzzFixtures.clientAddress, to: FuzzFixtures.serverAddress,
                                 tls: FuzzFixtures.clientTLS(), now: EndpointFuzzing.start)
        var buffer: [UInt8] = []
        if let transmit = v2Client.pollTransmit(now: EndpointFuzzing.start, into: &buffer) {
            add("client-initial-v2", [(0, Array(buffer[..<transmit.length]))])
        }

        // An unknown version (a reserved one, RFC 9000 §15): the server answers with Version Negotiation.
        var unknown = initial
        unknown.replaceSubrange(1..<5, with: [0x1a, 0x2a, 0x3a, 0x4a])
        add("unknown-version", [(0, unknown)])
        let negotiation = Self.answers(to: unknown, from: EndpointFuzzing.makeEndpoint())
        if let packet = negotiation.first { add("version-negotiation", [(0, packet)]) }

        // A server that requires Retry, and its Retry fed back.
        let retrying = FuzzFixtures.serverEndpoint(seed: 5) { $0.requireRetry = true }
        if let retry = Self.answers(to: initial, from: retrying).first { add("retry", [(0, retry)]) }

        // A short header for no connection: the server answers with a stateless reset, fed back too.
        var short: [UInt8] = [0x41, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04]
        short += (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        add("short-header-unknown-connection", [(0, short)])
        if let reset = Self.answers(to: short, from: EndpointFuzzing.makeEndpoint()).first {
            add("stateless-reset", [(0, reset)])
        }
        return seeds
    }

    /// What `endpoint` sends when `datagram` arrives from the fuzzer's first client address.
    static func answers(to datagram: [UInt8], from endpoint: Endpoint) -> [[UInt8]] {
        endpoint.handle(datagram: datagram[...], from: EndpointFuzzing.fourTuple(flags: 0), now: EndpointFuzzing.start)
        var buffer: [UInt8] = []
        var answers: [[UInt8]] = []
        while answers.count < 16, let transmit = endpoint.pollTransmit(now: EndpointFuzzing.start, into: &buffer) {
            answers.append(Array(buffer[..<transmit.length]))
        }
        return answers
    }
}

enum SeedError: Error {
    case noDatagram(String)
}
