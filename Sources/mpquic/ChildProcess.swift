import Foundation

/// A child process with its stdout on a pipe we read and its stderr in a temporary file (shown when it fails),
/// reaped with `wait4` so that its CPU time is known.
final class ChildProcess {
    /// How a child ended and the CPU it used.
    struct Exit {
        /// The exit code, or nil when a signal ended the process.
        var code: Int32?
        var signal: Int32?
        var userSeconds: Double
        var systemSeconds: Double

        var cpuSeconds: Double { self.userSeconds + self.systemSeconds }
        var succeeded: Bool { self.code == 0 }

        var description: String {
            if let code = self.code { return "exit code \(code)" }
            return "signal \(self.signal ?? 0)"
        }
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    let arguments: [String]
    private var output: Int32
    private var buffered: [UInt8] = []
    private let stderrPath: String

    /// This executable, so that the children run the same build.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Starts `executable` with `arguments` (not including the program name).
    init(executable: String, arguments: [String]) throws {
        self.arguments = arguments
        self.stderrPath = NSTemporaryDirectory() + "/mpquic-child-\(UUID().uuidString).log"
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, self.stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environment)
        close(pipeEnds[1])
        guard result == 0 else {
            close(pipeEnds[0])
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        self.output = pipeEnds[0]
    }

    deinit {
        if self.output >= 0 {
            close(self.output)
        }
        unlink(self.stderrPath)
    }

    /// The next line of the child's stdout, without its line break; nil at EOF or after `timeout` seconds.
    func readLine(timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = self.buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: self.buffered[..<newline], as: UTF8.self)
                self.buffered.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, self.fill(timeout: remaining) else { return nil }
        }
    }

    /// Everything the child writes to stdout until it closes it (or `timeout` seconds pass).
    func readToEnd(timeout: Double) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while case let remaining = deadline.timeIntervalSinceNow, remaining > 0, self.fill(timeout: remaining) {}
        defer { self.buffered.removeAll() }
        return String(decoding: self.buffered, as: UTF8.self)
    }

    /// Reads what is available; false at EOF, on error or timeout.
    private func fill(timeout: Double) -> Bool {
        var descriptor = pollfd(fd: self.output, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(min(timeout * 1_000, 3_600_000)))
        if ready < 0, errno == EINTR { return true }
        guard ready > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = read(self.output, &chunk, chunk.count)
        if count < 0, errno == EINTR { return true }
        guard count > 0 else { return false }
        self.buffered += chunk[..<count]
        return true
    }

    func send(signal number: Int32) {
        kill(self.pid, number)
    }

    /// What the child wrote to stderr so far.
    var errorOutput: String {
        (try? String(contentsOfFile: self.stderrPath, encoding: .utf8)) ?? ""
    }

    /// Waits for the child to end and returns its status and CPU time (user + system, from `wait4`).
    func wait() -> Exit {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(self.pid, &status, 0, &usage) < 0, errno == EINTR {}
        let signal = status & 0x7f
        return Exit(code: signal == 0 ? (status >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal,
                    userSeconds: Self.seconds(usage.ru_utime), systemSeconds: Self.seconds(usage.ru_stime))
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }
}
