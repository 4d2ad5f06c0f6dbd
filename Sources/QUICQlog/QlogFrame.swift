import QUICWire

/// A QUIC frame as qlog logs it: draft-ietf-quic-qlog-quic-events-03 §8.13 `$QuicFrame`, an object with a
/// `frame_type` string and the frame's fields.
///
/// Frames the -03 draft does not define use the names later qlog drafts give them ("datagram",
/// "ack_frequency", "immediate_ack"), and the multipath frames use their draft-ietf-quic-multipath names in
/// lowercase ("path_ack", "path_abandon", "path_status_backup", "path_new_connection_id", ...), each with a
/// `path_id` field.
public struct QlogFrame: Hashable, Sendable {
    /// The qlog `frame_type`, e.g. "ack", "stream", "path_ack".
    public var frameType: String
    /// The frame's other members, in the order they are written.
    public var fields: [QlogField]

    public init(frameType: String, fields: [QlogField] = []) {
        self.frameType = frameType
        self.fields = fields
    }

    public func write(to writer: inout QlogJSONWriter) {
        writer.beginObject()
        writer.key("frame_type")
        writer.string(self.frameType)
        for field in self.fields {
            field.write(to: &writer)
        }
        writer.endObject()
    }

    /// The value of the field named `name`, if present.
    public subscript(field name: String) -> QlogValue? {
        self.fields.first { $0.name == name }?.value
    }

    // MARK: Constructors for the common frames

    /// -03 §8.13.1: implementations "SHOULD instead emit just a single PaddingFrame and set the payload_length
    /// property to the amount of PADDING bytes/frames included in the packet."
    public static func padding(count: Int) -> QlogFrame {
        QlogFrame(frameType: "padding", fields: [QlogField("length", .signed(Int64(count))),
                                                 QlogField("payload_length", .signed(Int64(count)))])
    }

    public static let ping = QlogFrame(frameType: "ping")

    /// An ACK frame. `ranges` are written as `acked_ranges: [[smallest, largest], ...]` in ascending order;
    /// `ackDelayMilliseconds` is the decoded delay (after the ack_delay_exponent is applied).
    public static func ack(ranges: AckRanges, ackDelayMilliseconds: Double?, ecn: ECNCounts? = nil) -> QlogFrame {
        QlogFrame(frameType: "ack", fields: self.ackFields(ranges: ranges, ackDelayMilliseconds: ackDelayMilliseconds,
                                                           ecn: ecn))
    }

    public static func stream(id: UInt64, offset: UInt64, length: Int, fin: Bool) -> QlogFrame {
        var fields = [QlogField("stream_id", .unsigned(id)), QlogField("offset", .unsigned(offset)),
                      QlogField("length", .signed(Int64(length)))]
        // -03 §8.13.8: fin "MUST only be set if the value is true".
        if fin {
            fields.append(QlogField("fin", .bool(true)))
        }
        return QlogFrame(frameType: "stream", fields: fields)
    }

    public static func crypto(offset: UInt64, length: Int) -> QlogFrame {
        QlogFrame(frameType: "crypto", fields: [QlogField("offset", .unsigned(offset)),
                                                QlogField("length", .signed(Int64(length)))])
    }

    public static func maxData(_ maximum: UInt64) -> QlogFrame {
        QlogFrame(frameType: "max_data", fields: [QlogField("maximum", .unsigned(maximum))])
    }

    public static func pathChallenge(_ data: UInt64) -> QlogFrame {
        QlogFrame(frameType: "path_challenge", fields: [QlogField("data", .hex(self.bigEndianBytes(data)))])
    }

    public static func datagram(length: Int) -> QlogFrame {
        QlogFrame(frameType: "datagram", fields: [QlogField("length", .signed(Int64(length)))])
    }

    /// A CONNECTION_CLOSE frame. For the transport space, `error_code` is the qlog TransportError string
    /// (-03 §8.14, "crypto_error_0x1XX" for TLS alerts) when the code has a name, else the number;
    /// `raw_error_code` always carries the number.
    public static func connectionClose(isApplicationError: Bool, errorCode: UInt64, reason: String,
                                       triggerFrameType: UInt64? = nil) -> QlogFrame {
        var fields = [QlogField("error_space", .string(isApplicationError ? "application" : "transport"))]
        if isApplicationError {
            fields.append(QlogField("error_code", .unsigned(errorCode)))
        } else if let name = self.transportErrorName(TransportErrorCode(rawValue: errorCode)) {
            fields.append(QlogField("error_code", .string(name)))
        } else {
            fields.append(QlogField("error_code", .unsigned(errorCode)))
        }
        fields.append(QlogField("raw_error_code", .unsigned(errorCode)))
        fields.append(QlogField("reason", .string(reason)))
        if let triggerFrameType {
            fields.append(QlogField("trigger_frame_type", .unsigned(triggerFrameType)))
        }
        return QlogFrame(frameType: "connection_close", fields: fields)
    }

    public static func newConnectionID(pathID: PathID? = nil, sequenceNumber: UInt64, retirePriorTo: UInt64,
                                       connectionID: ConnectionID,
                                       statelessResetToken: StatelessResetToken?) -> QlogFrame {
        var fields: [QlogField] = []
        if let pathID {
            fields.append(QlogField("path_id", .unsigned(UInt64(pathID))))
        }
        fields.append(QlogField("sequence_number", .unsigned(sequenceNumber)))
        fields.append(QlogField("retire_prior_to", .unsigned(retirePriorTo)))
        fields.append(QlogField("connection_id_length", .signed(Int64(connectionID.length))))
        fields.append(QlogField("connection_id", .connectionID(connectionID)))
        if let statelessResetToken {
            fields.append(QlogField("stateless_reset_token", .hex(statelessResetToken.bytes)))
        }
        return QlogFrame(frameType: pathID == nil ? "new_connection_id" : "path_new_connection_id", fields: fields)
    }

    // MARK: Shared pieces

    static func ackFields(ranges: AckRanges, ackDelayMilliseconds: Double?, ecn: ECNCounts?) -> [QlogField] {
        var fields: [QlogField] = []
        if let ackDelayMilliseconds {
            fields.append(QlogField("ack_delay", .double(ackDelayMilliseconds)))
        }
        // -03 §8.13.3: "the first number is "from": lowest packet number in interval; the second number is
        // "to": up to and including the highest packet number in the interval".
        let pairs = ranges.map { QlogValue.array([.unsigned($0.lowerBound), .unsigned($0.upperBound)]) }
        fields.append(QlogField("acked_ranges", .array(pairs.sorted { Self.lowerBound($0) < Self.lowerBound($1) })))
        if let ecn {
            fields.append(QlogField("ect1", .unsigned(ecn.ect1)))
            fields.append(QlogField("ect0", .unsigned(ecn.ect0)))
            fields.append(QlogField("ce", .unsigned(ecn.ce)))
        }
        return fields
    }

    private static func lowerBound(_ pair: QlogValue) -> UInt64 {
        if case .array(let bounds) = pair, case .unsigned(let low)? = bounds.first {
            return low
        }
        return 0
    }

    static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    /// -03 §8.14 TransportError strings, extended with the RFC 9000 codes added since and the multipath
    /// codes; nil for codes without a name.
    static func transportErrorName(_ code: TransportErrorCode) -> String? {
        if let alert = code.tlsAlert {
            let hex = String(0x100 + Int(alert), radix: 16)
            return "crypto_error_0x" + hex
        }
        let name = code.name
        guard !name.hasPrefix("0x") else {
            return nil
        }
        return name.lowercased()
    }
}
