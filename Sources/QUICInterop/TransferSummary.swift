import Foundation

/// The numbers printed at the end of a transfer, and their one-line-per-item text.
public struct TransferSummary: Hashable, Sendable {
    /// One network path's share of the connection.
    public struct Path: Codable, Hashable, Sendable {
        public var name: String
        public var bytesSent: UInt64
        public var bytesReceived: UInt64
        public var smoothedRTTMilliseconds: Double
        public var packetsLost: UInt64

        public init(name: String, bytesSent: UInt64, bytesReceived: UInt64, smoothedRTTMilliseconds: Double,
                    packetsLost: UInt64) {
            self.name = name
            self.bytesSent = bytesSent
            self.bytesReceived = bytesReceived
            self.smoothedRTTMilliseconds = smoothedRTTMilliseconds
            self.packetsLost = packetsLost
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
        for path in self.paths {
            lines.append("  path \(path.name): sent \(Formatting.bytes(path.bytesSent)), received "
                + "\(Formatting.bytes(path.bytesReceived)), "
                + String(format: "srtt %.2f ms", path.smoothedRTTMilliseconds) + ", lost \(path.packetsLost)")
        }
        return lines
    }
}
