/// The three counters of an ACK frame's ECN section (RFC 9000 §19.3.2), per packet number space.
public struct ECNCounts: Hashable, Sendable {
    /// "The total number of packets received with the ECT(0) codepoint in the packet number space".
    public var ect0: UInt64
    /// "The total number of packets received with the ECT(1) codepoint in the packet number space".
    public var ect1: UInt64
    /// "The total number of packets received with the ECN-CE codepoint in the packet number space".
    public var ce: UInt64

    @inlinable
    public init(ect0: UInt64 = 0, ect1: UInt64 = 0, ce: UInt64 = 0) {
        self.ect0 = ect0
        self.ect1 = ect1
        self.ce = ce
    }

    public static let zero = ECNCounts()
}
