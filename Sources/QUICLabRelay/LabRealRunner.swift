import Foundation
import QUIC
import QUICLab
import QUICRelay
import QUICTLS
import QUICTransport

/// Runs lab scenarios over real UDP sockets on loopback, through the relay, so that their results can be set
/// beside the simulator's: a server on 127.0.0.1, one relay path per scenario interface (listening on 127.0.0.2
/// and 127.0.0.3, with the interface's rates, delays, queues and loss, and the scenario's timeline), and a client
/// whose interfaces are 127.0.0.1 and 127.0.0.4, each reaching the server through its own relay path.
///
/// Time zero of a run, the one the timeline counts from, is the relay's start, just before the client connects (the
/// simulated client connects at virtual time zero): setting up the server, the relay and the client's socket takes
/// no time from the scenario. A run lasts until its workload completes or the scenario's
/// duration limit passes, in real time.
public enum LabRealRunner {
    public static let serverHost = "127.0.0.1"
    /// Where the relay path of each interface listens.
    public static let relayHosts = ["127.0.0.2", "127.0.0.3"]
    /// The client's address on each interface.
    public static let clientHosts = ["127.0.0.1", "127.0.0.4"]
    /// How often the client's counters are read (series, migration rule), in seconds.
    static let samplingInterval = 0.01

    /// Checks, before anything starts, that the scenario can run over the relay: a workload of a bulk download
    /// and/or a request series only, and paths and a timeline the relay can emulate.
    public static func validate(_ scenario: LabScenario) throws(LabRelayError) {
        guard scenario.workload.hasOnlyBulkAndRequests else {
            throw .unsupportedWorkload(scenario: scenario.name)
        }
        let anyAddress = try Self.address(Self.serverHost, port: 0)
        _ = try LabRelayMapping.configuration(
            for: scenario, listen: Array(repeating: anyAddress, count: scenario.paths.count), target: anyAddress)
    }

    /// Runs `scenario` with `strategy` over the relay; `seed` seeds the relay's loss and jitter draws.
    public static func run(_ scenario: LabScenario, strategy: LabStrategy, seed: UInt64 = 1) async throws
        -> LabResult {
        try Self.validate(scenario)
        let identity = try DevelopmentCertificate.generate(keyType: .ed25519, now: Date())
        let server = try await LabRealServer(
            host: Self.serverHost, configuration: Self.configuration(scenario, strategy: strategy),
            identity: identity, paths: scenario.paths)
        let relay: QUICRelay.Relay
        do {
            let listen = try Self.relayHosts.prefix(scenario.paths.count).map { host throws(LabRelayError) in
                try Self.address(host, port: 0)
            }
            let configuration = try LabRelayMapping.configuration(
                for: scenario, listen: listen, target: try Self.address(Self.serverHost, port: server.port),
                seed: seed)
            relay = try Self.relay(configuration)
        } catch {
            await server.close()
            throw error
        }
        let run = LabRealRun(scenario: scenario, strategy: strategy, seed: seed, identity: identity,
                             relayPorts: relay.listeningAddresses.map { Int($0.port) },
                             configuration: Self.configuration(scenario, strategy: strategy))
        var started = false
        let result: Result<LabResult, any Error>
        do {
            result = .success(try await run.run(startingTheClock: {
                relay.start()
                started = true
            }))
        } catch {
            result = .failure(error)
        }
        // A run that failed before its clock started never started the relay (its sockets close with it).
        var relayStatistics: [RelayPathStatistics] = []
        if started {
            relay.stop()
            relayStatistics = relay.waitUntilStopped()
        }
        await server.close()
        let bytes = zip(scenario.paths, relayStatistics).map { path, statistics in
            LabPathBytes(path: path.name, bytes: Int(statistics.up.receivedBytes + statistics.down.receivedBytes),
                         metered: path.cost.isMetered)
        }
        var measured = try result.get()
        measured.bytesPerPath = bytes
        measured.meteredBytes = bytes.filter(\.metered).reduce(0) { $0 + $1.bytes }
        return measured
    }

    /// The QUIC options of both sides: the simulated run's flow-control limits, and multipath with the strategy's
    /// scheduler and the scenario's scheduler settings.
    static func configuration(_ scenario: LabScenario, strategy: LabStrategy) -> QUICConfiguration {
        var configuration = QUICConfiguration(alpn: ["hq-interop"])
        configuration.logger.logLevel = .error
        configuration.keyLogPath = nil
        configuration.transport.streamLimits.initialMaxData = 64 << 20
        configuration.transport.streamLimits.initialMaxStreamDataBidiLocal = 32 << 20
        configuration.transport.streamLimits.initialMaxStreamDataBidiRemote = 32 << 20
        configuration.transport.streamLimits.initialMaxStreamsBidi = 10_000
        if case .multipath(let kind) = strategy {
            var multipath = MultipathConfiguration()
            multipath.scheduler = kind
            multipath.schedulerOptions = scenario.schedulerOptions
            configuration.multipath = multipath
        }
        return configuration
    }

    static func address(_ host: String, port: Int) throws(LabRelayError) -> RelaySocketAddress {
        do {
            return try RelaySocketAddress(parsing: "\(host):\(port)")
        } catch {
            throw .relay(error)
        }
    }

    private static func relay(_ configuration: RelayConfiguration) throws(LabRelayError) -> QUICRelay.Relay {
        do {
            return try QUICRelay.Relay(configuration: configuration)
        } catch {
            throw .relay(error)
        }
    }
}
