import Foundation

/// Writing to the terminal: data and reports on stdout, diagnostics on stderr, both flushed at once so that a
/// parent process reading a pipe sees each line when it is written.
enum Console {
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func error(_ line: String) {
        Self.status(line + "\n")
    }

    /// Writes to stderr without adding a line break (for a progress line redrawn in place).
    static func status(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether stderr is a terminal (progress bars are drawn only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Seconds from a `ContinuousClock` duration.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Waits for the first of a set of signals, which are otherwise ignored (so the process does not die at once and
/// can close its connections first).
enum SignalWaiter {
    static func first(of numbers: [Int32]) async -> Int32 {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for number in numbers {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        for await number in stream {
            return number
        }
        return 0
    }
}
