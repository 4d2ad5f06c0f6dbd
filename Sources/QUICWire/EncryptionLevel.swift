/// The four kinds of packet protection a frame can travel under (RFC 9001 §4): the rows of RFC 9000
/// Table 3 in which a frame may appear.
public enum EncryptionLevel: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case initial
    case zeroRTT
    case handshake
    case oneRTT

    public var description: String {
        switch self {
        case .initial: return "Initial"
        case .zeroRTT: return "0-RTT"
        case .handshake: return "Handshake"
        case .oneRTT: return "1-RTT"
        }
    }
}
