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
    public var paths: [TransferSummary.Path] = []
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
