import QUICWire

/// NewSessionTicket (RFC 8446 §4.6.1).
///
/// ```
/// struct {
///     uint32 ticket_lifetime;
///     uint32 ticket_age_add;
///     opaque ticket_nonce<0..255>;
///     opaque ticket<1..2^16-1>;
///     Extension extensions<0..2^16-2>;
/// } NewSessionTicket;
/// ```
public struct NewSessionTicket: HandshakeMessageBody {
    public static let handshakeType = HandshakeType.newSessionTicket

    /// Seconds; RFC 8446 §4.6.1: at most 604800 (seven days).
    public var ticketLifetime: UInt32
    public var ticketAgeAdd: UInt32
    public var ticketNonce: [UInt8]
    public var ticket: [UInt8]
    /// RFC 9001 §4.6.1: early_data, when present, carries max_early_data_size 0xffffffff.
    public var extensions: [TLSExtension]

    public init(
        ticketLifetime: UInt32, ticketAgeAdd: UInt32, ticketNonce: [UInt8], ticket: [UInt8],
        extensions: [TLSExtension] = []
    ) {
        self.ticketLifetime = ticketLifetime
        self.ticketAgeAdd = ticketAgeAdd
        self.ticketNonce = ticketNonce
        self.ticket = ticket
        self.extensions = extensions
    }

    public init(body: ArraySlice<UInt8>) throws(TLSAlert) {
        var reader = TLSReader(body)
        self.ticketLifetime = try reader.readUInt32("ticket_lifetime")
        self.ticketAgeAdd = try reader.readUInt32("ticket_age_add")
        self.ticketNonce = Array(try reader.readVector(lengthBytes: 1, min: 0, max: 255, "ticket_nonce"))
        self.ticket = Array(try reader.readVector(lengthBytes: 2, min: 1, max: 0xffff, "ticket"))
        self.extensions = try TLSExtensionBlock.decode(
            from: &reader, minLength: 0, maxLength: 0xfffe, context: .newSessionTicket)
        try reader.expectEnd("NewSessionTicket")
    }

    public func encodeBody(to writer: inout ByteWriter) {
        writer.writeUInt32(self.ticketLifetime)
        writer.writeUInt32(self.ticketAgeAdd)
        writer.writeTLSVector(self.ticketNonce, lengthBytes: 1)
        writer.writeTLSVector(self.ticket, lengthBytes: 2)
        TLSExtensionBlock.encode(self.extensions, to: &writer)
    }

    /// The max_early_data_size the server allows with this ticket, if it allows 0-RTT.
    public var maxEarlyDataSize: UInt32? {
        if case .maxEarlyDataSize(let size) = self.extensions.first(ofType: .earlyData) { return size }
        return nil
    }
}
