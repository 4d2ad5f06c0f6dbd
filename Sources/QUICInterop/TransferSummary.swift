import Foundation

/// The numbers printed at the end of a transfer, and their one-line-per-item text.
public struct TransferSummary: Hashable, Sendable {
    /// One network path's share of the connection.
    public struct Path: Codable, Hashable, Sendable {
        /// The 4-tuple, `local -> remote`.
        public var name: String
        public var bytesSent: UInt64
        public var bytesReceived: UInt64
        public var smoothedRTTMilliseconds: Double
        /// nil when the transport does not count losses per path (multipath).
        public var packetsLost: UInt64?
        /// Multipath: the path ID, its label, status ("available", "backup", "validating", "abandoned"),
        /// congestion window, recent loss rate (0...1) and whether it is metered.
        public var pathID: UInt32?
        public var label: String?
        public var status: String?
        public var congestionWindow: Int?
        public var recentLossRate: Double?
        public var metered: Bool?

        public init(name: String, bytesSent: UInt64, bytesReceived: UInt64, smoothedRTTMilliseconds: Double,
                    packetsLost: UInt64?) {
            self.name = name
            self.bytesSent = bytesSent
            self.bytesReceived = bytesReceived
            self.smoothedRTTMilliseconds = smoothedRTTMilliseconds
            self.packetsLost = packetsLost
        }

        /// `path 1 cellular` with an ID, else `path 127.0.0.1:5000 -> 127.0.0.1:4433`.
        public var title: String {
            guard let id = self.pathID else { return "path \(self.name)" }
            let label = self.label.map { $0.isEmpty ? "" : " \($0)" } ?? ""
            return "path \(id)\(label) (\(self.name))"
        }
    }

    /// Application bytes received (response bodies).
    public var bytes: UInt64
    public var seconds: Double
    public var handshakeMilliseconds: Double?
    public var paths: [Path]
    /// Extra facts appended to the first line, such as "resumed" or "0-RTT accepted".
    public var notes: [String]

    public init(bytes: UInt64, seconds: Double, handshakeMilliseconds: Double?, paths: [Path] = [],
                notes: [String] = []) {
        self.bytes = bytes
        self.seconds = seconds
        self.handshakeMilliseconds = handshakeMilliseconds
        self.paths = paths
        self.notes = notes
    }

    public var megabitsPerSecond: Double {
        Formatting.megabitsPerSecond(bytes: self.bytes, seconds: self.seconds)
    }

    /// `received 104.9 MB (104857600 bytes) in 1.234 s: 679.8 Mbit/s, handshake 2.1 ms, resumed`, then one indented
    /// line per path.
    public var lines: [String] {
        var first = "received \(Formatting.bytes(self.bytes)) (\(self.bytes) bytes) in "
            + String(format: "%.3f s: %.1f Mbit/s", self.seconds, self.megabitsPerSecond)
        if let handshake = self.handshakeMilliseconds {
            first += String(format: ", handshake %.1f ms", handshake)
        }
        for note in self.notes {
            first += ", \(note)"
        }
        var lines = [first]
        let received = self.paths.reduce(0) { $0 + $1.bytesReceived }
        for path in self.paths {
            var line = "  \(path.title): sent \(Formatting.bytes(path.bytesSent)), received "
                + "\(Formatting.bytes(path.bytesReceived))"
            if self.paths.count > 1, received > 0 {
                line += String(format: " (%.0f%%)", Double(path.bytesReceived) * 100 / Double(received))
            }
            line += String(format: ", srtt %.2f ms", path.smoothedRTTMilliseconds)
            if let lost = path.packetsLost {
                line += ", lost \(lost)"
            } else if let rate = path.recentLossRate {
                line += String(format: ", recent loss %.1f%%", rate * 100)
            }
            if let status = path.status, status != "available" { line += ", \(status)" }
            lines.append(line)
        }
        return lines
    }
}
