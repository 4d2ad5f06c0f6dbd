/// The ECN field of the IP header (RFC 3168 §5), as carried on a datagram.
public enum ECNCodepoint: UInt8, CaseIterable, Hashable, Sendable {
    /// Not ECN-Capable Transport (00).
    case notECT = 0b00
    /// ECN Capable Transport, ECT(1) (01).
    case ect1 = 0b01
    /// ECN Capable Transport, ECT(0) (10).
    case ect0 = 0b10
    /// Congestion Experienced (11).
    case ce = 0b11
}
