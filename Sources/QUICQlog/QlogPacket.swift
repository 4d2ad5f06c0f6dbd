import QUICWire

/// draft-ietf-quic-qlog-quic-events-03 §8.5 `PacketType`.
public enum QlogPacketType: String, Hashable, Sendable {
    case initial
    case handshake
    case zeroRTT = "0RTT"
    case oneRTT = "1RTT"
    case retry
    case versionNegotiation = "version_negotiation"
    case statelessReset = "stateless_reset"
    case unknown
}

/// -03 §8.7 `PacketHeader`: the fields this stack logs.
public struct QlogPacketHeader: Hashable, Sendable {
    public var packetType: QlogPacketType
    /// Absent for Retry, Version Negotiation and Stateless Reset packets.
    public var packetNumber: UInt64?
    public var version: QUICVersion?
    public var dcid: ConnectionID?
    public var scid: ConnectionID?

    public init(packetType: QlogPacketType, packetNumber: UInt64? = nil, version: QUICVersion? = nil,
                dcid: ConnectionID? = nil, scid: ConnectionID? = nil) {
        self.packetType = packetType
        self.packetNumber = packetNumber
        self.version = version
        self.dcid = dcid
        self.scid = scid
    }

    public func write(to writer: inout QlogJSONWriter) {
        writer.beginObject()
        writer.key("packet_type")
        writer.string(self.packetType.rawValue)
        if let packetNumber = self.packetNumber {
            writer.key("packet_number")
            writer.integer(packetNumber)
        }
        if let version = self.version {
            // -03 §8.1: QuicVersion = hexstring.
            writer.key("version")
            writer.hexString(QlogFrame.bigEndianBytes(UInt64(version.rawValue)).suffix(4))
        }
        if let dcid = self.dcid {
            writer.key("dcil")
            writer.integer(dcid.length)
            writer.key("dcid")
            writer.hexString(dcid.bytes)
        }
        if let scid = self.scid {
            writer.key("scil")
            writer.integer(scid.length)
            writer.key("scid")
            writer.hexString(scid.bytes)
        }
        writer.endObject()
    }
}

/// The data of -03 `transport:packet_sent`, `transport:packet_received` and `recovery:packet_lost`.
public struct QlogPacket: Hashable, Sendable {
    public var header: QlogPacketHeader
    public var frames: [QlogFrame]?
    /// The packet's size on the wire in bytes, logged as `raw.length`.
    public var length: Int?
    /// For `recovery:packet_lost`: "reordering_threshold", "time_threshold" or "pto_expired".
    public var trigger: String?

    public init(header: QlogPacketHeader, frames: [QlogFrame]? = nil, length: Int? = nil, trigger: String? = nil) {
        self.header = header
        self.frames = frames
        self.length = length
        self.trigger = trigger
    }

    func writeMembers(to writer: inout QlogJSONWriter) {
        writer.key("header")
        self.header.write(to: &writer)
        if let frames = self.frames {
            writer.key("frames")
            writer.beginArray()
            for frame in frames {
                frame.write(to: &writer)
            }
            writer.endArray()
        }
        if let length = self.length {
            writer.key("raw")
            writer.beginObject()
            writer.key("length")
            writer.integer(length)
            writer.endObject()
        }
        if let trigger = self.trigger {
            writer.key("trigger")
            writer.string(trigger)
        }
    }
}
