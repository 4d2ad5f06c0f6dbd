/// One qlog event: when it happened on the stack's clock, which path it concerns, and its typed data.
///
/// The time is an injected timestamp in nanoseconds (the same monotonic clock the transport is driven with);
/// nothing here reads a clock. A trace writes it as milliseconds relative to its reference time
/// (main-schema-03 §5.1.1 "relative" time format).
public struct QlogEvent: Hashable, Sendable {
    /// Nanoseconds on the injected clock.
    public var timeNanoseconds: UInt64
    /// The multipath path ID (draft-ietf-quic-multipath) the event concerns, written as a `path_id` member of
    /// the event; nil for connection-wide events and single-path connections.
    public var pathID: UInt64?
    public var data: QlogEventData

    public init(timeNanoseconds: UInt64, pathID: UInt64? = nil, data: QlogEventData) {
        self.timeNanoseconds = timeNanoseconds
        self.pathID = pathID
        self.data = data
    }

    /// The qlog `name`, e.g. "transport:packet_sent".
    public var name: String { self.data.name }

    /// Milliseconds since `referenceNanoseconds`; negative for an event logged before the reference.
    public func relativeMilliseconds(since referenceNanoseconds: UInt64) -> Double {
        if self.timeNanoseconds >= referenceNanoseconds {
            return Double(self.timeNanoseconds - referenceNanoseconds) / 1_000_000
        }
        return -(Double(referenceNanoseconds - self.timeNanoseconds) / 1_000_000)
    }
}
