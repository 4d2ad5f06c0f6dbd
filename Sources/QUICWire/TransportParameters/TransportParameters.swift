/// The transport parameters an endpoint declares in the TLS handshake (RFC 9000 §7.4, §18), with the
/// defaults of RFC 9000 §18.2 for those absent, plus the extensions this library speaks: DATAGRAM
/// (RFC 9221), version information (RFC 9368), greasing the QUIC bit (RFC 9287), ack frequency
/// (draft-ietf-quic-ack-frequency) and multipath (draft-ietf-quic-multipath-21).
///
/// Time values keep the units of the wire: milliseconds for max_idle_timeout and max_ack_delay,
/// microseconds for min_ack_delay.
public struct TransportParameters: Hashable, Sendable {
    public var originalDestinationConnectionID: ConnectionID?
    /// Milliseconds; 0 means no idle timeout from this side.
    public var maxIdleTimeout: UInt64 = 0
    public var statelessResetToken: StatelessResetToken?
    /// RFC 9000 §18.2: default 65527; "Values below 1200 are invalid."
    public var maxUDPPayloadSize: UInt64 = 65_527
    public var initialMaxData: UInt64 = 0
    public var initialMaxStreamDataBidiLocal: UInt64 = 0
    public var initialMaxStreamDataBidiRemote: UInt64 = 0
    public var initialMaxStreamDataUni: UInt64 = 0
    public var initialMaxStreamsBidi: UInt64 = 0
    public var initialMaxStreamsUni: UInt64 = 0
    /// RFC 9000 §18.2: default 3; "Values above 20 are invalid."
    public var ackDelayExponent: UInt64 = 3
    /// Milliseconds. RFC 9000 §18.2: default 25; "Values of 2^14 or greater are invalid."
    public var maxAckDelay: UInt64 = 25
    public var disableActiveMigration = false
    public var preferredAddress: PreferredAddress?
    /// RFC 9000 §18.2: default 2; "The value of the active_connection_id_limit parameter MUST be at least 2."
    public var activeConnectionIDLimit: UInt64 = 2
    public var initialSourceConnectionID: ConnectionID?
    public var retrySourceConnectionID: ConnectionID?
    /// RFC 9368: the chosen and available versions.
    public var versionInformation: VersionInformation?
    /// RFC 9221 §3: present (even 0) means DATAGRAM frames are accepted up to this size.
    public var maxDatagramFrameSize: UInt64?
    /// RFC 9287: the sender accepts packets with the fixed bit cleared.
    public var greaseQUICBit = false
    /// Microseconds; draft-ietf-quic-ack-frequency. Present means ACK_FREQUENCY frames are accepted.
    public var minAckDelay: UInt64?
    /// draft-ietf-quic-multipath-21: present means multipath is offered, with path IDs up to this value.
    public var initialMaxPathID: PathID?
    /// Parameters this library does not know (grease among them), kept for logs; ignored otherwise.
    public var unknownParameters: [UnknownTransportParameter] = []

    public init() {}

    /// RFC 9000 §18.2's value limits.
    public static let maximumStreamCount: UInt64 = 1 << 60
}

/// A transport parameter with an identifier this library does not know.
public struct UnknownTransportParameter: Hashable, Sendable {
    public var id: UInt64
    public var value: [UInt8]

    public init(id: UInt64, value: [UInt8]) {
        self.id = id
        self.value = value
    }

    /// A reserved parameter with a random identifier of the form 31 * N + 27 and a random value of up to
    /// 16 bytes (RFC 9000 §18.1), to check that peers ignore what they do not know.
    public static func grease(using random: inout some RandomNumberGenerator) -> UnknownTransportParameter {
        let n = UInt64.random(in: 0...((VarInt.max - 27) / 31), using: &random)
        let length = Int.random(in: 0...16, using: &random)
        return UnknownTransportParameter(id: 31 * n + 27, value: (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
    }
}
