import Foundation
import QUICBench
import QUICTransport
import Synchronization

/// A benchmark that could not run or whose run failed, with what to do about it.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Raised by ``Deadline/run(seconds:what:body:onLate:)`` when the body took too long.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var seconds: Double
    var what: String

    var description: String { "no \(self.what) within \(BenchFormat.fixed(self.seconds, decimals: 1)) s" }
}

/// Runs async work with a time limit, for calls (a handshake, a request) that do not answer cancellation.
enum Deadline {
    /// Returns `body`'s result, or throws ``DeadlineExceeded`` after `seconds`; a result that arrives later is
    /// handed to `onLate` (to close a connection that nobody waits for any more).
    static func run<Value: Sendable>(
        seconds: Double, what: String, body: @escaping @Sendable () async throws -> Value,
        onLate: @escaping @Sendable (Value) async -> Void = { _ in }
    ) async throws -> Value {
        let waiter = Shared<CheckedContinuation<Value, any Error>?>(nil)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            waiter.set(continuation)
            let timer = Task {
                try? await Task.sleep(for: .seconds(seconds))
                guard !Task.isCancelled else { return }
                waiter.withLock { $0.take() }?.resume(throwing: DeadlineExceeded(seconds: seconds, what: what))
            }
            Task {
                let result: Result<Value, any Error>
                do {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                timer.cancel()
                if let pending = waiter.withLock({ $0.take() }) {
                    pending.resume(with: result)
                } else if case .success(let late) = result {
                    await onLate(late)
                }
            }
        }
    }
}

/// Reads `/proc/PID` of a process this one may inspect (its own child, or one named with --server-pid).
struct ProcessReader: Sendable {
    let pid: pid_t

    /// Clock ticks a second in /proc/PID/stat.
    static let ticksPerSecond = Double(max(sysconf(Int32(_SC_CLK_TCK)), 1))

    func sample() -> ProcessSample? {
        guard let status = Self.read("/proc/\(self.pid)/status"), let stat = Self.read("/proc/\(self.pid)/stat"),
              let resident = ProcessSample.residentBytes(status: status),
              let ticks = ProcessSample.cpuTicks(stat: stat) else { return nil }
        return ProcessSample(residentBytes: resident, cpuTicks: ticks)
    }

    /// A /proc file's text (their size reads as 0, so they are read until EOF).
    private static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func cpuSeconds(from start: ProcessSample?, to end: ProcessSample?) -> Double? {
        guard let start, let end, end.cpuTicks >= start.cpuTicks else { return nil }
        return Double(end.cpuTicks - start.cpuTicks) / Self.ticksPerSecond
    }
}

/// The CPU time (user + system) this process used so far.
func ownCPUSeconds() -> Double {
    var usage = rusage()
    guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Seconds on a monotonic clock, for durations.
func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// The addresses of this machine's interfaces (for ``BenchTarget/check(_:ownAddresses:)``).
func ownInterfaceAddresses() -> [NetworkAddress] {
    var first: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&first) == 0 else { return [] }
    defer { freeifaddrs(first) }
    var result: [NetworkAddress] = []
    var cursor = first
    while let entry = cursor {
        defer { cursor = entry.pointee.ifa_next }
        guard let raw = entry.pointee.ifa_addr else { continue }
        switch Int32(raw.pointee.sa_family) {
        case AF_INET:
            let address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            result.append(NetworkAddress(ip: .v4(UInt32(bigEndian: address)), port: 0))
        case AF_INET6:
            let bytes = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
            let high = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = bytes.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            result.append(NetworkAddress(ip: .v6(high: high, low: low), port: 0))
        default:
            continue
        }
    }
    return result
}

/// A status line on stderr while a benchmark runs: redrawn in place four times a second on a terminal, else
/// printed as a line every few seconds (so that logs stay short).
final class ProgressTicker: Sendable {
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let isTerminal = Console.stderrIsTerminal

    /// Starts calling `line` for the text to show.
    func start(interval: Double = 5, line: @escaping @Sendable () -> String) {
        let terminal = self.isTerminal
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(terminal ? 0.25 : interval))
                guard !Task.isCancelled else { return }
                if terminal {
                    Console.status("\r\u{1B}[K" + line())
                } else {
                    Console.error(line())
                }
            }
        }
        self.task.withLock { $0 = task }
    }

    /// Stops and clears the line.
    func stop() {
        self.task.withLock { $0.take() }?.cancel()
        if self.isTerminal {
            Console.status("\r\u{1B}[K")
        }
    }
}

/// Prints `value` as one JSON object with sorted keys.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    Console.out(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A value several tasks share, behind a lock (a `Mutex` cannot be captured by escaping closures itself).
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        self.mutex = Mutex(value)
    }

    var value: Value {
        self.mutex.withLock { $0 }
    }

    func set(_ value: Value) {
        self.mutex.withLock { $0 = value }
    }

    @discardableResult
    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        self.mutex.withLock { body(&$0) }
    }
}
