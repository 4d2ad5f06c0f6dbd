import QUICWire

/// A fatal TLS alert (RFC 8446 §6), the error every TLS decoder and handshake step in QUICTLS throws.
///
/// QUIC carries no TLS alert records: RFC 9001 §4.8 turns a fatal alert into a connection error of type
/// CRYPTO_ERROR, 0x0100 plus the alert description, sent in a CONNECTION_CLOSE frame. ``transportError``
/// gives exactly that.
public struct TLSAlert: Error, Hashable, Sendable, CustomStringConvertible {
    /// The AlertDescription codepoint (RFC 8446 §6). A struct rather than an enum so that a peer's alert
    /// code that this library does not know still round-trips.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: UInt8

        @inlinable
        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        public static let closeNotify = Code(rawValue: 0)
        public static let unexpectedMessage = Code(rawValue: 10)
        public static let badRecordMAC = Code(rawValue: 20)
        public static let recordOverflow = Code(rawValue: 22)
        public static let handshakeFailure = Code(rawValue: 40)
        public static let badCertificate = Code(rawValue: 42)
        public static let unsupportedCertificate = Code(rawValue: 43)
        public static let certificateRevoked = Code(rawValue: 44)
        public static let certificateExpired = Code(rawValue: 45)
        public static let certificateUnknown = Code(rawValue: 46)
        public static let illegalParameter = Code(rawValue: 47)
        public static let unknownCA = Code(rawValue: 48)
        public static let accessDenied = Code(rawValue: 49)
        public static let decodeError = Code(rawValue: 50)
        public static let decryptError = Code(rawValue: 51)
        public static let protocolVersion = Code(rawValue: 70)
        public static let insufficientSecurity = Code(rawValue: 71)
        public static let internalError = Code(rawValue: 80)
        public static let inappropriateFallback = Code(rawValue: 86)
        public static let userCanceled = Code(rawValue: 90)
        public static let missingExtension = Code(rawValue: 109)
        public static let unsupportedExtension = Code(rawValue: 110)
        public static let unrecognizedName = Code(rawValue: 112)
        public static let badCertificateStatusResponse = Code(rawValue: 113)
        public static let unknownPSKIdentity = Code(rawValue: 115)
        public static let certificateRequired = Code(rawValue: 116)
        public static let noApplicationProtocol = Code(rawValue: 120)

        /// The name RFC 8446 §6 gives the code.
        public var name: String {
            switch self.rawValue {
            case 0: return "close_notify"
            case 10: return "unexpected_message"
            case 20: return "bad_record_mac"
            case 22: return "record_overflow"
            case 40: return "handshake_failure"
            case 42: return "bad_certificate"
            case 43: return "unsupported_certificate"
            case 44: return "certificate_revoked"
            case 45: return "certificate_expired"
            case 46: return "certificate_unknown"
            case 47: return "illegal_parameter"
            case 48: return "unknown_ca"
            case 49: return "access_denied"
            case 50: return "decode_error"
            case 51: return "decrypt_error"
            case 70: return "protocol_version"
            case 71: return "insufficient_security"
            case 80: return "internal_error"
            case 86: return "inappropriate_fallback"
            case 90: return "user_canceled"
            case 109: return "missing_extension"
            case 110: return "unsupported_extension"
            case 112: return "unrecognized_name"
            case 113: return "bad_certificate_status_response"
            case 115: return "unknown_psk_identity"
            case 116: return "certificate_required"
            case 120: return "no_application_protocol"
            default: return "alert(\(self.rawValue))"
            }
        }

        public var description: String { self.name }
    }

    /// Which alert.
    public var code: Code
    /// A short explanation for logs and for the reason phrase of CONNECTION_CLOSE.
    public var reason: String

    @inlinable
    public init(_ code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// RFC 9001 §4.8: the QUIC error code for this alert, CRYPTO_ERROR (0x0100 + alert).
    public var transportErrorCode: TransportErrorCode {
        TransportErrorCode.cryptoError(alert: self.code.rawValue)
    }

    /// This alert as the connection error a QUIC endpoint closes with. The frame type is CRYPTO (0x06),
    /// since the bytes that caused it arrived in CRYPTO frames.
    public var transportError: TransportError {
        TransportError(self.transportErrorCode, frameType: 0x06, reason: self.reason)
    }

    public var description: String { "\(self.code.name): \(self.reason)" }

    /// RFC 8446 §6: a message could not be decoded (a length out of range, a truncated or overlong field).
    @inlinable
    public static func decodeError(_ reason: String) -> TLSAlert {
        TLSAlert(.decodeError, reason: reason)
    }

    /// RFC 8446 §6: a field was well formed but its value is not allowed.
    @inlinable
    public static func illegalParameter(_ reason: String) -> TLSAlert {
        TLSAlert(.illegalParameter, reason: reason)
    }

    /// RFC 8446 §6: a message arrived that is not allowed here.
    @inlinable
    public static func unexpectedMessage(_ reason: String) -> TLSAlert {
        TLSAlert(.unexpectedMessage, reason: reason)
    }
}
