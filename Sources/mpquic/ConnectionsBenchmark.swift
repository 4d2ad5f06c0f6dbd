import Foundation
import QUICBench

/// The run behind `mpquic bench connections`: server, connections, hold, requests, and the report.
struct ConnectionsBenchmark {
    struct Settings {
        var load: ConnectionLoad.Settings
        var hold: Double
        var timeout: Double
        var server: String?
        var serverPID: Int32?
        var json: Bool
    }

    /// Every figure of a run (`--json` prints it as is; sizes in bytes, times in seconds unless named Ms).
    struct Report: Codable {
        var ok: Bool
        var connections: Int
        var openedConnections: Int
        var failedConnections: Int
        var failureReasons: [String]
        var closedEarly: Int
        var closedEarlyReasons: [String]
        var endpoints: Int
        var threads: Int
        var concurrency: Int
        var handshakeSeconds: Double
        var handshakesPerSecond: Double
        var handshake: LatencySummary?
        var requests: Int
        var requestSize: Int
        var completedRequests: Int
        var failedRequests: Int
        var requestSeconds: Double
        var requestsPerSecond: Double
        var request: LatencySummary?
        var serverRSSBeforeBytes: UInt64?
        var serverRSSOpenBytes: UInt64?
        var serverBytesPerConnection: Double?
        var serverCPUSecondsHandshakes: Double?
        var serverCPUSecondsRequests: Double?
        var serverCPUSecondsTotal: Double?
        var serverCPUMillisecondsPerHandshake: Double?
        var serverCPUMicrosecondsPerRequest: Double?
        /// Datagrams the server read and wrote while the connections opened, and during the requests.
        var serverDatagramsHandshakes: DatagramCounts?
        var serverDatagramsRequests: DatagramCounts?
        /// Server CPU per datagram it read or wrote, in each phase.
        var serverCPUMicrosecondsPerDatagramHandshakes: Double?
        var serverCPUMicrosecondsPerDatagramRequests: Double?
        var clientCPUSecondsHandshakes: Double
        var clientCPUSecondsRequests: Double
        var clientCPUSecondsTotal: Double
        var debugBuild: Bool

        var lines: [String] {
            var lines: [String] = []
            let rate = BenchFormat.fixed(self.handshakesPerSecond, decimals: 1)
            lines.append("connections  \(self.openedConnections) of \(self.connections) open over \(self.endpoints) "
                + "client sockets, \(self.threads) threads, \(self.concurrency) handshakes in flight")
            lines.append("  handshakes \(rate)/s (\(BenchFormat.fixed(self.handshakeSeconds, decimals: 2)) s); "
                + (self.handshake?.text ?? "none completed"))
            if self.failedConnections > 0 {
                lines.append("  failed     \(self.failedConnections): " + self.failureReasons.joined(separator: "; "))
            }
            if self.closedEarly > 0 {
                lines.append("  closed early \(self.closedEarly): " + self.closedEarlyReasons.joined(separator: "; "))
            }
            if let before = self.serverRSSBeforeBytes, let open = self.serverRSSOpenBytes {
                let each = self.serverBytesPerConnection.map { BenchFormat.bytes($0) } ?? "-"
                lines.append("  server RSS \(BenchFormat.bytes(Double(before))) before, "
                    + "\(BenchFormat.bytes(Double(open))) with all open and idle: \(each) per connection")
            }
            lines.append("requests     \(self.completedRequests) of \(self.requests) x \(self.requestSize) bytes, "
                + "\(BenchFormat.fixed(self.requestsPerSecond, decimals: 1))/s; "
                + (self.request?.text ?? "none completed"))
            if self.failedRequests > 0 {
                lines.append("  failed     \(self.failedRequests)")
            }
            func cpu(_ value: Double?) -> String { value.map { BenchFormat.fixed($0, decimals: 2) + " s" } ?? "-" }
            var server = "cpu          server \(cpu(self.serverCPUSecondsHandshakes)) handshakes, "
                + "\(cpu(self.serverCPUSecondsRequests)) requests, \(cpu(self.serverCPUSecondsTotal)) total"
            if let perHandshake = self.serverCPUMillisecondsPerHandshake {
                server += " (\(BenchFormat.fixed(perHandshake, decimals: 2)) ms/handshake"
                    + (self.serverCPUMicrosecondsPerRequest.map {
                        ", \(BenchFormat.fixed($0, decimals: 1)) µs/request"
                    } ?? "") + ")"
            }
            lines.append(server)
            if let handshakes = self.serverDatagramsHandshakes, let requests = self.serverDatagramsRequests {
                func each(_ value: Double?) -> String {
                    value.map { BenchFormat.fixed($0, decimals: 1) + " µs/datagram" } ?? "-"
                }
                lines.append("             server datagrams in/out: handshakes \(handshakes.received)/"
                    + "\(handshakes.sent) (\(each(self.serverCPUMicrosecondsPerDatagramHandshakes))), requests "
                    + "\(requests.received)/\(requests.sent) (\(each(self.serverCPUMicrosecondsPerDatagramRequests)))")
            }
            lines.append("             client \(cpu(self.clientCPUSecondsHandshakes)) handshakes, "
                + "\(cpu(self.clientCPUSecondsRequests)) requests, \(cpu(self.clientCPUSecondsTotal)) total")
            if self.debugBuild {
                lines.append("(debug build: numbers are not meaningful)")
            }
            return lines
        }
    }

    let settings: Settings

    func run() async throws -> Report {
        let server = try self.startServer()
        let progress = Shared<ConnectionLoad?>(nil)
        let watchdog = Watchdog.start(seconds: self.settings.timeout, serverPID: server.isChild ? server.pid : nil,
                                      what: "bench connections", json: self.settings.json) {
            progress.value.map { Self.status($0, started: nil) } ?? "starting"
        }
        defer { watchdog.cancel() }
        var load = self.settings.load
        load.host = server.host
        load.port = server.port
        let clientStart = ownCPUSeconds()
        let runner: ConnectionLoad
        do {
            runner = try await ConnectionLoad.make(settings: load)
        } catch {
            _ = server.stop()
            throw error
        }
        progress.set(runner)
        let ticker = ProgressTicker()
        let started = monotonicSeconds()
        ticker.start { [runner] in Self.status(runner, started: started) }
        let countsBefore = server.counters()
        let before = server.sample()
        let opening = await runner.open()
        let afterHandshakes = server.sample()
        let countsAfterHandshakes = server.counters()
        let clientAfterHandshakes = ownCPUSeconds()
        runner.counters.withLock { $0.phase = "holding" }
        if self.settings.hold > 0 {
            try? await Task.sleep(for: .seconds(self.settings.hold))
        }
        let idle = server.sample()
        let countsBeforeRequests = server.counters()
        let beforeRequests = server.sample()
        let clientBeforeRequests = ownCPUSeconds()
        let requests = await runner.request(on: opening.connections)
        let afterRequests = server.sample()
        let countsAfterRequests = server.counters()
        let clientAfterRequests = ownCPUSeconds()
        ticker.stop()
        let closedEarly = runner.counters.withLock { $0.closedEarly }
        await runner.shutdown()
        let clientTotal = ownCPUSeconds() - clientStart
        let exit = server.stop()

        let opened = opening.connections.count
        let serverHandshakes = ProcessReader.cpuSeconds(from: before, to: afterHandshakes)
        let serverRequests = ProcessReader.cpuSeconds(from: beforeRequests, to: afterRequests)
        var report = Report(
            ok: opening.failures.count == 0 && requests.failures.count == 0 && closedEarly.count == 0,
            connections: load.connections, openedConnections: opened, failedConnections: opening.failures.count,
            failureReasons: Self.reasons(opening.failures),
            closedEarly: closedEarly.count, closedEarlyReasons: Self.reasons(closedEarly),
            endpoints: load.endpoints, threads: load.threads, concurrency: load.concurrency,
            handshakeSeconds: opening.seconds, handshakesPerSecond: Double(opened) / max(opening.seconds, 1e-9),
            handshake: opening.handshakes.summary,
            requests: opened > 0 ? load.requests : 0, requestSize: load.requestSize,
            completedRequests: Int(requests.latency.count), failedRequests: requests.failures.count,
            requestSeconds: requests.seconds,
            requestsPerSecond: Double(requests.latency.count) / max(requests.seconds, 1e-9),
            request: requests.latency.summary,
            serverRSSBeforeBytes: before?.residentBytes, serverRSSOpenBytes: idle?.residentBytes,
            serverCPUSecondsHandshakes: serverHandshakes, serverCPUSecondsRequests: serverRequests,
            serverCPUSecondsTotal: exit?.cpuSeconds,
            clientCPUSecondsHandshakes: clientAfterHandshakes - clientStart,
            clientCPUSecondsRequests: clientAfterRequests - clientBeforeRequests,
            clientCPUSecondsTotal: clientTotal, debugBuild: Self.isDebugBuild)
        if let before, let idle, opened > 0 {
            report.serverBytesPerConnection = (Double(idle.residentBytes) - Double(before.residentBytes))
                / Double(opened)
        }
        if let serverHandshakes, opened > 0 {
            report.serverCPUMillisecondsPerHandshake = serverHandshakes * 1_000 / Double(opened)
        }
        if let serverRequests, requests.latency.count > 0 {
            report.serverCPUMicrosecondsPerRequest = serverRequests * 1e6 / Double(requests.latency.count)
        }
        if let start = countsBefore, let end = countsAfterHandshakes {
            let counts = end - start
            report.serverDatagramsHandshakes = counts
            report.serverCPUMicrosecondsPerDatagramHandshakes = serverHandshakes.flatMap {
                counts.total > 0 ? $0 * 1e6 / Double(counts.total) : nil
            }
        }
        if let start = countsBeforeRequests, let end = countsAfterRequests {
            let counts = end - start
            report.serverDatagramsRequests = counts
            report.serverCPUMicrosecondsPerDatagramRequests = serverRequests.flatMap {
                counts.total > 0 ? $0 * 1e6 / Double(counts.total) : nil
            }
        }
        report.failureReasons += Self.reasons(requests.failures).map { "request: " + $0 }
        if let exit, !exit.succeeded {
            throw BenchFailure("the server did not exit cleanly (\(exit.description)): \(server.logTail())")
        }
        return report
    }

    /// The progress line: phase, connections and requests so far.
    static func status(_ runner: ConnectionLoad, started: Double?) -> String {
        let value = runner.counters.withLock { $0 }
        let elapsed = started.map { BenchFormat.fixed(monotonicSeconds() - $0, decimals: 1) + " s " } ?? ""
        return "\(elapsed)\(value.phase): \(value.opened)/\(runner.settings.connections) open, \(value.inFlight) in "
            + "flight, \(value.failed) failed, \(value.closedEarly.count) closed early; requests "
            + "\(value.requestsDone) done, \(value.requestsFailed) failed"
    }

    private func startServer() throws(BenchFailure) -> BenchServer {
        if let address = self.settings.server {
            return try BenchServer(external: address, pid: self.settings.serverPID)
        }
        return try BenchServer(maxConnections: self.settings.load.connections + 100)
    }

    static func reasons(_ tally: FailureTally) -> [String] {
        tally.reasons.map { "\($0.count) x \($0.reason)" }
    }

    static var isDebugBuild: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }
}

/// Ends the process when a benchmark runs past its --timeout, killing its child server first.
enum Watchdog {
    /// `status` says where the run stood; it is printed with the timeout (and as `{"ok": false, ...}` with
    /// `json`).
    static func start(seconds: Double, serverPID: pid_t?, what: String, json: Bool,
                      status: @escaping @Sendable () -> String) -> Task<Void, Never> {
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            guard !Task.isCancelled else { return }
            let message = "timed out after \(BenchFormat.fixed(seconds, decimals: 0)) s (--timeout) at: \(status())"
            Console.error("\(what): \(message)")
            if json {
                try? printJSON(["ok": "false", "error": message])
            }
            if let serverPID {
                kill(serverPID, SIGKILL)
            }
            Foundation.exit(1)
        }
    }
}
