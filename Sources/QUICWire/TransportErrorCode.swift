/// A QUIC transport error code (RFC 9000 §20.1), carried in CONNECTION_CLOSE frames of type 0x1c.
///
/// Codes are open-ended on the wire, so this is a struct over the raw value rather than an enum:
/// a peer may send a code this library does not know, and it must still round-trip.
public struct TransportErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    @inlinable
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// RFC 9000 §20.1: the connection is being closed abruptly in the absence of any error.
    public static let noError = TransportErrorCode(rawValue: 0x00)
    /// The endpoint encountered an internal error and cannot continue with the connection.
    public static let internalError = TransportErrorCode(rawValue: 0x01)
    /// The server refused to accept a new connection.
    public static let connectionRefused = TransportErrorCode(rawValue: 0x02)
    /// An endpoint received more data than it permitted in its advertised data limits.
    public static let flowControlError = TransportErrorCode(rawValue: 0x03)
    /// An endpoint received a frame for a stream identifier that exceeded its advertised stream limit.
    public static let streamLimitError = TransportErrorCode(rawValue: 0x04)
    /// An endpoint received a frame for a stream that was not in a state that permitted that frame.
    public static let streamStateError = TransportErrorCode(rawValue: 0x05)
    /// Final size of a stream changed, or data was received beyond a known final size.
    public static let finalSizeError = TransportErrorCode(rawValue: 0x06)
    /// An endpoint received a frame that was badly formatted.
    public static let frameEncodingError = TransportErrorCode(rawValue: 0x07)
    /// Transport parameters were badly formatted, had an invalid value, were absent when mandatory,
    /// were present when forbidden, or were otherwise in error.
    public static let transportParameterError = TransportErrorCode(rawValue: 0x08)
    /// The number of connection IDs provided by the peer exceeds active_connection_id_limit.
    public static let connectionIDLimitError = TransportErrorCode(rawValue: 0x09)
    /// A protocol compliance error not covered by a more specific code.
    public static let protocolViolation = TransportErrorCode(rawValue: 0x0a)
    /// A server received a client Initial that contained an invalid Token field.
    public static let invalidToken = TransportErrorCode(rawValue: 0x0b)
    /// The application or application protocol caused the connection to be closed.
    public static let applicationError = TransportErrorCode(rawValue: 0x0c)
    /// An endpoint received more data in CRYPTO frames than it can buffer.
    public static let cryptoBufferExceeded = TransportErrorCode(rawValue: 0x0d)
    /// An endpoint detected errors in performing key updates.
    public static let keyUpdateError = TransportErrorCode(rawValue: 0x0e)
    /// An endpoint reached the confidentiality or integrity limit for the AEAD algorithm.
    public static let aeadLimitReached = TransportErrorCode(rawValue: 0x0f)
    /// No network path is able to support the connection (RFC 9000 §20.1, 0x10).
    public static let noViablePath = TransportErrorCode(rawValue: 0x10)
    /// RFC 9368 §4: version negotiation failed or was tampered with.
    public static let versionNegotiationError = TransportErrorCode(rawValue: 0x11)

    /// RFC 9000 §20.1: the cryptographic handshake failed; 0x0100 + the TLS alert code.
    @inlinable
    public static func cryptoError(alert: UInt8) -> TransportErrorCode {
        TransportErrorCode(rawValue: 0x100 + UInt64(alert))
    }

    /// The TLS alert carried by a CRYPTO_ERROR code (0x0100-0x01ff), or nil for other codes.
    @inlinable
    public var tlsAlert: UInt8? {
        guard self.rawValue >= 0x100, self.rawValue <= 0x1ff else { return nil }
        return UInt8(truncatingIfNeeded: self.rawValue - 0x100)
    }

    public var name: String {
        if let alert = self.tlsAlert {
            return "CRYPTO_ERROR(alert \(alert))"
        }
        switch self.rawValue {
        case 0x00: return "NO_ERROR"
        case 0x01: return "INTERNAL_ERROR"
        case 0x02: return "CONNECTION_REFUSED"
        case 0x03: return "FLOW_CONTROL_ERROR"
        case 0x04: return "STREAM_LIMIT_ERROR"
        case 0x05: return "STREAM_STATE_ERROR"
        case 0x06: return "FINAL_SIZE_ERROR"
        case 0x07: return "FRAME_ENCODING_ERROR"
        case 0x08: return "TRANSPORT_PARAMETER_ERROR"
        case 0x09: return "CONNECTION_ID_LIMIT_ERROR"
        case 0x0a: return "PROTOCOL_VIOLATION"
        case 0x0b: return "INVALID_TOKEN"
        case 0x0c: return "APPLICATION_ERROR"
        case 0x0d: return "CRYPTO_BUFFER_EXCEEDED"
        case 0x0e: return "KEY_UPDATE_ERROR"
        case 0x0f: return "AEAD_LIMIT_REACHED"
        case 0x10: return "NO_VIABLE_PATH"
        case 0x11: return "VERSION_NEGOTIATION_ERROR"
        case 0x3e: return "APPLICATION_ABANDON_PATH"
        case 0x3e75: return "PATH_RESOURCE_LIMIT_REACHED"
        case 0x3e76: return "PATH_UNSTABLE_OR_POOR"
        case 0x3e77: return "NO_CID_AVAILABLE_FOR_PATH"
        default: return "0x" + String(self.rawValue, radix: 16)
        }
    }

    public var description: String { self.name }
}

/// A connection error in QUIC's own terms: the code and frame type that a CONNECTION_CLOSE frame of
/// type 0x1c will carry, and a reason for people.
///
/// RFC 9000 §19.19: the frame type field identifies the frame that triggered the error; zero (PADDING)
/// when the frame type is unknown.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: TransportErrorCode
    public var frameType: UInt64
    public var reason: String

    public init(_ code: TransportErrorCode, frameType: UInt64 = 0, reason: String = "") {
        self.code = code
        self.frameType = frameType
        self.reason = reason
    }

    public var description: String {
        var text = self.code.name
        if self.frameType != 0 {
            text += " (frame 0x" + String(self.frameType, radix: 16) + ")"
        }
        if !self.reason.isEmpty {
            text += ": " + self.reason
        }
        return text
    }
}
