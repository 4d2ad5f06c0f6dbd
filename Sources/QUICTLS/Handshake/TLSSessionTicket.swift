import Crypto
import QUICWire

/// What a client keeps from a NewSessionTicket to resume later (RFC 8446 §4.6.1).
public struct TLSSessionTicket: Hashable, Sendable {
    /// The opaque ticket: the identity offered in pre_shared_key.
    public var ticket: [UInt8]
    /// HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
    public var resumptionPSK: [UInt8]
    /// The suite of the connection that issued the ticket; the PSK may only be used with its hash.
    public var cipherSuite: CipherSuite
    public var ticketAgeAdd: UInt32
    /// Seconds.
    public var lifetime: UInt32
    /// When the ticket arrived, on the caller's millisecond clock.
    public var receivedAtMilliseconds: UInt64
    /// Present when the server allows 0-RTT with this ticket.
    public var maxEarlyDataSize: UInt32?
    /// The ALPN of the issuing connection: 0-RTT may only use the same one (RFC 8446 §4.2.10).
    public var alpn: [UInt8]
    /// The server's transport parameters, which RFC 9001 §7.4.1 says to remember for 0-RTT.
    public var peerTransportParameters: [UInt8]

    public init(
        ticket: [UInt8], resumptionPSK: [UInt8], cipherSuite: CipherSuite, ticketAgeAdd: UInt32, lifetime: UInt32,
        receivedAtMilliseconds: UInt64, maxEarlyDataSize: UInt32?, alpn: [UInt8], peerTransportParameters: [UInt8]
    ) {
        self.ticket = ticket
        self.resumptionPSK = resumptionPSK
        self.cipherSuite = cipherSuite
        self.ticketAgeAdd = ticketAgeAdd
        self.lifetime = lifetime
        self.receivedAtMilliseconds = receivedAtMilliseconds
        self.maxEarlyDataSize = maxEarlyDataSize
        self.alpn = alpn
        self.peerTransportParameters = peerTransportParameters
    }
}

/// The resumption state a server seals into the ticket it hands out, so that it keeps no per-ticket state.
///
/// Layout before sealing: version (1), cipher suite (2), PSK (1-byte length), ticket_age_add (4),
/// issued-at milliseconds (8), lifetime seconds (4), early data allowed (1), ALPN (1-byte length), early data
/// context (2-byte length). Sealed
/// with AES-GCM under the server's ticket key: 12-byte nonce, ciphertext, 16-byte tag.
struct SealedTicketState: Hashable, Sendable {
    static let version: UInt8 = 1
    private static let associatedData: [UInt8] = Array("swift-mpquic ticket".utf8)

    var cipherSuite: CipherSuite
    var psk: [UInt8]
    var ticketAgeAdd: UInt32
    var issuedAtMilliseconds: UInt64
    var lifetime: UInt32
    var earlyDataAllowed: Bool
    var alpn: [UInt8]
    /// ``TLSServerConfiguration/earlyDataContext`` when the ticket was issued.
    var earlyDataContext: [UInt8] = []

    func seal(with key: SymmetricKey) throws(TLSAlert) -> [UInt8] {
        var writer = ByteWriter(capacity: 96)
        writer.writeUInt8(Self.version)
        writer.writeUInt16(self.cipherSuite.rawValue)
        writer.writeTLSVector(self.psk, lengthBytes: 1)
        writer.writeUInt32(self.ticketAgeAdd)
        writer.writeUInt64(self.issuedAtMilliseconds)
        writer.writeUInt32(self.lifetime)
        writer.writeUInt8(self.earlyDataAllowed ? 1 : 0)
        writer.writeTLSVector(self.alpn, lengthBytes: 1)
        writer.writeTLSVector(self.earlyDataContext, lengthBytes: 2)
        do {
            let box = try AES.GCM.seal(writer.bytes, using: key, authenticating: Self.associatedData)
            guard let combined = box.combined else {
                throw TLSAlert(.internalError, reason: "ticket sealing produced no output")
            }
            return Array(combined)
        } catch {
            throw TLSAlert(.internalError, reason: "ticket sealing failed")
        }
    }

    /// Opens a ticket; nil when it was not sealed with `key` or is malformed (RFC 8446 §4.2.11: the server
    /// then simply does not select that identity).
    static func open(_ ticket: [UInt8], with key: SymmetricKey) -> SealedTicketState? {
        guard ticket.count >= 28,
            let box = try? AES.GCM.SealedBox(combined: ticket),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Self.associatedData)
        else { return nil }
        var reader = TLSReader(Array(plain))
        do {
            guard try reader.readUInt8("version") == Self.version else { return nil }
            let suite = CipherSuite(rawValue: try reader.readUInt16("cipher_suite"))
            let psk = Array(try reader.readVector(lengthBytes: 1, min: 32, max: 64, "psk"))
            let ageAdd = try reader.readUInt32("ticket_age_add")
            let high = UInt64(try reader.readUInt32("issued_at"))
            let low = UInt64(try reader.readUInt32("issued_at"))
            let lifetime = try reader.readUInt32("lifetime")
            let early = try reader.readUInt8("early_data") == 1
            let alpn = Array(try reader.readVector(lengthBytes: 1, min: 0, max: 255, "alpn"))
            let context = Array(try reader.readVector(lengthBytes: 2, min: 0, max: 0xffff, "early_data_context"))
            try reader.expectEnd("ticket state")
            return SealedTicketState(
                cipherSuite: suite, psk: psk, ticketAgeAdd: ageAdd, issuedAtMilliseconds: high << 32 | low,
                lifetime: lifetime, earlyDataAllowed: early, alpn: alpn, earlyDataContext: context)
        } catch {
            return nil
        }
    }
}
