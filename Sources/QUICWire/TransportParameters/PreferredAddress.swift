/// The server's preferred_address transport parameter (RFC 9000 §18.2): an address to migrate to after
/// the handshake, with the connection ID and reset token to use there.
public struct PreferredAddress: Hashable, Sendable {
    /// The IPv4 address (as a big-endian integer) and port; nil when the server offers none (all zero on
    /// the wire).
    public var ipv4: (address: UInt32, port: UInt16)?
    /// The IPv6 address as two big-endian halves, and port; nil when none.
    public var ipv6: (high: UInt64, low: UInt64, port: UInt16)?
    public var connectionID: ConnectionID
    public var statelessResetToken: StatelessResetToken

    public init(ipv4: (address: UInt32, port: UInt16)?, ipv6: (high: UInt64, low: UInt64, port: UInt16)?,
                connectionID: ConnectionID, statelessResetToken: StatelessResetToken) {
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.connectionID = connectionID
        self.statelessResetToken = statelessResetToken
    }

    public static func == (lhs: PreferredAddress, rhs: PreferredAddress) -> Bool {
        lhs.ipv4?.address == rhs.ipv4?.address && lhs.ipv4?.port == rhs.ipv4?.port
            && lhs.ipv6?.high == rhs.ipv6?.high && lhs.ipv6?.low == rhs.ipv6?.low && lhs.ipv6?.port == rhs.ipv6?.port
            && lhs.connectionID == rhs.connectionID && lhs.statelessResetToken == rhs.statelessResetToken
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.ipv4?.address)
        hasher.combine(self.ipv4?.port)
        hasher.combine(self.ipv6?.high)
        hasher.combine(self.ipv6?.low)
        hasher.combine(self.ipv6?.port)
        hasher.combine(self.connectionID)
        hasher.combine(self.statelessResetToken)
    }

    /// RFC 9000 §18.2: "A server MUST NOT include a zero-length connection ID in this transport parameter.
    /// A client MUST treat a violation of these requirements as a connection error of type
    /// TRANSPORT_PARAMETER_ERROR."
    static func decode(from reader: inout ByteReader) throws(WireError) -> PreferredAddress {
        let address4 = try reader.readUInt32()
        let port4 = try reader.readUInt16()
        let high = try reader.readUInt64()
        let low = try reader.readUInt64()
        let port6 = try reader.readUInt16()
        let length = Int(try reader.readUInt8())
        guard length >= 1, length <= ConnectionID.maxLength else {
            throw WireError(.outOfRange, code: .transportParameterError,
                            reason: "preferred_address connection ID length \(length) outside 1...20")
        }
        let connectionID = try ConnectionID.read(from: &reader, length: length)
        let token = try StatelessResetToken.read(from: &reader)
        let ipv4 = address4 == 0 && port4 == 0 ? nil : (address4, port4)
        let ipv6 = high == 0 && low == 0 && port6 == 0 ? nil : (high, low, port6)
        return PreferredAddress(ipv4: ipv4, ipv6: ipv6, connectionID: connectionID, statelessResetToken: token)
    }

    func encode(to writer: inout ByteWriter) {
        writer.writeUInt32(self.ipv4?.address ?? 0)
        writer.writeUInt16(self.ipv4?.port ?? 0)
        writer.writeUInt64(self.ipv6?.high ?? 0)
        writer.writeUInt64(self.ipv6?.low ?? 0)
        writer.writeUInt16(self.ipv6?.port ?? 0)
        writer.writeUInt8(UInt8(self.connectionID.length))
        self.connectionID.write(to: &writer)
        self.statelessResetToken.write(to: &writer)
    }

    var encodedLength: Int { 4 + 2 + 16 + 2 + 1 + self.connectionID.length + 16 }
}
