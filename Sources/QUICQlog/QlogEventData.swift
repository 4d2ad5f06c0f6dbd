import QUICWire

/// qlog `Owner` (-03 §8.3): whose settings a `transport:parameters_set` event describes.
public enum QlogOwner: String, Hashable, Sendable {
    case local
    case remote
}

/// The typed `data` of a qlog event; each case fixes the event's `name` (category:event, -03 §3).
public enum QlogEventData: Hashable, Sendable {
    /// `connectivity:connection_started` (-03 §4.2).
    case connectionStarted(ipVersion: String?, sourceIP: String, destinationIP: String, sourcePort: UInt16?,
                           destinationPort: UInt16?, sourceCID: ConnectionID?, destinationCID: ConnectionID?)
    /// `connectivity:connection_state_updated` (-03 §4.6), e.g. "handshake_complete", "closed".
    case connectionStateUpdated(old: String?, new: String)
    /// `transport:parameters_set` (-03 §5.3); `parameters` are named as in the draft, e.g.
    /// "initial_max_data", "max_idle_timeout".
    case parametersSet(owner: QlogOwner, parameters: [QlogField])
    /// `transport:packet_sent` (-03 §5.5).
    case packetSent(QlogPacket)
    /// `transport:packet_received` (-03 §5.6).
    case packetReceived(QlogPacket)
    /// `transport:datagrams_sent` (-03 §5.10): one UDP payload length per datagram.
    case datagramsSent(lengths: [Int])
    /// `transport:datagrams_received` (-03 §5.11).
    case datagramsReceived(lengths: [Int])
    /// `security:key_updated` (-03 §6.1). The secrets themselves are not logged (see the module notes).
    case keyUpdated(keyType: String, generation: UInt32?, trigger: String?)
    /// `recovery:metrics_updated` (-03 §7.2).
    case metricsUpdated(QlogRecoveryMetrics)
    /// `recovery:congestion_state_updated` (-03 §7.3), e.g. "slow_start", "congestion_avoidance", "recovery".
    case congestionStateUpdated(old: String?, new: String, trigger: String?)
    /// `recovery:packet_lost` (-03 §7.5).
    case packetLost(QlogPacket)
    /// Any other event: its full "category:event" name and its data members.
    case custom(name: String, fields: [QlogField])

    /// The event's qlog `name`.
    public var name: String {
        switch self {
        case .connectionStarted: "connectivity:connection_started"
        case .connectionStateUpdated: "connectivity:connection_state_updated"
        case .parametersSet: "transport:parameters_set"
        case .packetSent: "transport:packet_sent"
        case .packetReceived: "transport:packet_received"
        case .datagramsSent: "transport:datagrams_sent"
        case .datagramsReceived: "transport:datagrams_received"
        case .keyUpdated: "security:key_updated"
        case .metricsUpdated: "recovery:metrics_updated"
        case .congestionStateUpdated: "recovery:congestion_state_updated"
        case .packetLost: "recovery:packet_lost"
        case .custom(let name, _): name
        }
    }

    /// Writes the `data` object.
    public func write(to writer: inout QlogJSONWriter) {
        writer.beginObject()
        switch self {
        case .connectionStarted(let ipVersion, let sourceIP, let destinationIP, let sourcePort, let destinationPort,
                                let sourceCID, let destinationCID):
            Self.optional("ip_version", ipVersion.map(QlogValue.string), to: &writer)
            Self.member("src_ip", .string(sourceIP), to: &writer)
            Self.member("dst_ip", .string(destinationIP), to: &writer)
            Self.member("protocol", .string("QUIC"), to: &writer)
            Self.optional("src_port", sourcePort.map { .unsigned(UInt64($0)) }, to: &writer)
            Self.optional("dst_port", destinationPort.map { .unsigned(UInt64($0)) }, to: &writer)
            Self.optional("src_cid", sourceCID.map(QlogValue.connectionID), to: &writer)
            Self.optional("dst_cid", destinationCID.map(QlogValue.connectionID), to: &writer)
        case .connectionStateUpdated(let old, let new), .congestionStateUpdated(let old, let new, nil):
            Self.optional("old", old.map(QlogValue.string), to: &writer)
            Self.member("new", .string(new), to: &writer)
        case .congestionStateUpdated(let old, let new, let trigger?):
            Self.optional("old", old.map(QlogValue.string), to: &writer)
            Self.member("new", .string(new), to: &writer)
            Self.member("trigger", .string(trigger), to: &writer)
        case .parametersSet(let owner, let parameters):
            Self.member("owner", .string(owner.rawValue), to: &writer)
            for parameter in parameters {
                parameter.write(to: &writer)
            }
        case .packetSent(let packet), .packetReceived(let packet), .packetLost(let packet):
            packet.writeMembers(to: &writer)
        case .datagramsSent(let lengths), .datagramsReceived(let lengths):
            Self.member("count", .signed(Int64(lengths.count)), to: &writer)
            Self.member("raw", .array(lengths.map { .object([QlogField("length", .signed(Int64($0)))]) }),
                        to: &writer)
        case .keyUpdated(let keyType, let generation, let trigger):
            Self.member("key_type", .string(keyType), to: &writer)
            Self.optional("generation", generation.map { .unsigned(UInt64($0)) }, to: &writer)
            Self.optional("trigger", trigger.map(QlogValue.string), to: &writer)
        case .metricsUpdated(let metrics):
            metrics.writeMembers(to: &writer)
        case .custom(_, let fields):
            for field in fields {
                field.write(to: &writer)
            }
        }
        writer.endObject()
    }

    private static func member(_ name: String, _ value: QlogValue, to writer: inout QlogJSONWriter) {
        writer.key(name)
        value.write(to: &writer)
    }

    private static func optional(_ name: String, _ value: QlogValue?, to writer: inout QlogJSONWriter) {
        if let value {
            self.member(name, value, to: &writer)
        }
    }
}
