import Foundation

/// Writes a JSON-SEQ qlog file (conventionally `.sqlog`, main-schema-03 §6.2): the header record when
/// opened, then one record per logged event.
///
/// Records are serialized into a reused buffer and written to the file when it exceeds `bufferCapacity`, on
/// `flush()` and on `close()`. `log(_:)` never throws or traps: after the first I/O error the sink stops
/// writing and keeps that error for `flush()` / `close()` to report. Single owner; not thread-safe.
public final class QlogFileSink: QlogSink {
    public let path: String
    public let trace: QlogTrace
    private let bufferCapacity: Int
    private var handle: FileHandle?
    private var writer: QlogJSONWriter
    /// The first failure, reported by `flush()` and `close()`.
    public private(set) var error: QlogError?

    /// Creates (or truncates) the file at `path` and buffers the header record.
    public init(path: String, trace: QlogTrace, bufferCapacity: Int = 64 * 1024) throws(QlogError) {
        self.path = path
        self.trace = trace
        self.bufferCapacity = max(bufferCapacity, 1)
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw QlogError(.open, path: path, reason: "could not create the file")
        }
        do {
            self.handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        } catch {
            throw QlogError(.open, path: path, reason: "\(error)")
        }
        self.writer = QlogJSONWriter(appendingTo: [])
        self.writer.bytes.reserveCapacity(self.bufferCapacity)
        trace.writeHeader(to: &self.writer)
    }

    deinit {
        try? self.handle?.close()
    }

    public func log(_ event: QlogEvent) {
        guard self.handle != nil, self.error == nil else {
            return
        }
        self.trace.writeEvent(event, to: &self.writer)
        if self.writer.bytes.count >= self.bufferCapacity {
            self.writeBuffer()
        }
    }

    /// Writes buffered records to the file; throws the first error the sink has met.
    public func flush() throws(QlogError) {
        guard self.handle != nil else {
            throw self.error ?? QlogError(.closed, path: self.path, reason: "closed")
        }
        self.writeBuffer()
        if let error = self.error {
            throw error
        }
    }

    /// Flushes and closes the file. Closing twice is an error of kind `.closed`.
    public func close() throws(QlogError) {
        guard let handle = self.handle else {
            throw QlogError(.closed, path: self.path, reason: "closed")
        }
        self.writeBuffer()
        self.handle = nil
        do {
            try handle.close()
        } catch {
            self.record(QlogError(.write, path: self.path, reason: "\(error)"))
        }
        if let error = self.error {
            throw error
        }
    }

    private func writeBuffer() {
        guard let handle = self.handle, self.error == nil, !self.writer.bytes.isEmpty else {
            return
        }
        do {
            try handle.write(contentsOf: self.writer.bytes)
        } catch {
            self.record(QlogError(.write, path: self.path, reason: "\(error)"))
        }
        self.writer.bytes.removeAll(keepingCapacity: true)
        self.writer.resetSeparator()
    }

    private func record(_ error: QlogError) {
        if self.error == nil {
            self.error = error
        }
    }
}
