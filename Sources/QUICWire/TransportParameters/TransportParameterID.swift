/// Transport parameter identifiers: RFC 9000 §18.2, RFC 9221 §3, RFC 9368 §3, RFC 9287 §3,
/// draft-ietf-quic-ack-frequency §3 and draft-ietf-quic-multipath-21 §2.1.
public enum TransportParameterID {
    public static let originalDestinationConnectionID: UInt64 = 0x00
    public static let maxIdleTimeout: UInt64 = 0x01
    public static let statelessResetToken: UInt64 = 0x02
    public static let maxUDPPayloadSize: UInt64 = 0x03
    public static let initialMaxData: UInt64 = 0x04
    public static let initialMaxStreamDataBidiLocal: UInt64 = 0x05
    public static let initialMaxStreamDataBidiRemote: UInt64 = 0x06
    public static let initialMaxStreamDataUni: UInt64 = 0x07
    public static let initialMaxStreamsBidi: UInt64 = 0x08
    public static let initialMaxStreamsUni: UInt64 = 0x09
    public static let ackDelayExponent: UInt64 = 0x0a
    public static let maxAckDelay: UInt64 = 0x0b
    public static let disableActiveMigration: UInt64 = 0x0c
    public static let preferredAddress: UInt64 = 0x0d
    public static let activeConnectionIDLimit: UInt64 = 0x0e
    public static let initialSourceConnectionID: UInt64 = 0x0f
    public static let retrySourceConnectionID: UInt64 = 0x10
    public static let versionInformation: UInt64 = 0x11
    public static let maxDatagramFrameSize: UInt64 = 0x20
    public static let greaseQUICBit: UInt64 = 0x2ab2
    public static let initialMaxPathID: UInt64 = 0x3e
    public static let minAckDelay: UInt64 = 0xff04de1b

    /// RFC 9000 §18.1: "Transport parameters with an identifier of the form 31 * N + 27 for integer values
    /// of N are reserved to exercise the requirement that unknown transport parameters be ignored."
    @inlinable
    public static func isGrease(_ id: UInt64) -> Bool {
        id >= 27 && (id - 27) % 31 == 0
    }

    /// RFC 9000 §18.2: parameters only a server may send.
    @inlinable
    public static func isServerOnly(_ id: UInt64) -> Bool {
        id == originalDestinationConnectionID || id == statelessResetToken || id == preferredAddress
            || id == retrySourceConnectionID
    }

    /// A bit for each known parameter, for duplicate detection without allocation.
    @inlinable
    static func bit(for id: UInt64) -> UInt32? {
        switch id {
        case 0x00...0x11: return UInt32(1) << UInt32(id)
        case maxDatagramFrameSize: return 1 << 18
        case greaseQUICBit: return 1 << 19
        case initialMaxPathID: return 1 << 20
        case minAckDelay: return 1 << 21
        default: return nil
        }
    }
}
