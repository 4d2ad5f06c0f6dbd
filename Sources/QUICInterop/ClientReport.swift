import Foundation

/// What `mpquic client --json` prints: one JSON object on one line, read back by `mpquic bench`.
public struct ClientReport: Codable, Hashable, Sendable {
    /// One fetched URL.
    public struct File: Codable, Hashable, Sendable {
        public var url: String
        public var bytes: UInt64
        /// Lowercase hex SHA-256 of the body ("" when hashing was turned off).
        public var sha256: String

        public init(url: String, bytes: UInt64, sha256: String) {
            self.url = url
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// One network path of the reported connection.
    public struct Path: Codable, Hashable, Sendable {
        public var fourTuple: String
        public var bytesSent: UInt64
        public var bytesReceived: UInt64
        public var rttMs: Double
        public var packetsLost: UInt64

        public init(fourTuple: String, bytesSent: UInt64, bytesReceived: UInt64, rttMs: Double, packetsLost: UInt64) {
            self.fourTuple = fourTuple
            self.bytesSent = bytesSent
            self.bytesReceived = bytesReceived
            self.rttMs = rttMs
            self.packetsLost = packetsLost
        }
    }

    public var ok: Bool
    /// Why the run failed, when it did.
    public var error: String?
    /// Response bytes received on the reported connection.
    public var bytes: UInt64 = 0
    public var seconds: Double = 0
    public var mbps: Double = 0
    public var handshakeMs: Double?
    public var resumed = false
    /// "accepted", "rejected" or "none".
    public var zeroRTT = "none"
    public var retry = false
    public var cipherSuite = ""
    public var keyUpdates: UInt64 = 0
    public var migrated = false
    public var files: [File] = []
    public var paths: [Path] = []
    /// With `--handshakes K`: how many handshakes completed, and their rate.
    public var handshakes: Int?
    public var handshakesPerSecond: Double?

    public init(ok: Bool, error: String? = nil) {
        self.ok = ok
        self.error = error
    }

    /// The report as one line of JSON (keys sorted, so the output is stable).
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{\"ok\":false}" }
        return String(decoding: data, as: UTF8.self)
    }
}
