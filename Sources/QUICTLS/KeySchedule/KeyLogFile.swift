#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Why a key log file could not be opened or written.
public struct KeyLogFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    /// The `errno` of the failed system call.
    public var errorNumber: Int32
    public var reason: String

    public init(path: String, errorNumber: Int32, reason: String) {
        self.path = path
        self.errorNumber = errorNumber
        self.reason = reason
    }

    public var description: String {
        "\(self.reason) '\(self.path)': \(String(cString: strerror(self.errorNumber))) (errno \(self.errorNumber))"
    }
}

/// An NSS key log file (the SSLKEYLOGFILE format Wireshark reads to decrypt QUIC): receives the lines
/// ``TLSHandshaker/pollKeyLogLine()`` returns, one per secret.
///
/// The file is opened in append mode, so several processes (or connections) can share it, and created with
/// mode 0600 because anyone who reads it can decrypt the traffic. Each line is written with a single
/// `write(2)` under a lock, so concurrent connections never interleave parts of lines.
public final class KeyLogFile: Sendable {
    /// The environment variable that names the file, as in NSS, OpenSSL, BoringSSL, curl and browsers.
    public static let environmentVariable = "SSLKEYLOGFILE"

    public let path: String
    /// The open descriptor, guarded so that one line is written at a time.
    private let descriptor: Mutex<Int32>

    /// Opens (creating with mode 0600 if needed) `path` for appending.
    public init(path: String) throws(KeyLogFileError) {
        guard !path.isEmpty else {
            throw KeyLogFileError(path: path, errorNumber: ENOENT, reason: "cannot open an empty key log path")
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KeyLogFileError(path: path, errorNumber: errno, reason: "cannot open the TLS key log file")
        }
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit {
        self.descriptor.withLock { descriptor in
            _ = close(descriptor)
        }
    }

    /// The file named by SSLKEYLOGFILE, or nil when the variable is unset, empty, or the file cannot be opened
    /// (key logging is a debugging aid: it must never stop a connection).
    public static func fromEnvironment() -> KeyLogFile? {
        guard let value = getenv(Self.environmentVariable) else { return nil }
        return try? KeyLogFile(path: String(cString: value))
    }

    /// Appends `line` and a newline (one is not added twice if `line` already ends with one).
    ///
    /// - Throws: the `write(2)` failure (a full disk, for example).
    public func append(_ line: String) throws(KeyLogFileError) {
        var bytes = Array(line.utf8)
        if bytes.last != 0x0a { bytes.append(0x0a) }
        let failure: Int32? = self.descriptor.withLock { descriptor in
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return write(descriptor, base + written, buffer.count - written)
                }
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if result == 0 { return EIO }
                written += result
            }
            return nil
        }
        if let failure {
            throw KeyLogFileError(path: self.path, errorNumber: failure, reason: "cannot write the TLS key log file")
        }
    }

    /// Drains every pending key-log line of `handshaker` into the file.
    public func appendLines(from handshaker: inout some TLSHandshaker) throws(KeyLogFileError) {
        while let line = handshaker.pollKeyLogLine() {
            try self.append(line)
        }
    }
}
