/// The msg_type of a handshake message (RFC 8446 §4).
public struct HandshakeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let clientHello = HandshakeType(rawValue: 1)
    /// Also the type of HelloRetryRequest, which is a ServerHello with a special random (RFC 8446 §4.1.3).
    public static let serverHello = HandshakeType(rawValue: 2)
    public static let newSessionTicket = HandshakeType(rawValue: 4)
    /// RFC 9001 §8.3: not used with QUIC.
    public static let endOfEarlyData = HandshakeType(rawValue: 5)
    public static let encryptedExtensions = HandshakeType(rawValue: 8)
    public static let certificate = HandshakeType(rawValue: 11)
    public static let certificateRequest = HandshakeType(rawValue: 13)
    public static let certificateVerify = HandshakeType(rawValue: 15)
    public static let finished = HandshakeType(rawValue: 20)
    /// RFC 9001 §6: not used with QUIC; QUIC updates keys with the Key Phase bit.
    public static let keyUpdate = HandshakeType(rawValue: 24)
    /// RFC 8446 §4.4.1: the synthetic message that replaces ClientHello1 in the transcript after a
    /// HelloRetryRequest. Never sent.
    public static let messageHash = HandshakeType(rawValue: 254)

    public var description: String {
        switch self.rawValue {
        case 1: return "ClientHello"
        case 2: return "ServerHello"
        case 4: return "NewSessionTicket"
        case 5: return "EndOfEarlyData"
        case 8: return "EncryptedExtensions"
        case 11: return "Certificate"
        case 13: return "CertificateRequest"
        case 15: return "CertificateVerify"
        case 20: return "Finished"
        case 24: return "KeyUpdate"
        case 254: return "message_hash"
        default: return "handshake type \(self.rawValue)"
        }
    }
}
