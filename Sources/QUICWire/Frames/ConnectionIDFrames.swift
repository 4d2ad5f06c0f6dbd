/// NEW_CONNECTION_ID (RFC 9000 §19.15) and, with a path ID, PATH_NEW_CONNECTION_ID
/// (draft-ietf-quic-multipath-21 §4.5): a connection ID the peer may use, with its sequence number and
/// stateless reset token.
public struct NewConnectionIDFrame: Hashable, Sendable {
    /// The path the ID belongs to; nil for NEW_CONNECTION_ID (path 0 in multipath terms).
    public var pathID: PathID?
    public var sequenceNumber: UInt64
    public var retirePriorTo: UInt64
    public var connectionID: ConnectionID
    public var statelessResetToken: StatelessResetToken

    public init(pathID: PathID? = nil, sequenceNumber: UInt64, retirePriorTo: UInt64, connectionID: ConnectionID,
                statelessResetToken: StatelessResetToken) {
        self.pathID = pathID
        self.sequenceNumber = sequenceNumber
        self.retirePriorTo = retirePriorTo
        self.connectionID = connectionID
        self.statelessResetToken = statelessResetToken
    }

    /// RFC 9000 §19.15: the Length field is "an 8-bit unsigned integer containing the length of the
    /// connection ID. Values less than 1 and greater than 20 are invalid and MUST be treated as a
    /// connection error of type FRAME_ENCODING_ERROR." "Receiving a value in the Retire Prior To field
    /// that is greater than that in the Sequence Number field MUST be treated as a connection error of
    /// type FRAME_ENCODING_ERROR."
    @inlinable
    public static func decodeBody(from reader: inout ByteReader, hasPathID: Bool) throws(WireError)
        -> NewConnectionIDFrame
    {
        let pathID = hasPathID ? try reader.readPathID() : nil
        let sequence = try reader.readVarInt()
        let retirePriorTo = try reader.readVarInt()
        let length = Int(try reader.readUInt8())
        guard length >= 1, length <= ConnectionID.maxLength else {
            throw WireError(.outOfRange, reason: "connection ID length \(length) outside 1...20")
        }
        guard retirePriorTo <= sequence else {
            throw WireError(.outOfRange, reason: "Retire Prior To \(retirePriorTo) exceeds sequence number \(sequence)")
        }
        let connectionID = try ConnectionID.read(from: &reader, length: length)
        let token = try StatelessResetToken.read(from: &reader)
        return NewConnectionIDFrame(pathID: pathID, sequenceNumber: sequence, retirePriorTo: retirePriorTo,
                                    connectionID: connectionID, statelessResetToken: token)
    }

    @inlinable
    public func encodeBody(to writer: inout ByteWriter) {
        if let pathID = self.pathID { writer.writeVarInt(UInt64(pathID)) }
        writer.writeVarInt(self.sequenceNumber)
        writer.writeVarInt(self.retirePriorTo)
        writer.writeUInt8(UInt8(self.connectionID.length))
        self.connectionID.write(to: &writer)
        self.statelessResetToken.write(to: &writer)
    }

    @inlinable
    public var bodyLength: Int {
        (self.pathID.map { VarInt.encodedLength(UInt64($0)) } ?? 0) + VarInt.encodedLength(self.sequenceNumber)
            + VarInt.encodedLength(self.retirePriorTo) + 1 + self.connectionID.length + StatelessResetToken.length
    }
}

/// RETIRE_CONNECTION_ID (RFC 9000 §19.16) and, with a path ID, PATH_RETIRE_CONNECTION_ID
/// (draft-ietf-quic-multipath-21 §4.6).
public struct RetireConnectionIDFrame: Hashable, Sendable {
    public var pathID: PathID?
    public var sequenceNumber: UInt64

    public init(pathID: PathID? = nil, sequenceNumber: UInt64) {
        self.pathID = pathID
        self.sequenceNumber = sequenceNumber
    }
}
