import ArgumentParser
import Foundation
import QUICBench
import QUICInterop

/// `mpquic bench connections`: N concurrent connections from one process against one server.
struct BenchConnections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "Open N concurrent connections, hold them, run requests on them, and report rates, latency "
            + "percentiles, server memory per connection and CPU.",
        discussion: """
            Starts "mpquic server --listen 127.0.0.1:0 --max-connections N+100" as a child process (or uses \
            --server HOST:PORT, which must be this machine), opens --connections from this process over \
            --endpoints client sockets with at most --concurrency handshakes in flight, keeps them open with \
            keep-alive PINGs for --hold seconds, then sends --requests "GET /SIZE" (hq-interop) spread over the \
            connections. The server's RSS (VmRSS) is read before the first connection and once all are open and \
            idle; its CPU from /proc/PID/stat and, at the end, wait4.

            Exits 1 when any connection or request failed. Needs a release build to mean anything:
              swift build -c release --product mpquic && .build/release/mpquic bench connections -n 10000
            """
    )

    static let maximumConnections = 50_000

    @Option(name: [.customShort("n"), .long], help: ArgumentHelp("Connections to open (1...50000).",
                                                                 valueName: "count"))
    var connections = 1_000

    @Option(help: ArgumentHelp("Client endpoints (UDP sockets) to spread them over; default N/500 rounded up.",
                               valueName: "count"))
    var endpoints: Int?

    @Option(help: ArgumentHelp("Client event loop threads; default: the number of cores.", valueName: "count"))
    var threads: Int?

    @Option(help: ArgumentHelp("Handshakes in flight at once.", valueName: "count"))
    var concurrency = 200

    @Option(help: ArgumentHelp("Requests to run once all connections are open (0: none).", valueName: "count"))
    var requests = 10_000

    @Option(help: ArgumentHelp("Response size of each request (GET /SIZE; k/M suffixes allowed).",
                               valueName: "bytes"))
    var requestSize = "1k"

    @Option(help: ArgumentHelp("Requests in flight at once.", valueName: "count"))
    var requestConcurrency = 200

    @Option(help: ArgumentHelp("Seconds to hold the connections idle before measuring memory and requesting.",
                               valueName: "seconds"))
    var hold: Double = 2

    @Option(help: ArgumentHelp("Keep-alive PING interval of the clients.", valueName: "seconds"))
    var keepAlive: Double = 10

    @Option(help: ArgumentHelp("Give up on one handshake after this long.", valueName: "seconds"))
    var handshakeTimeout: Double = 10

    @Option(help: ArgumentHelp("Give up on the whole run after this long.", valueName: "seconds"))
    var timeout: Double = 300

    @Option(help: ArgumentHelp("Use this running server (loopback or this machine only) instead of a child.",
                               valueName: "host:port"))
    var server: String?

    @Option(help: ArgumentHelp("With --server: its process ID, to read its memory and CPU.", valueName: "pid"))
    var serverPID: Int32?

    @Flag(help: "Print one JSON object with every figure instead of text.")
    var json = false

    func validate() throws {
        guard (1...Self.maximumConnections).contains(self.connections) else {
            throw ValidationError("--connections must be between 1 and \(Self.maximumConnections)")
        }
        if let endpoints = self.endpoints, !(1...1_000).contains(endpoints) {
            throw ValidationError("--endpoints must be between 1 and 1000")
        }
        if let threads = self.threads, !(1...64).contains(threads) {
            throw ValidationError("--threads must be between 1 and 64")
        }
        guard (1...10_000).contains(self.concurrency), (1...10_000).contains(self.requestConcurrency) else {
            throw ValidationError("--concurrency and --request-concurrency must be between 1 and 10000")
        }
        guard (0...10_000_000).contains(self.requests) else {
            throw ValidationError("--requests must be between 0 and 10000000")
        }
        guard let size = Formatting.parseByteCount(self.requestSize), size <= 100_000_000 else {
            throw ValidationError("--request-size must be a size from 0 to 100M, such as 1k")
        }
        guard self.hold >= 0, self.hold <= 3_600 else { throw ValidationError("--hold must be 0...3600 seconds") }
        guard self.keepAlive >= 0.1, self.keepAlive <= 600 else {
            throw ValidationError("--keep-alive must be 0.1...600 seconds (the idle timeout is 30 s)")
        }
        guard self.handshakeTimeout > 0, self.timeout > 0, self.timeout <= 86_400 else {
            throw ValidationError("--handshake-timeout and --timeout must be positive (--timeout at most 86400)")
        }
        if self.serverPID != nil, self.server == nil {
            throw ValidationError("--server-pid needs --server")
        }
    }

    var settings: ConnectionsBenchmark.Settings {
        let processors = ProcessInfo.processInfo.activeProcessorCount
        return ConnectionsBenchmark.Settings(
            load: ConnectionLoad.Settings(
                host: "", port: 0, connections: self.connections,
                endpoints: self.endpoints ?? max(1, (self.connections + 499) / 500),
                threads: self.threads ?? max(1, processors), concurrency: self.concurrency,
                handshakeTimeout: self.handshakeTimeout, keepAlive: self.keepAlive, requests: self.requests,
                requestSize: Int(Formatting.parseByteCount(self.requestSize) ?? 0),
                requestConcurrency: self.requestConcurrency, requestTimeout: max(self.handshakeTimeout, 10)),
            hold: self.hold, timeout: self.timeout, server: self.server, serverPID: self.serverPID, json: self.json)
    }

    func run() async throws {
        #if DEBUG
        Console.error("bench connections: this is a debug build; for real numbers run "
            + "swift build -c release --product mpquic and .build/release/mpquic bench connections")
        #endif
        let report: ConnectionsBenchmark.Report
        do {
            report = try await ConnectionsBenchmark(settings: self.settings).run()
        } catch {
            Console.error("bench connections: \(error)")
            throw ExitCode.failure
        }
        if self.json {
            try printJSON(report)
        } else {
            report.lines.forEach(Console.out)
        }
        if report.failedConnections > 0 || report.failedRequests > 0 || report.closedEarly > 0 {
            Console.error("bench connections: \(report.failedConnections) of \(report.connections) connections "
                + "failed, \(report.closedEarly) closed early, \(report.failedRequests) requests failed"
                + (report.failureReasons.isEmpty ? "" : ": " + report.failureReasons.joined(separator: "; ")))
            throw ExitCode.failure
        }
    }
}
