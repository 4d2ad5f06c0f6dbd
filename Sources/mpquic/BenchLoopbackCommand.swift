import ArgumentParser
import Foundation
import QUICInterop

/// `mpquic bench` (`bench loopback`): one connection between a server and a client process on loopback.
struct BenchLoopback: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loopback",
        abstract: "Measure throughput, CPU per GB and handshakes/s between two mpquic processes on loopback.",
        discussion: """
            Starts "mpquic server --listen 127.0.0.1:0" and "mpquic client https://127.0.0.1:PORT/N --insecure \
            --json" as child processes of this executable, downloads --bytes on one connection, then runs \
            --handshakes sequential handshakes against a fresh server. Each child's CPU time (user + system) \
            comes from wait4, so the numbers are per side.

            Needs a release build to mean anything: swift build -c release && .build/release/mpquic bench
            """
    )

    @Option(help: ArgumentHelp("Bytes to download (decimal; k/M/G suffixes allowed).", valueName: "bytes"))
    var bytes: String = "100M"

    @Option(help: ArgumentHelp("Sequential handshakes to time afterwards (0 skips them).", valueName: "count"))
    var handshakes: Int = 200

    @Option(help: ArgumentHelp("Give up on a child after this many seconds.", valueName: "seconds"))
    var timeout: Double = 300

    @Flag(help: "Offer ChaCha20-Poly1305 only.")
    var chacha20 = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    /// The numbers `--json` prints.
    struct Report: Codable {
        var bytes: UInt64
        var seconds: Double
        var gbps: Double
        var handshakeMs: Double?
        var cipherSuite: String
        var clientCPUSeconds: Double
        var serverCPUSeconds: Double
        var clientCPUSecondsPerGB: Double
        var serverCPUSecondsPerGB: Double
        var handshakes: Int
        var handshakesPerSecond: Double?
        var clientCPUMillisecondsPerHandshake: Double?
        var serverCPUMillisecondsPerHandshake: Double?
        var debugBuild: Bool
    }

    func validate() throws {
        guard let count = Formatting.parseByteCount(self.bytes), count > 0,
              count <= HQResourceResolver.maximumGeneratedLength
        else { throw ValidationError("--bytes must be a size from 1 to 1T, such as 100M or 1G") }
        guard (0...100_000).contains(self.handshakes) else {
            throw ValidationError("--handshakes must be between 0 and 100000")
        }
        guard self.timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        #if DEBUG
        let debugBuild = true
        Console.error("bench: this is a debug build; for real numbers run swift build -c release "
            + "and .build/release/mpquic bench")
        #else
        let debugBuild = false
        #endif
        let count = Formatting.parseByteCount(self.bytes) ?? 0
        let extra = self.chacha20 ? ["--chacha20"] : []
        let (transfer, transferClient, transferServer) = try self.measure(
            clientArguments: { ["https://127.0.0.1:\($0)/\(count)", "--no-hash"] + extra })
        var report = Report(
            bytes: transfer.bytes, seconds: transfer.seconds, gbps: Double(transfer.bytes) * 8 / transfer.seconds / 1e9,
            handshakeMs: transfer.handshakeMs, cipherSuite: transfer.cipherSuite,
            clientCPUSeconds: transferClient.cpuSeconds, serverCPUSeconds: transferServer.cpuSeconds,
            clientCPUSecondsPerGB: transferClient.cpuSeconds / (Double(transfer.bytes) / 1e9),
            serverCPUSecondsPerGB: transferServer.cpuSeconds / (Double(transfer.bytes) / 1e9),
            handshakes: 0, debugBuild: debugBuild)
        if self.handshakes > 0 {
            let (result, client, server) = try self.measure(
                clientArguments: { ["https://127.0.0.1:\($0)/", "--handshakes", "\(self.handshakes)"] + extra })
            report.handshakes = result.handshakes ?? 0
            report.handshakesPerSecond = result.handshakesPerSecond
            report.clientCPUMillisecondsPerHandshake = client.cpuSeconds * 1_000 / Double(self.handshakes)
            report.serverCPUMillisecondsPerHandshake = server.cpuSeconds * 1_000 / Double(self.handshakes)
        }
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Console.out(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            self.printText(report)
        }
    }

    private func printText(_ report: Report) {
        Console.out("transfer    \(Formatting.bytes(report.bytes)) in " + String(format: "%.3f s: %.3f Gbit/s",
            report.seconds, report.gbps) + " (\(report.cipherSuite), handshake "
            + String(format: "%.1f ms)", report.handshakeMs ?? 0))
        Console.out(String(format: "  client    %.2f CPU s, %.2f CPU s/GB", report.clientCPUSeconds,
                           report.clientCPUSecondsPerGB))
        Console.out(String(format: "  server    %.2f CPU s, %.2f CPU s/GB", report.serverCPUSeconds,
                           report.serverCPUSecondsPerGB))
        if let rate = report.handshakesPerSecond {
            Console.out(String(format: "handshakes  %d sequential: %.1f handshakes/s", report.handshakes, rate))
            Console.out(String(format: "  client    %.2f CPU ms/handshake",
                               report.clientCPUMillisecondsPerHandshake ?? 0))
            Console.out(String(format: "  server    %.2f CPU ms/handshake",
                               report.serverCPUMillisecondsPerHandshake ?? 0))
        }
    }

    /// Runs a fresh server and one client against it; returns the client's report and both CPU times.
    private func measure(clientArguments: (Int) -> [String]) throws
        -> (ClientReport, ChildProcess.Exit, ChildProcess.Exit) {
        let executable = ChildProcess.executablePath
        let server = try ChildProcess(executable: executable, arguments: ["server", "--listen", "127.0.0.1:0"])
        guard let line = server.readLine(timeout: 30), line.hasPrefix("listening on "),
              let port = try? HostPort(parsing: String(line.dropFirst("listening on ".count))).port
        else {
            server.send(signal: SIGKILL)
            _ = server.wait()
            throw ValidationError("the server did not start: \(server.errorOutput)")
        }
        let client = try ChildProcess(
            executable: executable,
            arguments: ["client"] + clientArguments(port) + ["--insecure", "--json", "--timeout", "\(self.timeout)"])
        let output = client.readToEnd(timeout: self.timeout + 10)
        let clientExit = client.wait()
        server.send(signal: SIGTERM)
        let serverExit = server.wait()
        guard clientExit.succeeded,
              let report = try? JSONDecoder().decode(ClientReport.self, from: Data(output.utf8)), report.ok
        else {
            throw ValidationError("the client failed (\(clientExit.description)): \(client.errorOutput)")
        }
        guard serverExit.succeeded else {
            throw ValidationError("the server did not exit cleanly (\(serverExit.description)): \(server.errorOutput)")
        }
        return (report, clientExit, serverExit)
    }
}
