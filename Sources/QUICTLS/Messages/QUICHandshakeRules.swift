import QUICWire

/// Rules RFC 9001 adds to TLS messages whose violation is a QUIC error rather than a TLS alert.
public enum QUICHandshakeRules {
    /// Checks a decoded message against the QUIC-specific rules.
    ///
    /// - RFC 9001 §8.4: "A server SHOULD treat the receipt of a TLS ClientHello with a non-empty
    ///   legacy_session_id field as a connection error of type PROTOCOL_VIOLATION." A ServerHello or
    ///   HelloRetryRequest echoing a non-empty one is refused for the same reason.
    /// - RFC 9001 §4.6.1: "A client MUST treat receipt of a NewSessionTicket that contains an early_data
    ///   extension with any other value [than 0xffffffff] as a connection error of type
    ///   PROTOCOL_VIOLATION."
    ///
    /// - Throws: ``TransportError`` with PROTOCOL_VIOLATION and frame type CRYPTO.
    public static func check(_ message: HandshakeMessage) throws(TransportError) {
        switch message {
        case .clientHello(let hello):
            guard hello.legacySessionID.isEmpty else {
                throw self.violation("ClientHello with a non-empty legacy_session_id (RFC 9001 §8.4)")
            }
        case .serverHello(let hello):
            guard hello.legacySessionIDEcho.isEmpty else {
                throw self.violation("ServerHello with a non-empty legacy_session_id_echo (RFC 9001 §8.4)")
            }
        case .helloRetryRequest(let hello):
            guard hello.legacySessionIDEcho.isEmpty else {
                throw self.violation("HelloRetryRequest with a non-empty legacy_session_id_echo (RFC 9001 §8.4)")
            }
        case .newSessionTicket(let ticket):
            if let size = ticket.maxEarlyDataSize, size != TLSExtension.quicMaxEarlyDataSize {
                throw self.violation("max_early_data_size \(size) is not 0xffffffff (RFC 9001 §4.6.1)")
            }
        default:
            break
        }
    }

    private static func violation(_ reason: String) -> TransportError {
        TransportError(.protocolViolation, frameType: 0x06, reason: reason)
    }
}
