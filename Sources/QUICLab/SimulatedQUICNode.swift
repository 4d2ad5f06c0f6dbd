import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire

/// A QUIC endpoint as a node of the simulated network; with a ``cpuClock`` it also times the work spent sending
/// and receiving (the clock is an input: the lab itself reads none).
///
/// An application driving the endpoint may ask to be woken at ``applicationWakeup`` (a think time, a request
/// schedule): the node reports the earlier of that and the endpoint's own timeout, and calls ``onActivity``
/// after every input.
public final class SimulatedQUICNode: SimulatedEndpoint {
    public let endpoint: Endpoint
    public var buffer: [UInt8] = []
    public var onActivity: (() -> Void)?
    /// When the application next wants ``onActivity`` called even if the network is quiet.
    public var applicationWakeup: SimInstant?
    /// Reads a clock for ``sendNanoseconds`` / ``receiveNanoseconds`` (a benchmark gives one); nil times nothing.
    public var cpuClock: (() -> UInt64)?
    public private(set) var sendNanoseconds: UInt64 = 0
    public private(set) var receiveNanoseconds: UInt64 = 0
    /// When the last datagram arrived.
    public private(set) var lastReceiveTime: SimInstant?

    public init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    public func receive(_ datagram: SimDatagram, now: SimInstant) {
        self.lastReceiveTime = now
        let start = self.cpuClock?() ?? 0
        let fourTuple = FourTuple(local: datagram.destination.networkAddress, remote: datagram.source.networkAddress)
        self.endpoint.handle(datagram: datagram.payload[...], from: fourTuple, ecn: datagram.ecn.rawValue,
                             now: now.quicInstant)
        if let clock = self.cpuClock { self.receiveNanoseconds += clock() - start }
        self.onActivity?()
    }

    public func pollTransmit(now: SimInstant) -> SimDatagram? {
        let start = self.cpuClock?() ?? 0
        defer { if let clock = self.cpuClock { self.sendNanoseconds += clock() - start } }
        guard let transmit = self.endpoint.pollTransmit(now: now.quicInstant, into: &self.buffer) else { return nil }
        return SimDatagram(source: transmit.fourTuple.local.simAddress, destination: transmit.fourTuple.remote.simAddress,
                           payload: Array(self.buffer[..<transmit.length]))
    }

    public var nextTimeout: SimInstant? {
        let engine = self.endpoint.nextTimeout().map { SimInstant(nanoseconds: $0.nanosecondsSinceOrigin) }
        guard let wakeup = self.applicationWakeup else { return engine }
        guard let engine else { return wakeup }
        return min(engine, wakeup)
    }

    public func handleTimeout(now: SimInstant) {
        if let wakeup = self.applicationWakeup, wakeup <= now { self.applicationWakeup = nil }
        self.endpoint.handleTimeout(now: now.quicInstant)
        self.onActivity?()
    }
}

extension SimAddress {
    /// The engine's spelling of this address.
    public var networkAddress: NetworkAddress {
        switch self.host {
        case .v4(let value): return NetworkAddress(ip: .v4(value), port: self.port)
        case .v6(let high, let low): return NetworkAddress(ip: .v6(high: high, low: low), port: self.port)
        }
    }
}

extension NetworkAddress {
    /// The simulator's spelling of this address.
    public var simAddress: SimAddress {
        switch self.ip {
        case .v4(let value): return SimAddress(host: .v4(value), port: self.port)
        case .v6(let high, let low): return SimAddress(host: .v6(high, low), port: self.port)
        }
    }
}

extension SimInstant {
    /// The same instant on the engine's clock (both count nanoseconds from the start of the run).
    public var quicInstant: QUICInstant { QUICInstant(nanosecondsSinceOrigin: self.nanoseconds) }
}

extension SimDuration {
    /// The duration in seconds.
    public var seconds: Double { Double(self.nanoseconds) / 1e9 }

    /// A duration of `seconds` (negative values count as zero).
    public static func seconds(_ seconds: Double) -> SimDuration {
        SimDuration(nanoseconds: UInt64(max(seconds, 0) * 1e9))
    }
}

extension Endpoint {
    /// A client and a server endpoint for a simulated run, both with `configuration`, the server presenting
    /// `identity`; every random choice derives from `seed`.
    public static func simulatedPair(configuration: ConnectionConfiguration, identity: CertificateIdentity,
                                     seed: UInt64) -> (client: Endpoint, server: Endpoint) {
        var random = ConnectionRandom(seed: seed)
        let client = Endpoint(configuration: EndpointConfiguration(connection: configuration, random: &random),
                              random: ConnectionRandom(seed: seed &+ 1))
        let tls = TLSServerConfiguration(common: TLSConfiguration(alpn: [], transportParameters: [], signer: identity))
        let server = Endpoint(
            configuration: EndpointConfiguration(connection: configuration, serverTLS: tls, random: &random),
            random: ConnectionRandom(seed: seed &+ 2))
        return (client, server)
    }
}
