import FuzzSupport
import QUICRecovery
import QUICTransport
import QUICWire

/// libFuzzer entry point for the path a flood takes: whole datagrams into a server ``Endpoint``, then its outputs
/// (transmits, events, timers) drained.
///
/// An input is a list of records (``FuzzRecords``), each one datagram. A record's flags byte picks where the
/// datagram comes from: bits 0-2 the client host and port, bit 3 IPv6, bits 4-5 the ECN codepoint, bit 6 the
/// server's second local address, bit 7 run the endpoint's next timer first (which moves the clock to it).
/// The clock moves 1 ms per datagram. The endpoint and its connections live on across inputs (so a flood builds
/// up) and are made anew every `FUZZ_REUSE` inputs (100 by default) or once they hold 64 connections; the new
/// one has the same seeds and starts from the same instant, so `FUZZ_REUSE=1` makes every input reproducible.
@_cdecl("LLVMFuzzerTestOneInput")
public func endpointFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    EndpointFuzzing.shared.run(FuzzRecords.parse(bytes[...], limit: 16))
    return 0
}

@_cdecl("EndpointFuzzer_main")
public func endpointFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    LibFuzzer.main(argc: argc, argv: argv, testOneInput: endpointFuzzerTestOneInput, seeds: EndpointSeeds.make)
}

final class EndpointFuzzing {
    nonisolated(unsafe) static let shared = EndpointFuzzing()

    static let seed: UInt64 = 0xF1_00D
    static let start = QUICInstant.origin + .seconds(1)
    static let connectionLimit = 64

    /// The server endpoint every input goes to; its settings make it reach its limits (and answer with Retry)
    /// after a few handshakes.
    static func makeEndpoint() -> Endpoint {
        FuzzFixtures.serverEndpoint(seed: Self.seed) { configuration in
            configuration.maxHandshakesInProgress = 8
            configuration.maxConnections = Self.connectionLimit
        }
    }

    /// Where a record's datagram comes from and arrives, from its flags.
    static func fourTuple(flags: UInt8) -> FourTuple {
        let index = flags & 0x07
        let port = 50_000 + UInt16(index)
        let remote: NetworkAddress
        if flags & 0x08 == 0 {
            remote = NetworkAddress.ipv4(198, 51, 100, 7 &+ index, port: port)
        } else {
            remote = NetworkAddress(ip: .v6(high: 0x2001_0db8_0000_0000, low: UInt64(index) + 1), port: port)
        }
        let local = flags & 0x40 == 0 ? FuzzFixtures.serverAddress : FuzzFixtures.serverSecondAddress
        return FourTuple(local: local, remote: remote)
    }

    private var endpoint = EndpointFuzzing.makeEndpoint()
    private var now = EndpointFuzzing.start
    private var inputs = 0
    private let reuseLimit = LibFuzzer.reuseLimit(default: 100)
    private var buffer: [UInt8] = []

    func run(_ records: [FuzzRecord]) {
        if self.inputs >= self.reuseLimit || self.endpoint.connectionHandles.count >= Self.connectionLimit {
            self.endpoint = Self.makeEndpoint()
            self.now = Self.start
            self.inputs = 0
        }
        self.inputs += 1
        for record in records {
            if record.flags & 0x80 != 0 {
                if let deadline = self.endpoint.nextTimeout(), deadline > self.now { self.now = deadline }
                self.endpoint.handleTimeout(now: self.now)
            }
            self.endpoint.handle(datagram: record.payload, from: Self.fourTuple(flags: record.flags),
                                 ecn: (record.flags >> 4) & 0x03, now: self.now)
            self.drain()
            self.now = self.now + .milliseconds(1)
        }
        self.endpoint.handleTimeout(now: self.now)
        self.drain()
    }

    /// Takes every output the endpoint has, as a driver would: datagrams (a bounded number per input, which an
    /// endpoint that never stops sending would exceed), accepted connections and their events.
    private func drain() {
        var sent = 0
        while sent < 1_000, self.endpoint.pollTransmit(now: self.now, into: &self.buffer) != nil {
            sent += 1
        }
        precondition(sent < 1_000, "an endpoint kept sending after one datagram")
        while self.endpoint.pollAccepted() != nil {}
        for handle in self.endpoint.connectionHandles {
            guard let connection = self.endpoint.connection(handle) else { continue }
            while connection.pollEvent() != nil {}
        }
    }
}
