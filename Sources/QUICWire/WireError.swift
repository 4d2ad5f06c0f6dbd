/// The error every decoder in QUICWire throws.
///
/// Decoding never traps: truncated, overlong, out-of-range, non-minimal and unknown input all end up
/// here. Each error knows the transport error code (RFC 9000 §20.1) that a connection closes with
/// when the bad bytes came from its peer, so the engine can turn it into a CONNECTION_CLOSE directly.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, in categories a caller can switch over.
    public enum Kind: Hashable, Sendable {
        /// The input ended before the encoding did.
        case truncated
        /// A length or count says more than the enclosing structure holds.
        case overlong
        /// A value is outside the range the protocol permits.
        case outOfRange
        /// A frame type was not encoded in the shortest form (RFC 9000 §12.4).
        case nonMinimal
        /// A frame type, packet type, or other codepoint that this library does not know.
        case unknownType
        /// A value is well formed but not allowed in this place (for example a frame in the wrong
        /// packet type).
        case notPermitted
        /// The same item appears twice where it may appear only once.
        case duplicate
        /// Structurally invalid in some other way.
        case malformed
    }

    public var kind: Kind
    /// The code a connection is closed with when a peer sent this.
    public var code: TransportErrorCode
    /// The frame type being decoded, when there was one.
    public var frameType: UInt64?
    /// A short explanation for logs and for the reason phrase of CONNECTION_CLOSE.
    public var reason: String

    @inlinable
    public init(_ kind: Kind, code: TransportErrorCode = .frameEncodingError, frameType: UInt64? = nil,
                reason: String) {
        self.kind = kind
        self.code = code
        self.frameType = frameType
        self.reason = reason
    }

    /// The input ended early.
    public static let truncated = WireError(.truncated, reason: "input ended before the encoding did")

    /// This error as the transport error a connection closes with.
    public var transportError: TransportError {
        TransportError(self.code, frameType: self.frameType ?? 0, reason: self.reason)
    }

    /// The same error, attributed to a frame type.
    @inlinable
    public func inFrame(_ type: UInt64) -> WireError {
        var copy = self
        copy.frameType = type
        return copy
    }

    /// The same error with another transport error code (for example TRANSPORT_PARAMETER_ERROR when
    /// the bytes were a transport parameter).
    @inlinable
    public func withCode(_ code: TransportErrorCode) -> WireError {
        var copy = self
        copy.code = code
        return copy
    }

    public var description: String {
        var text = "\(self.code.name): \(self.reason)"
        if let type = self.frameType {
            text += " (frame type 0x" + String(type, radix: 16) + ")"
        }
        return text
    }
}
