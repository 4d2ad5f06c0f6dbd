/// Why a QUIC-LB configuration, server ID or connection ID was refused (draft-ietf-quic-load-balancers-21).
///
/// Configuration errors say which limit of the draft was broken and what to change; decoding errors say why a
/// connection ID is unroutable with this configuration (§4.1).
public enum QUICLBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The config rotation codepoint is not 0 through 6 (§3.1: three bits, 0b111 reserved for unroutable IDs).
    case invalidConfigRotation(UInt8)
    /// The server ID length is outside 1 through 15 octets (§5.1: "at least one octet"; the nonce takes four).
    case invalidServerIDLength(Int)
    /// The nonce length is outside 4 through 18 octets (§5.3: "The nonce length MUST be at least 4 octets").
    case invalidNonceLength(Int)
    /// Server ID and nonce together exceed 19 octets (§5.3: QUIC version 1 limits connection IDs to 20).
    case plaintextTooLong(serverIDLength: Int, nonceLength: Int)
    /// The key is not 16 octets (§5.3: "a 16-octet key"; the encodings use AES-128).
    case invalidKeyLength(Int)
    /// A server ID given as an integer does not fit the octets asked for.
    case serverIDValueTooLarge(UInt64, length: Int)
    /// A server ID or nonce has a different length from the configuration's.
    case lengthMismatch(field: Field, expected: Int, actual: Int)
    /// A connection ID cannot have this length (RFC 9000 §17.2: at most 20 octets; QUIC-LB needs the first one).
    case invalidConnectionIDLength(Int)
    /// The connection ID has a different length from the configuration's (§4.1: "not long enough").
    case connectionIDLength(expected: Int, actual: Int)
    /// The first octet's low five bits do not give the connection ID's length minus one, although the
    /// configuration self-encodes the length (§3.3, §4.1).
    case lengthSelfDescription(expected: Int, actual: Int)
    /// The connection ID's first three bits name another configuration (§3.1).
    case configRotationMismatch(expected: UInt8, actual: UInt8)
    /// The connection ID carries the reserved codepoint 0b111 (§3.2: "always unroutable").
    case unroutable
    /// The AES block function failed.
    case cipherFailure
    /// Two endpoints were given the same server ID (each loop and each machine needs its own).
    case duplicateServerID(QUICLBServerID)

    /// The fields of a QUIC-LB connection ID, for ``lengthMismatch(field:expected:actual:)``.
    public enum Field: String, Hashable, Sendable {
        case serverID = "server ID"
        case nonce
    }

    public var description: String {
        switch self {
        case .invalidConfigRotation(let value):
            return "config rotation \(value) is not 0 through 6 (three bits; 0b111 marks unroutable connection IDs)"
        case .invalidServerIDLength(let length):
            return "server ID length \(length) is not 1 through 15 octets"
        case .invalidNonceLength(let length):
            return "nonce length \(length) is not 4 through 18 octets"
        case .plaintextTooLong(let serverIDLength, let nonceLength):
            return "server ID (\(serverIDLength)) and nonce (\(nonceLength)) total \(serverIDLength + nonceLength) "
                + "octets; at most 19 fit a 20-octet connection ID: shorten the nonce"
        case .invalidKeyLength(let length):
            return "QUIC-LB keys are 16 octets (AES-128), not \(length)"
        case .serverIDValueTooLarge(let value, let length):
            return "server ID \(value) does not fit in \(length) octets"
        case .lengthMismatch(let field, let expected, let actual):
            return "\(field.rawValue) of \(actual) octets where the configuration says \(expected)"
        case .invalidConnectionIDLength(let length):
            return "a QUIC-LB connection ID is 1 to 20 octets, not \(length)"
        case .connectionIDLength(let expected, let actual):
            return "connection ID of \(actual) octets where the configuration makes \(expected)"
        case .lengthSelfDescription(let expected, let actual):
            return "first octet self-encodes length \(actual) where the connection ID has \(expected) octets after it"
        case .configRotationMismatch(let expected, let actual):
            return "connection ID uses config rotation \(actual), not \(expected)"
        case .unroutable:
            return "connection ID carries the unroutable config rotation codepoint 0b111"
        case .cipherFailure:
            return "the AES block function failed"
        case .duplicateServerID(let id):
            return "server ID \(id) is given twice; every loop and every machine needs its own"
        }
    }
}
