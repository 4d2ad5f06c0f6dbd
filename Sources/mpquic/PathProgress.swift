import QUIC
import QUICInterop
import QUICTransport
import QUICWire

/// The receive rate of each path of a connection, from samples of its per-path byte counts.
struct PathRates {
    /// One path's current numbers.
    struct Entry {
        var path: QUICPathStatistics
        /// Bytes per second over the meter's window.
        var rate: Double
        /// The path's fraction of every byte received so far, 0...1.
        var share: Double

        /// `wifi      18.3 Mbit/s  srtt  23.1 ms   62%` (with `abandoned` or `backup` appended when so).
        var text: String {
            let name = self.path.label.isEmpty ? "path \(self.path.id)" : self.path.label
            var line = Self.padded(name, to: 9, left: true) + " "
                + Self.padded(Formatting.rate(bytesPerSecond: self.rate), to: 12) + "  srtt "
                + Self.padded(String(format: "%.1f ms", Console.seconds(self.path.smoothedRTT) * 1_000), to: 8)
                + Self.padded(String(format: "%.0f%%", self.share * 100), to: 6)
            if self.path.status != .available { line += "  \(self.path.status)" }
            if self.path.consecutiveProbeTimeouts > 0 { line += "  \(self.path.consecutiveProbeTimeouts) PTO" }
            return line
        }

        private static func padded(_ text: String, to width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
    }

    private var meters: [PathID: RateMeter] = [:]

    /// Records the paths' byte counts at `time` (seconds) and returns each path's rate and share.
    mutating func update(_ paths: [QUICPathStatistics], at time: Double) -> [Entry] {
        let total = paths.reduce(0) { $0 + $1.bytesReceived }
        return paths.map { path in
            var meter = self.meters[path.id] ?? RateMeter()
            meter.record(totalBytes: path.bytesReceived, at: time)
            self.meters[path.id] = meter
            let share = total > 0 ? Double(path.bytesReceived) / Double(total) : 0
            return Entry(path: path, rate: meter.bytesPerSecond, share: share)
        }
    }
}

/// The progress of a download on a terminal: a bar and, for a multipath connection, one line per path below it,
/// redrawn in place five times a second until cancelled.
enum PathProgress {
    static func draw(_ progress: TransferProgress, total: UInt64?, start: ContinuousClock.Instant,
                     paths connection: QUICConnection?) async {
        var meter = RateMeter()
        var rates = PathRates()
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let elapsed = Console.seconds(clock.now - start)
            let bytes = progress.bytes
            meter.record(totalBytes: bytes, at: elapsed)
            var lines = [ProgressBar.render(bytes: bytes, total: total, elapsed: elapsed,
                                            bytesPerSecond: meter.bytesPerSecond)]
            if let connection, let statistics = try? await connection.statistics() {
                lines += rates.update(statistics.paths, at: elapsed).map { "  " + $0.text }
            }
            // Each line is cleared to its end; the cursor goes back up to the first line for the next redraw.
            var text = "\r" + lines.joined(separator: "\u{1B}[K\n") + "\u{1B}[K"
            if lines.count > 1 {
                text += "\u{1B}[\(lines.count - 1)A"
            }
            Console.status(text)
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}
