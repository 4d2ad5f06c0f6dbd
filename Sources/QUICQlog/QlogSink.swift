/// Where a connection sends its qlog events. Logging never fails from the caller's point of view: a sink that
/// can fail (a file) remembers its first error and reports it from `flush()` / `close()`.
public protocol QlogSink {
    mutating func log(_ event: QlogEvent)
}

/// Keeps events in memory, e.g. for tests or to write a trace later.
public struct QlogMemorySink: QlogSink, Sendable {
    public private(set) var events: [QlogEvent]

    public init() {
        self.events = []
    }

    public mutating func log(_ event: QlogEvent) {
        self.events.append(event)
    }

    /// The whole trace in JSON-SEQ: the header record, then one record per event, appended to `buffer`.
    public func jsonSeq(trace: QlogTrace, appendingTo buffer: [UInt8] = []) -> [UInt8] {
        var writer = QlogJSONWriter(appendingTo: buffer)
        trace.writeHeader(to: &writer)
        for event in self.events {
            trace.writeEvent(event, to: &writer)
        }
        return writer.bytes
    }
}
