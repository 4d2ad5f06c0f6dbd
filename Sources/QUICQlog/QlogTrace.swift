import QUICWire

/// The qlog trace a sink writes: the header record's contents and the reference point for event times.
///
/// Serialization follows draft-ietf-quic-qlog-main-schema-03 §6.2 (JSON Text Sequences, RFC 7464): every
/// record is RS (0x1E), one JSON object, LF. The first record is the `QlogFileSeq` header
/// (`"qlog_format": "JSON-SEQ"`, `"qlog_version": "0.3"`, `title`, `trace` with `vantage_point` and
/// `common_fields`); every following record is one event `{"time", "name", "data"}`.
public struct QlogTrace: Hashable, Sendable {
    /// main-schema-03 §5.3.2 `VantagePointType`.
    public enum VantagePoint: String, Hashable, Sendable {
        case client
        case server
        case network
        case unknown
    }

    public static let qlogVersion = "0.3"
    public static let qlogFormat = "JSON-SEQ"
    public static let recordSeparator: UInt8 = 0x1e

    public var title: String
    public var vantagePoint: VantagePoint
    /// The original destination connection ID, logged as `common_fields.odcid`
    /// (main-schema-03 §5.3.3 calls it ODCID; §6.2: "all qlog field names in a JSON-SEQ serialization MUST be
    /// lowercase").
    public var originalDestinationCID: ConnectionID?
    /// `common_fields.group_id`; defaults to the ODCID in hex when nil.
    public var groupID: String?
    /// The injected-clock time (nanoseconds) that event times are measured from.
    public var referenceNanoseconds: UInt64
    /// `common_fields.reference_time`: the same instant as a wall-clock time in milliseconds since the Unix
    /// epoch, if the caller knows it; 0 otherwise (the stack's clock has no epoch).
    public var referenceTimeMilliseconds: Double

    public init(title: String, vantagePoint: VantagePoint, originalDestinationCID: ConnectionID? = nil,
                groupID: String? = nil, referenceNanoseconds: UInt64, referenceTimeMilliseconds: Double = 0) {
        self.title = title
        self.vantagePoint = vantagePoint
        self.originalDestinationCID = originalDestinationCID
        self.groupID = groupID
        self.referenceNanoseconds = referenceNanoseconds
        self.referenceTimeMilliseconds = referenceTimeMilliseconds
    }

    /// Appends the header record (RS, JSON, LF).
    public func writeHeader(to writer: inout QlogJSONWriter) {
        writer.bytes.append(Self.recordSeparator)
        writer.resetSeparator()
        writer.beginObject()
        writer.key("qlog_format")
        writer.string(Self.qlogFormat)
        writer.key("qlog_version")
        writer.string(Self.qlogVersion)
        writer.key("title")
        writer.string(self.title)
        writer.key("trace")
        writer.beginObject()
        writer.key("vantage_point")
        writer.beginObject()
        writer.key("type")
        writer.string(self.vantagePoint.rawValue)
        writer.endObject()
        writer.key("common_fields")
        writer.beginObject()
        writer.key("protocol_type")
        writer.beginArray()
        writer.string("QUIC")
        writer.endArray()
        if let odcid = self.originalDestinationCID {
            writer.key("odcid")
            writer.hexString(odcid.bytes)
        }
        if let group = self.groupID {
            writer.key("group_id")
            writer.string(group)
        } else if let odcid = self.originalDestinationCID {
            writer.key("group_id")
            writer.hexString(odcid.bytes)
        }
        writer.key("time_format")
        writer.string("relative")
        writer.key("reference_time")
        writer.double(self.referenceTimeMilliseconds)
        writer.endObject()
        writer.endObject()
        writer.endObject()
        writer.bytes.append(UInt8(ascii: "\n"))
    }

    /// Appends one event record (RS, JSON, LF).
    public func writeEvent(_ event: QlogEvent, to writer: inout QlogJSONWriter) {
        writer.bytes.append(Self.recordSeparator)
        writer.resetSeparator()
        writer.beginObject()
        writer.key("time")
        writer.double(event.relativeMilliseconds(since: self.referenceNanoseconds))
        writer.key("name")
        writer.string(event.name)
        if let pathID = event.pathID {
            writer.key("path_id")
            writer.integer(pathID)
        }
        writer.key("data")
        event.data.write(to: &writer)
        writer.endObject()
        writer.bytes.append(UInt8(ascii: "\n"))
    }
}
