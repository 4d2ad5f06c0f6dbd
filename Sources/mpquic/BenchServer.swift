import Foundation
import QUICBench
import QUICInterop
import QUICTransport

/// The server a load benchmark talks to: a child `mpquic server` on 127.0.0.1 that it started (and whose memory
/// and CPU it can read), or one given with --server (loopback or this machine's own addresses only; its
/// /proc entry only with --server-pid).
final class BenchServer {
    let host: String
    let port: Int
    /// Where to read the server's RSS and CPU time; nil for a server we know nothing about.
    let reader: ProcessReader?
    private let child: ChildProcess?

    /// Starts `mpquic server --listen 127.0.0.1:0 --max-connections N` from this executable.
    init(maxConnections: Int, extraArguments: [String] = []) throws(BenchFailure) {
        let arguments = ["server", "--listen", "127.0.0.1:0", "--max-connections", "\(maxConnections)",
                         "--report-counters"] + extraArguments
        let child: ChildProcess
        do {
            child = try ChildProcess(executable: ChildProcess.executablePath, arguments: arguments)
        } catch {
            throw BenchFailure("cannot start the server: \(error)")
        }
        guard let line = child.readLine(timeout: 30), line.hasPrefix("listening on "),
              let address = try? HostPort(parsing: String(line.dropFirst("listening on ".count)))
        else {
            child.send(signal: SIGKILL)
            _ = child.wait()
            throw BenchFailure("the server did not start (mpquic \(arguments.joined(separator: " "))): "
                + child.errorOutput)
        }
        self.host = address.host
        self.port = address.port
        self.child = child
        self.reader = ProcessReader(pid: child.pid)
    }

    /// A server that runs already, at HOST:PORT (an IP literal), optionally with its process ID.
    init(external text: String, pid: Int32?) throws(BenchFailure) {
        let parsed: HostPort
        do {
            parsed = try HostPort(parsing: text)
        } catch {
            throw BenchFailure("--server \(text): \(error)")
        }
        guard let address = NetworkAddress(parsing: parsed.host, defaultPort: UInt16(clamping: parsed.port)) else {
            throw BenchFailure("--server \(text): give an IP address (such as 127.0.0.1:4433), not a name")
        }
        do {
            try BenchTarget.check(address, ownAddresses: ownInterfaceAddresses())
        } catch {
            throw BenchFailure("--server \(text): \(error)")
        }
        self.host = parsed.host
        self.port = parsed.port
        self.child = nil
        self.reader = pid.map { ProcessReader(pid: $0) }
        if let pid, self.reader?.sample() == nil {
            throw BenchFailure("--server-pid \(pid): cannot read /proc/\(pid)/status and stat")
        }
    }

    var pid: pid_t? { self.reader?.pid }
    var isChild: Bool { self.child != nil }

    func sample() -> ProcessSample? {
        self.reader?.sample()
    }

    /// Whether the child server still runs (always true for an external one).
    var isRunning: Bool {
        guard let child = self.child else { return true }
        return kill(child.pid, 0) == 0 && self.sample() != nil
    }

    /// Stops the child (SIGTERM, then SIGKILL after `grace` seconds) and returns how it ended; nil for an external
    /// server.
    func stop(grace: Double = 10) -> ChildProcess.Exit? {
        guard let child = self.child else { return nil }
        child.send(signal: SIGTERM)
        let pid = child.pid
        let killer = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + grace, execute: killer)
        let exit = child.wait()
        killer.cancel()
        return exit
    }

    /// The child's UDP counters (it runs with --report-counters): asked for with SIGUSR1, read from its stdout.
    func counters() -> DatagramCounts? {
        guard let child = self.child else { return nil }
        child.send(signal: SIGUSR1)
        while let line = child.readLine(timeout: 5) {
            guard line.hasPrefix("counters ") else { continue }
            guard let values = try? JSONDecoder().decode([String: Int64].self,
                                                         from: Data(line.dropFirst("counters ".count).utf8))
            else { return nil }
            return DatagramCounts(received: values["mpquic_datagrams_received_total"] ?? 0,
                                  sent: values["mpquic_datagrams_sent_total"] ?? 0)
        }
        return nil
    }

    /// What the child wrote to stderr (its log), the last `lines` lines.
    func logTail(lines: Int = 5) -> String {
        guard let child = self.child else { return "" }
        return child.errorOutput.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// Datagrams a server read and wrote so far.
struct DatagramCounts: Codable, Hashable {
    var received: Int64
    var sent: Int64

    /// The datagrams between two readings.
    static func - (end: DatagramCounts, start: DatagramCounts) -> DatagramCounts {
        DatagramCounts(received: end.received - start.received, sent: end.sent - start.sent)
    }

    var total: Int64 { self.received + self.sent }
}
