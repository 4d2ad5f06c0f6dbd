/// The transfer rate over the last `window` seconds, from samples of the running byte count.
///
/// A sliding window smooths the rate a progress bar shows without hiding a stall for long: once no byte arrived
/// for a whole window, the rate reads 0.
public struct RateMeter: Sendable {
    /// The window length in seconds.
    public let window: Double
    private var samples: [(time: Double, bytes: UInt64)] = []

    public init(window: Double = 1.0) {
        self.window = max(window, 1e-3)
    }

    /// Records that `totalBytes` had arrived at `time` (seconds on any monotonic clock). Samples older than the
    /// window are dropped, except the newest of them, which anchors the start of the window.
    public mutating func record(totalBytes: UInt64, at time: Double) {
        if let last = self.samples.last, time < last.time || totalBytes < last.bytes {
            self.samples.removeAll()
        }
        self.samples.append((time, totalBytes))
        let start = time - self.window
        var firstKept = 0
        while firstKept + 1 < self.samples.count, self.samples[firstKept + 1].time <= start {
            firstKept += 1
        }
        if firstKept > 0 {
            self.samples.removeFirst(firstKept)
        }
    }

    /// Bytes per second between the oldest and newest samples kept; 0 with fewer than two samples.
    public var bytesPerSecond: Double {
        guard let first = self.samples.first, let last = self.samples.last, last.time > first.time else { return 0 }
        return Double(last.bytes - first.bytes) / (last.time - first.time)
    }
}
