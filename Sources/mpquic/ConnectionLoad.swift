import Foundation
import NIOPosix
import QUIC
import QUICBench
import QUICInterop
import QUICRecovery
import Synchronization

/// Many concurrent QUIC connections from one process, spread over several client endpoints (one UDP socket each)
/// on a multi-threaded event loop group: opened with a bounded number of handshakes in flight, held open by
/// keep-alive PINGs, then given hq-interop requests with a bounded number in flight.
final class ConnectionLoad: Sendable {
    struct Settings: Sendable {
        var host: String
        var port: Int
        var connections: Int
        var endpoints: Int
        var threads: Int
        var concurrency: Int
        var handshakeTimeout: Double
        var keepAlive: Double
        var requests: Int
        var requestSize: Int
        var requestConcurrency: Int
        var requestTimeout: Double
    }

    /// Counters the progress line reads while the load runs.
    struct Counters: Sendable {
        var phase = "starting"
        var opened = 0
        var failed = 0
        var inFlight = 0
        var requestsDone = 0
        var requestsFailed = 0
        /// Connections that ended while they should have stayed open (idle timeout, server close, ...).
        var closedEarly = FailureTally()
        var closing = false
    }

    /// The outcome of opening the connections.
    struct Opening {
        var connections: [QUICConnection]
        var handshakes: LatencyRecorder
        var failures: FailureTally
        var seconds: Double
    }

    /// The outcome of the requests.
    struct Requests {
        var latency: LatencyRecorder
        var failures: FailureTally
        var seconds: Double
        var bytes: UInt64
    }

    let settings: Settings
    let counters = Mutex(Counters())
    private let group: MultiThreadedEventLoopGroup
    private let endpoints: [QUICEndpoint]

    private init(settings: Settings, group: MultiThreadedEventLoopGroup, endpoints: [QUICEndpoint]) {
        self.settings = settings
        self.group = group
        self.endpoints = endpoints
    }

    /// Binds the client endpoints, each on the next loop of a new group.
    static func make(settings: Settings) async throws(BenchFailure) -> ConnectionLoad {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: settings.threads)
        var configuration = QUICConfiguration(alpn: ["hq-interop"])
        // The server's idle timeout (30 s by default) would end idle connections: a PING well before it keeps
        // them open while the others are still being opened, and while they wait for requests.
        configuration.transport.keepAliveInterval = QUICDuration(seconds: settings.keepAlive)
        configuration.logger.logLevel = .critical
        let localHost = settings.host.contains(":") ? "::1" : "127.0.0.1"
        var endpoints: [QUICEndpoint] = []
        do {
            for _ in 0..<settings.endpoints {
                endpoints.append(try await QUICEndpoint.client(host: localHost, port: 0, configuration: configuration,
                                                               group: group))
            }
        } catch {
            for endpoint in endpoints { await endpoint.close() }
            try? await group.shutdownGracefully()
            throw BenchFailure("cannot bind client endpoint \(endpoints.count + 1) on \(localHost): \(error)")
        }
        return ConnectionLoad(settings: settings, group: group, endpoints: endpoints)
    }

    private var clientOptions: QUICClientOptions {
        var options = QUICClientOptions()
        options.verification = .insecure
        options.serverName = "localhost"
        return options
    }

    /// Opens `count` connections (all of them when nil) with at most `concurrency` handshakes in flight.
    func open(count: Int? = nil) async -> Opening {
        let total = count ?? self.settings.connections
        self.counters.withLock { $0.phase = "handshakes" }
        let start = monotonicSeconds()
        var connections: [QUICConnection] = []
        connections.reserveCapacity(total)
        var handshakes = LatencyRecorder()
        var failures = FailureTally()
        await withTaskGroup(of: Result<(QUICConnection, Double), BenchFailure>.self) { group in
            var next = 0
            func startOne() {
                let index = next
                next += 1
                group.addTask { await self.connect(index: index) }
            }
            while next < min(self.settings.concurrency, total) { startOne() }
            for await outcome in group {
                switch outcome {
                case .success(let (connection, seconds)):
                    connections.append(connection)
                    handshakes.record(seconds: seconds)
                    self.watch(connection)
                case .failure(let failure):
                    failures.record(failure.description)
                }
                if next < total { startOne() }
            }
        }
        return Opening(connections: connections, handshakes: handshakes, failures: failures,
                       seconds: monotonicSeconds() - start)
    }

    /// One handshake on endpoint `index % endpoints`, timed from the call to its completion.
    private func connect(index: Int) async -> Result<(QUICConnection, Double), BenchFailure> {
        let endpoint = self.endpoints[index % self.endpoints.count]
        let (host, port, options) = (self.settings.host, self.settings.port, self.clientOptions)
        self.counters.withLock { $0.inFlight += 1 }
        let start = monotonicSeconds()
        defer { self.counters.withLock { $0.inFlight -= 1 } }
        do {
            let connection = try await Deadline.run(
                seconds: self.settings.handshakeTimeout, what: "handshake",
                body: { try await endpoint.connect(host: host, port: port, options: options) },
                onLate: { await $0.close() })
            let seconds = monotonicSeconds() - start
            self.counters.withLock { $0.opened += 1 }
            return .success((connection, seconds))
        } catch {
            self.counters.withLock { $0.failed += 1 }
            return .failure(BenchFailure("\(error)"))
        }
    }

    /// Counts a connection that ends before the benchmark closes it.
    private func watch(_ connection: QUICConnection) {
        Task {
            let reason = await connection.closed()
            self.counters.withLock { counters in
                if !counters.closing { counters.closedEarly.record("\(reason)") }
            }
        }
    }

    /// Runs the requests, request `i` on connection `i % count`, with at most `requestConcurrency` in flight.
    func request(on connections: [QUICConnection]) async -> Requests {
        self.counters.withLock { $0.phase = "requests" }
        let total = connections.isEmpty ? 0 : self.settings.requests
        let start = monotonicSeconds()
        var latency = LatencyRecorder()
        var failures = FailureTally()
        var bytes: UInt64 = 0
        await withTaskGroup(of: Result<(UInt64, Double), BenchFailure>.self) { group in
            var next = 0
            func startOne() {
                let connection = connections[next % connections.count]
                next += 1
                group.addTask { await self.fetch(on: connection) }
            }
            while next < min(self.settings.requestConcurrency, total) { startOne() }
            for await outcome in group {
                switch outcome {
                case .success(let (received, seconds)):
                    latency.record(seconds: seconds)
                    bytes += received
                    self.counters.withLock { $0.requestsDone += 1 }
                case .failure(let failure):
                    failures.record(failure.description)
                    self.counters.withLock { $0.requestsFailed += 1 }
                }
                if next < total { startOne() }
            }
        }
        return Requests(latency: latency, failures: failures, seconds: monotonicSeconds() - start, bytes: bytes)
    }

    /// One `GET /size` on a new stream, timed until its FIN.
    private func fetch(on connection: QUICConnection) async -> Result<(UInt64, Double), BenchFailure> {
        let size = self.settings.requestSize
        let start = monotonicSeconds()
        do {
            let received = try await Deadline.run(seconds: self.settings.requestTimeout, what: "response") {
                let stream = try await connection.openStream()
                try await stream.write(try HQRequest(path: "/\(size)").encode())
                try await stream.finish()
                var received: UInt64 = 0
                while let chunk = try await stream.read() {
                    received += UInt64(chunk.count)
                }
                return received
            }
            guard received == UInt64(size) else {
                return .failure(BenchFailure("response of \(received) bytes instead of \(size)"))
            }
            return .success((received, monotonicSeconds() - start))
        } catch {
            return .failure(BenchFailure("\(error)"))
        }
    }

    /// Closes every connection and endpoint, and stops the event loops.
    func shutdown() async {
        self.counters.withLock { $0.closing = true }
        for endpoint in self.endpoints {
            await endpoint.close()
        }
        try? await self.group.shutdownGracefully()
    }
}
