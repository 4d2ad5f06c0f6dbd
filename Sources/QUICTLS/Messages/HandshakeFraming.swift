import QUICWire

/// One complete handshake message as it travelled: the 4-byte header (msg_type, uint24 length) and
/// the body (RFC 8446 §4).
///
/// The transcript hash (RFC 8446 §4.4.1) covers exactly these bytes, so they are kept as received
/// rather than re-encoded from the decoded value.
public struct RawHandshakeMessage: Hashable, Sendable {
    /// The header length: msg_type (1 byte) and length (uint24).
    public static let headerLength = 4
    /// The largest body a uint24 length can describe.
    public static let maxBodyLength = (1 << 24) - 1

    /// The whole message, header included.
    public let bytes: [UInt8]

    /// Wraps one framed message.
    ///
    /// - Throws: decode_error unless `bytes` is exactly one message (header length matches the body).
    public init(bytes: [UInt8]) throws(TLSAlert) {
        var reader = TLSReader(bytes)
        _ = try reader.readUInt8("msg_type")
        _ = try reader.readVector(lengthBytes: 3, min: 0, max: Self.maxBodyLength, "handshake body")
        try reader.expectEnd("handshake message")
        self.bytes = bytes
    }

    /// Builds the message from its type and body.
    ///
    /// - Precondition: the body is shorter than 2^24 bytes.
    public init(type: HandshakeType, body: some Collection<UInt8>) {
        var writer = ByteWriter(capacity: body.count + Self.headerLength)
        writer.writeUInt8(type.rawValue)
        writer.writeTLSVector(body, lengthBytes: 3)
        self.bytes = writer.bytes
    }

    /// Already-validated bytes (used by the reassembler, which has parsed the header).
    internal init(validatedBytes: [UInt8]) {
        self.bytes = validatedBytes
    }

    /// The msg_type.
    public var type: HandshakeType {
        HandshakeType(rawValue: self.bytes.first ?? 0)
    }

    /// The body, after the 4-byte header.
    public var body: ArraySlice<UInt8> {
        self.bytes.dropFirst(Self.headerLength)
    }
}

/// A handshake message body type: something that knows its msg_type and encodes its body.
public protocol HandshakeMessageBody: Hashable, Sendable {
    /// The msg_type this body travels under.
    static var handshakeType: HandshakeType { get }
    /// Appends the body (without the 4-byte header).
    func encodeBody(to writer: inout ByteWriter)
}

extension HandshakeMessageBody {
    /// The complete message, header included: the bytes that go into CRYPTO frames and the transcript.
    public func encodedMessage() -> RawHandshakeMessage {
        var writer = ByteWriter(capacity: 256)
        writer.writeUInt8(Self.handshakeType.rawValue)
        writer.writeTLSVector(lengthBytes: 3) { body in
            self.encodeBody(to: &body)
        }
        return RawHandshakeMessage(validatedBytes: writer.bytes)
    }

    /// The complete message bytes, header included.
    public func encoded() -> [UInt8] {
        self.encodedMessage().bytes
    }
}
