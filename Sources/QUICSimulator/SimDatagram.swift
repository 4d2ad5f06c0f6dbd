/// The ECN codepoint carried in a datagram's IP header (RFC 3168 §5).
public enum SimECN: UInt8, Hashable, Sendable {
    case notECT = 0b00
    case ect1 = 0b01
    case ect0 = 0b10
    case ce = 0b11

    /// Whether the sender marked the datagram ECN-capable (so a router may mark it CE instead of dropping).
    @inlinable
    public var isECNCapable: Bool {
        self != .notECT
    }
}

/// A UDP datagram travelling through the simulated network.
///
/// An endpoint fills in `source` (one of its own addresses) and `destination` when it transmits; on
/// delivery `source` is the address the receiver observes, which differs from the sender's own address
/// when a NAT on the path rewrote it.
public struct SimDatagram: Hashable, Sendable {
    public var source: SimAddress
    public var destination: SimAddress
    public var ecn: SimECN
    public var payload: [UInt8]

    @inlinable
    public init(source: SimAddress, destination: SimAddress, ecn: SimECN = .notECT, payload: [UInt8]) {
        self.source = source
        self.destination = destination
        self.ecn = ecn
        self.payload = payload
    }

    /// The UDP payload size in bytes; links count, queue and check the MTU against this size.
    @inlinable
    public var size: Int {
        self.payload.count
    }
}
