import Foundation
import NIOPosix
import QUIC
import QUICBench
import Synchronization

/// Legitimate clients during a benchmark: handshakes started at a fixed rate (an open loop, so a slow server
/// does not slow the offered load), each with its own time limit, closed as soon as they complete.
final class HandshakeProbe: Sendable {
    struct Outcome: Sendable {
        var attempted = 0
        var succeeded = 0
        var handshakes = LatencyRecorder()
        var failures = FailureTally()
        var seconds = 0.0

        var successRatio: Double { self.attempted > 0 ? Double(self.succeeded) / Double(self.attempted) : 0 }
    }

    private let endpoints: [QUICEndpoint]
    private let group: MultiThreadedEventLoopGroup
    private let host: String
    private let port: Int
    private let timeout: Double
    private let state = Mutex(Outcome())
    private let inFlight = Atomic<Int>(0)

    private init(endpoints: [QUICEndpoint], group: MultiThreadedEventLoopGroup, host: String, port: Int,
                 timeout: Double) {
        self.endpoints = endpoints
        self.group = group
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    /// Binds `endpoints` client sockets on 127.0.0.1.
    static func make(host: String, port: Int, endpoints count: Int, timeout: Double)
        async throws(BenchFailure) -> HandshakeProbe {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = QUICConfiguration(alpn: ["hq-interop"])
        configuration.logger.logLevel = .critical
        var endpoints: [QUICEndpoint] = []
        do {
            for _ in 0..<count {
                endpoints.append(try await QUICEndpoint.client(host: "127.0.0.1", port: 0,
                                                               configuration: configuration, group: group))
            }
        } catch {
            throw BenchFailure("cannot bind a client endpoint on 127.0.0.1: \(error)")
        }
        return HandshakeProbe(endpoints: endpoints, group: group, host: host, port: port, timeout: timeout)
    }

    /// Handshakes in flight now.
    var pending: Int { self.inFlight.load(ordering: .relaxed) }

    /// What the current phase counted so far.
    var current: Outcome { self.state.withLock { $0 } }

    /// Starts `rate` handshakes a second until `seconds` passed and `keepGoing` says stop (checked between
    /// starts); waits for the last ones and returns what happened. At most `maxInFlight` wait at once: a start
    /// past that counts as a failure (the server is not keeping up).
    func run(rate: Double, seconds: Double, maxInFlight: Int, keepGoing: @Sendable () -> Bool = { false })
        async -> Outcome {
        self.state.withLock { $0 = Outcome() }
        let start = monotonicSeconds()
        await withDiscardingTaskGroup { group in
            var index = 0
            while true {
                let due = start + Double(index) / rate
                let now = monotonicSeconds()
                if now - start >= seconds, !keepGoing() { break }
                if due > now {
                    try? await Task.sleep(for: .seconds(due - now))
                    continue
                }
                let endpoint = self.endpoints[index % self.endpoints.count]
                index += 1
                self.state.withLock { $0.attempted += 1 }
                guard self.inFlight.load(ordering: .relaxed) < maxInFlight else {
                    self.state.withLock { $0.failures.record("not started: \(maxInFlight) handshakes in flight") }
                    continue
                }
                group.addTask { await self.attempt(on: endpoint) }
            }
        }
        return self.state.withLock { state in
            state.seconds = monotonicSeconds() - start
            return state
        }
    }

    /// One handshake; true when it completed in time.
    @discardableResult
    func attempt(on endpoint: QUICEndpoint? = nil) async -> Bool {
        let endpoint = endpoint ?? self.endpoints[0]
        let (host, port) = (self.host, self.port)
        let options = Self.clientOptions
        self.inFlight.add(1, ordering: .relaxed)
        defer { self.inFlight.subtract(1, ordering: .relaxed) }
        let start = monotonicSeconds()
        do {
            let connection = try await Deadline.run(
                seconds: self.timeout, what: "handshake",
                body: { try await endpoint.connect(host: host, port: port, options: options) },
                onLate: { await $0.close() })
            let elapsed = monotonicSeconds() - start
            self.state.withLock { state in
                state.succeeded += 1
                state.handshakes.record(seconds: elapsed)
            }
            await connection.close()
            return true
        } catch {
            self.state.withLock { $0.failures.record("\(error)") }
            return false
        }
    }

    private static var clientOptions: QUICClientOptions {
        var options = QUICClientOptions()
        options.verification = .insecure
        options.serverName = "localhost"
        return options
    }

    func shutdown() async {
        for endpoint in self.endpoints {
            await endpoint.close()
        }
        try? await self.group.shutdownGracefully()
    }
}
