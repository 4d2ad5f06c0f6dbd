import Foundation
import QUIC
import QUICInterop
import QUICRelay
import QUICTLS
import QUICTransport
import QUICWire
import Synchronization

/// The demo's setup, download and report (see ``Demo``). Times on its lines are relay times: seconds since the
/// relay started, the clock its timeline runs on.
struct DemoScenario: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var bytes: UInt64
    /// Seconds after the download starts at which the wifi path goes down.
    var cutAt: Double
    var serverScheduler: SchedulerKind

    /// Relay time at which the download starts: the handshake and the second path's validation (a few round trips
    /// of at most 60 ms) are done well before.
    static let downloadStart = 1.0
    static let paths = [
        (name: "wifi", listen: "127.0.0.2", client: "127.0.0.1", settings: "rate=20mbit,delay=10ms,queue=100kb",
         text: "20 Mbit/s, 10 ms each way, queue 100 kB"),
        (name: "cellular", listen: "127.0.0.3", client: "127.0.0.4", settings: "rate=10mbit,delay=30ms,queue=150kb",
         text: "10 Mbit/s, 30 ms each way, queue 150 kB"),
    ]
    /// The same two paths for the simulator run the demo compares itself with.
    static let simulatedPaths = [
        ExperimentPath(name: "wifi", bitsPerSecond: 20_000_000, oneWayDelayMilliseconds: 10, queueBytes: 100_000),
        ExperimentPath(name: "cellular", bitsPerSecond: 10_000_000, oneWayDelayMilliseconds: 30, queueBytes: 150_000),
    ]

    func run() async throws {
        let clock = ContinuousClock()
        let begin = clock.now
        let identity = try DevelopmentCertificate.generate(now: Date())
        let server = try await self.startServer(identity: identity)
        let serverPort = Int(server.endpoint.localAddress?.port ?? 0)
        let relay = try QUICRelay.Relay(configuration: self.relayConfiguration(serverPort: serverPort))
        let relayPorts = relay.listeningAddresses.map { Int($0.port) }
        Console.out("mpquic demo: a \(Formatting.bytes(self.bytes)) Multipath QUIC download over two emulated "
            + "paths, on loopback")
        Console.out("  server    127.0.0.1:\(serverPort) (scheduler \(self.serverScheduler))")
        for (index, path) in Self.paths.enumerated() {
            Console.out((index == 0 ? "  relay     " : "            ") + path.name.padding(toLength: 9, withPad: " ",
                startingAt: 0) + "\(path.listen):\(relayPorts[index]) -> server: \(path.text)")
        }
        Console.out("  client    path 0 wifi from 127.0.0.1 via the relay's wifi, path 1 cellular from 127.0.0.4 "
            + "via its cellular")
        Console.out(String(format: "  timeline  t=%.2f s download starts, t=%.2f s wifi goes down for good "
            + "(relay time)", Self.downloadStart, Self.downloadStart + self.cutAt))
        relay.start()
        let origin = clock.now
        let client = try await QUICEndpoint.client(host: Self.paths[0].client,
                                                   configuration: Self.clientConfiguration())
        do {
            let result = try await self.download(client: client, server: server, identity: identity,
                                                 relayPorts: relayPorts, origin: origin)
            relay.stop()
            let drops = relay.waitUntilStopped()
            await client.close()
            await server.close()
            self.report(result, drops: drops, total: Console.seconds(clock.now - begin))
            try self.compareWithSimulator(result)
        } catch {
            relay.stop()
            _ = relay.waitUntilStopped()
            await client.close()
            await server.close()
            throw error
        }
    }

    /// What the download measured.
    struct Result {
        var received: UInt64
        var seconds: Double
        var longestStall: Double
        var stallAt: Double
        var paths: [QUICPathStatistics]
        /// Bytes delivered before the wifi cut, and the longest wait for data after it.
        var bytesBeforeCut: UInt64
        var stallAfterCut: Double
    }

    private func download(client: QUICEndpoint, server: DemoServer, identity: CertificateIdentity,
                          relayPorts: [Int], origin: ContinuousClock.Instant) async throws -> Result {
        var options = QUICClientOptions()
        options.serverName = "localhost"
        options.verification = .roots(TrustRoots(identity.chain.certificates))
        let stamp: @Sendable () -> String = { DemoMonitor.stamp(Console.seconds(ContinuousClock().now - origin)) }
        let connection = try await client.connect(host: Self.paths[0].listen, port: relayPorts[0], options: options)
        Console.out(stamp() + "handshake done through the relay's wifi path")
        let events = Task { await Self.printEvents(of: connection, stamp: stamp) }
        defer { events.cancel() }
        try await connection.describePath(0, cost: .free, label: Self.paths[0].name)
        let cellular = NetworkAddress(parsing: "\(Self.paths[1].listen):\(relayPorts[1])")
        try await connection.openPath(localHost: Self.paths[1].client, remote: cellular,
                                      cost: .metered(costPerByte: 1), label: Self.paths[1].name)
        let clock = ContinuousClock()
        let start = origin + .milliseconds(Int(Self.downloadStart * 1_000))
        guard clock.now < start else {
            throw Failure(description: "the setup took longer than \(Self.downloadStart) s of relay time")
        }
        try await Task.sleep(until: start, clock: clock)
        Console.out(stamp() + "GET /\(self.bytes)")
        let progress = TransferProgress()
        let monitor = DemoMonitor(connection: connection, sender: server.connection, origin: origin,
                                  start: Self.downloadStart, cutAt: Self.downloadStart + self.cutAt)
        let watching = Task { await monitor.run(progress: progress) }
        defer { watching.cancel() }
        let stream = try await connection.openStream()
        try await stream.write(HQRequest(path: "/\(self.bytes)").encode())
        try await stream.finish()
        var last = clock.now
        var longest = Duration.zero
        var stallAt = 0.0
        let cut = start + .milliseconds(Int(self.cutAt * 1_000))
        var bytesBeforeCut: UInt64?
        var longestAfterCut = Duration.zero
        while let chunk = try await stream.read() {
            let now = clock.now
            if progress.bytes > 0, now - last > longest {
                longest = now - last
                stallAt = Console.seconds(last - origin)
            }
            if now >= cut {
                if bytesBeforeCut == nil { bytesBeforeCut = progress.bytes }
                longestAfterCut = max(longestAfterCut, now - max(last, cut))
            }
            last = now
            progress.add(chunk.count)
        }
        let seconds = Console.seconds(last - start)
        guard progress.bytes == self.bytes else {
            throw Failure(description: "received \(progress.bytes) of \(self.bytes) bytes")
        }
        Console.out(stamp() + "download complete")
        watching.cancel()
        var paths = await monitor.lastSeen
        for path in try await connection.statistics().paths {
            paths[path.id] = path
        }
        await monitor.useSenderRTTs(in: &paths)
        await connection.close()
        return Result(received: progress.bytes, seconds: seconds, longestStall: Console.seconds(longest),
                      stallAt: stallAt, paths: paths.values.sorted { $0.id < $1.id },
                      bytesBeforeCut: bytesBeforeCut ?? progress.bytes,
                      stallAfterCut: Console.seconds(longestAfterCut))
    }

    /// Runs the same download in the simulator (virtual time, the same rates, delays and queues, the wifi cut at
    /// the same moment) and prints both sets of numbers: the rate of both paths together before the cut, the
    /// longest wait for data after it, and the total time.
    private func compareWithSimulator(_ real: Result) throws {
        let simulated = try SimulatedMultipathTransfer(size: Int(self.bytes), paths: Self.simulatedPaths,
                                                   outageAfter: self.cutAt, scheduler: self.serverScheduler)
        let result = simulated.run()
        guard result.completed else {
            Console.out("simulator: the same download did not complete")
            return
        }
        let realRate = Double(real.bytesBeforeCut) * 8 / self.cutAt
        func row(_ name: String, _ real: Double, _ simulated: Double, _ format: String) -> String {
            let difference = simulated > 0 ? (real - simulated) / simulated * 100 : 0
            return "  " + name.padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(format: format, real) + "   " + String(format: format, simulated)
                + String(format: "   %+5.1f%%", difference)
        }
        Console.out("real sockets through the relay vs the simulator (same paths, same cut)")
        Console.out("  " + "".padding(toLength: 24, withPad: " ", startingAt: 0) + "       real    simulator   difference")
        Console.out(row("rate before the cut", realRate / 1e6, result.aggregateRate / 1e6, "%6.1f Mbit/s"))
        Console.out(row("longest stall after it", real.stallAfterCut * 1_000, result.longestStall * 1_000, "%9.0f ms"))
        Console.out(row("download time", real.seconds, result.seconds, "%10.2f s"))
    }

    private func report(_ result: Result, drops: [RelayPathStatistics], total: Double) {
        Console.out("summary")
        Console.out("  downloaded \(Formatting.bytes(result.received)) in "
            + String(format: "%.2f s (%@); longest stall in delivery %.2f s (at t=%.2f s); total run %.1f s",
                     result.seconds,
                     Formatting.rate(bytesPerSecond: Double(result.received) / max(result.seconds, 1e-9)),
                     result.longestStall, result.stallAt, total))
        let received = result.paths.reduce(0) { $0 + $1.bytesReceived }
        for path in result.paths {
            let share = received > 0 ? Double(path.bytesReceived) * 100 / Double(received) : 0
            var line = "  path \(path.id) " + path.label.padding(toLength: 9, withPad: " ", startingAt: 0)
                + Formatting.bytes(path.bytesReceived).padding(toLength: 9, withPad: " ", startingAt: 0)
                + String(format: " %3.0f%%  srtt %6.1f ms", share, Console.seconds(path.smoothedRTT) * 1_000)
            if let relay = drops.first(where: { $0.name == path.label }) {
                let causes = RelayDropCause.allCases.compactMap { cause -> String? in
                    let count = relay.up.dropped(cause) + relay.down.dropped(cause)
                    return count > 0 ? "\(cause.rawValue) \(count)" : nil
                }
                line += "  relay drops: " + (causes.isEmpty ? "none" : causes.joined(separator: ", "))
            }
            if path.status != .available { line += "  (\(path.status))" }
            Console.out(line)
        }
    }

    /// Prints the connection's path events as they happen.
    private static func printEvents(of connection: QUICConnection, stamp: @Sendable () -> String) async {
        var labels: [PathID: String] = [0: Self.paths[0].name, 1: Self.paths[1].name]
        for await event in connection.events {
            switch event {
            case .pathAvailable(let id, let fourTuple):
                Console.out(stamp() + "path \(id) \(labels[id] ?? "") validated and available: \(fourTuple)")
            case .pathValidationFailed(let id):
                Console.out(stamp() + "path \(id) \(labels[id] ?? "") failed validation")
            case .pathAbandoned(let id, let byPeer):
                Console.out(stamp() + "path \(id) \(labels[id] ?? "") abandoned by the "
                    + (byPeer ? "server" : "client") + "; the rest goes on the other path")
                labels[id] = labels[id].map { $0 + " (abandoned)" }
            case .peerPathStatus(let id, let status):
                Console.out(stamp() + "the server marks path \(id) \(status)")
            default:
                continue
            }
        }
    }

    private func relayConfiguration(serverPort: Int) throws -> RelayConfiguration {
        let paths = try Self.paths.map { path in
            try RelayPathConfiguration(parsing: "\(path.name)=\(path.listen):0,\(path.settings)")
        }
        let cut = UInt64((Self.downloadStart + self.cutAt) * 1e9)
        return RelayConfiguration(
            paths: paths, target: try RelaySocketAddress(parsing: "127.0.0.1:\(serverPort)"), seed: 1,
            timeline: RelayTimeline([RelayChange(time: cut, path: Self.paths[0].name, action: .link(up: false))]))
    }

    /// The client: multipath, each path acknowledged on itself so that a dead path takes no acknowledgments of the
    /// other with it.
    private static func clientConfiguration() -> QUICConfiguration {
        var configuration = QUICConfiguration(alpn: ["hq-interop"])
        configuration.logger.logLevel = .error
        configuration.keyLogPath = nil
        var multipath = MultipathConfiguration()
        multipath.acknowledgmentPath = .samePath
        configuration.multipath = multipath
        return configuration
    }

    /// The multipath server on 127.0.0.1, answering hq-interop requests with generated bytes.
    private func startServer(identity: CertificateIdentity) async throws -> DemoServer {
        var configuration = QUICConfiguration(alpn: ["hq-interop"])
        configuration.logger.logLevel = .error
        configuration.keyLogPath = nil
        var multipath = MultipathConfiguration()
        multipath.scheduler = self.serverScheduler
        configuration.multipath = multipath
        let endpoint = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: configuration,
                                                     options: QUICServerOptions(identity: identity))
        return DemoServer(endpoint: endpoint)
    }
}

/// The demo's server, the task answering its requests, and its connection (the sender of the download, whose
/// per-path RTTs are the ones that matter).
final class DemoServer: Sendable {
    let endpoint: QUICEndpoint
    private let task: Task<Void, Never>
    private let accepted = AcceptedConnection()

    /// The first accepted connection, shared with the serving task.
    private final class AcceptedConnection: Sendable {
        let value = Mutex<QUICConnection?>(nil)
    }

    init(endpoint: QUICEndpoint) {
        self.endpoint = endpoint
        let accepted = self.accepted
        self.task = Task {
            guard let resolver = try? HQResourceResolver(root: nil) else { return }
            await withDiscardingTaskGroup { group in
                for await connection in endpoint.incomingConnections {
                    accepted.value.withLock { $0 = $0 ?? connection }
                    for await stream in connection.incomingStreams {
                        group.addTask { _ = await Server.serve(stream, remote: "demo", resolver: resolver,
                                                                verbose: false) }
                    }
                }
            }
        }
    }

    /// The first connection the server accepted.
    var connection: QUICConnection? { self.accepted.value.withLock { $0 } }

    func close() async {
        await self.endpoint.close()
        self.task.cancel()
    }
}
