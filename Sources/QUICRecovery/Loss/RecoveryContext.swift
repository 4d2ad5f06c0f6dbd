/// The connection state that the loss detection timer rules depend on (RFC 9002 A.6, A.8), passed in by
/// the connection with every call that may arm or fire the timer.
public struct RecoveryContext: Hashable, Sendable {
    /// Whether the handshake is confirmed (RFC 9001 §4.1.2). RFC 9002 §6.2.1: "An endpoint MUST NOT set
    /// its PTO timer for the Application Data packet number space until the handshake is confirmed."
    /// Also caps the ACK delay at max_ack_delay (RFC 9002 §5.3).
    public var isHandshakeConfirmed: Bool
    /// Whether Handshake keys are available: the anti-deadlock probe then goes in a Handshake packet
    /// rather than a padded Initial one (RFC 9002 A.9).
    public var hasHandshakeKeys: Bool
    /// RFC 9002 A.6 PeerCompletedAddressValidation: always true at a server; at a client, whether it has
    /// received an acknowledgment of a Handshake packet or the handshake is confirmed.
    public var peerCompletedAddressValidation: Bool
    /// Whether a server cannot send because of the anti-amplification limit (RFC 9000 §8.1). RFC 9002
    /// A.8: "The server's timer is not set if nothing can be sent."
    public var isAtAntiAmplificationLimit: Bool

    @inlinable
    public init(isHandshakeConfirmed: Bool, hasHandshakeKeys: Bool, peerCompletedAddressValidation: Bool,
                isAtAntiAmplificationLimit: Bool = false) {
        self.isHandshakeConfirmed = isHandshakeConfirmed
        self.hasHandshakeKeys = hasHandshakeKeys
        self.peerCompletedAddressValidation = peerCompletedAddressValidation
        self.isAtAntiAmplificationLimit = isAtAntiAmplificationLimit
    }

    /// After the handshake: confirmed, keys present, the peer's address validation done, no limit.
    public static let handshakeConfirmed = RecoveryContext(isHandshakeConfirmed: true, hasHandshakeKeys: true,
                                                           peerCompletedAddressValidation: true)
}
