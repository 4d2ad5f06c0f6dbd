/// A node's behaviour in the simulation: the sans-IO shape the QUIC endpoint has (ARCHITECTURE.md §4).
///
/// The network calls the inputs with the current virtual time and then polls the outputs in this order:
/// ``pollTransmit(now:)`` until it returns `nil`, then ``nextTimeout``. An endpoint never reads a clock.
public protocol SimulatedEndpoint: AnyObject {
    /// A datagram arrived. `datagram.source` is the address the endpoint observes (after any NAT) and
    /// `datagram.destination` is the local address it arrived on.
    func receive(_ datagram: SimDatagram, now: SimInstant)

    /// The next datagram to send, if any, with `source` set to one of the endpoint's addresses.
    func pollTransmit(now: SimInstant) -> SimDatagram?

    /// When the endpoint next wants ``handleTimeout(now:)`` to be called, or `nil` for never.
    var nextTimeout: SimInstant? { get }

    /// The time from ``nextTimeout`` has come.
    func handleTimeout(now: SimInstant)

    /// The node's set of local addresses changed (a scheduled address change).
    func addressesChanged(_ addresses: [SimAddress], now: SimInstant)
}

extension SimulatedEndpoint {
    public func addressesChanged(_ addresses: [SimAddress], now: SimInstant) {}
}

/// Identifies a node in a ``SimNetwork``.
public struct SimNodeID: Hashable, Sendable, CustomStringConvertible {
    public let index: Int

    init(index: Int) {
        self.index = index
    }

    public var description: String {
        "node\(self.index)"
    }
}
