/// A failure of a qlog file sink. Logging itself never throws; the first failure is kept and reported by
/// `flush()` or `close()`.
public struct QlogError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The file could not be created or opened for writing.
        case open
        /// Writing or syncing the file failed (disk full, file removed, ...).
        case write
        /// The sink was already closed.
        case closed
    }

    public var kind: Kind
    public var path: String
    public var reason: String

    public init(_ kind: Kind, path: String, reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch self.kind {
        case .open: "cannot open qlog file \(self.path): \(self.reason); check the directory exists and is writable"
        case .write: "cannot write qlog file \(self.path): \(self.reason)"
        case .closed: "qlog file \(self.path) is already closed"
        }
    }
}
