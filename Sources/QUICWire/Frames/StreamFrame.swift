/// A STREAM frame (RFC 9000 §19.8): data of one stream at an offset, possibly with the FIN.
public struct StreamFrame: Hashable, Sendable {
    public var streamID: UInt64
    public var offset: UInt64
    /// The data, sharing the storage of the packet it was decoded from.
    public var data: ArraySlice<UInt8>
    public var fin: Bool
    /// Whether the encoding carries a Length field. Without one the data runs to the end of the packet,
    /// so such a frame must be the last in its packet.
    public var hasLength: Bool

    public init(streamID: UInt64, offset: UInt64, data: ArraySlice<UInt8>, fin: Bool, hasLength: Bool = true) {
        self.streamID = streamID
        self.offset = offset
        self.data = data
        self.fin = fin
        self.hasLength = hasLength
    }

    /// The frame type: 0x08 with OFF (0x04), LEN (0x02) and FIN (0x01) set as needed.
    @inlinable
    public var frameType: UInt64 {
        FrameType.stream | (self.offset != 0 ? 0x04 : 0) | (self.hasLength ? 0x02 : 0) | (self.fin ? 0x01 : 0)
    }

    /// RFC 9000 §19.8: "The largest offset delivered on a stream -- the sum of the offset and data length
    /// -- cannot exceed 2^62-1, as it is not possible to provide flow control credit for that data.
    /// Receipt of a frame that exceeds this limit MUST be treated as a connection error of type
    /// FRAME_ENCODING_ERROR or FLOW_CONTROL_ERROR."
    @inlinable
    public static func decodeBody(from reader: inout ByteReader, type: UInt64) throws(WireError) -> StreamFrame {
        let streamID = try reader.readVarInt()
        let offset = type & 0x04 != 0 ? try reader.readVarInt() : 0
        let hasLength = type & 0x02 != 0
        let data = hasLength ? try reader.readVarIntPrefixedBytes() : reader.readRemainingBytes()
        guard UInt64(data.count) <= VarInt.max - offset else {
            throw WireError(.outOfRange, reason: "stream data ends beyond 2^62-1")
        }
        return StreamFrame(streamID: streamID, offset: offset, data: data, fin: type & 0x01 != 0,
                           hasLength: hasLength)
    }

    @inlinable
    public func encodeBody(to writer: inout ByteWriter) {
        writer.writeVarInt(self.streamID)
        if self.offset != 0 { writer.writeVarInt(self.offset) }
        if self.hasLength {
            writer.writeVarIntPrefixedBytes(self.data)
        } else {
            writer.writeBytes(self.data)
        }
    }

    @inlinable
    public var bodyLength: Int {
        VarInt.encodedLength(self.streamID) + (self.offset != 0 ? VarInt.encodedLength(self.offset) : 0)
            + (self.hasLength ? VarInt.encodedLength(self.data.count) : 0) + self.data.count
    }

    /// The overhead of a STREAM frame with a Length field for the given stream and offset, excluding the
    /// data: what a packet builder subtracts from its budget to know how much data fits.
    @inlinable
    public static func headerLength(streamID: UInt64, offset: UInt64, dataLength: Int) -> Int {
        1 + VarInt.encodedLength(streamID) + (offset != 0 ? VarInt.encodedLength(offset) : 0)
            + VarInt.encodedLength(dataLength)
    }
}

/// A CRYPTO frame (RFC 9000 §19.6): handshake bytes at an offset of the encryption level's stream.
public struct CryptoFrame: Hashable, Sendable {
    public var offset: UInt64
    public var data: ArraySlice<UInt8>

    public init(offset: UInt64, data: ArraySlice<UInt8>) {
        self.offset = offset
        self.data = data
    }

    /// RFC 9000 §19.6: "The largest offset delivered on a stream -- the sum of the offset and data length
    /// -- cannot exceed 2^62-1. Receipt of a frame that exceeds this limit MUST be treated as a connection
    /// error of type FRAME_ENCODING_ERROR or CRYPTO_BUFFER_EXCEEDED."
    @inlinable
    public static func decodeBody(from reader: inout ByteReader) throws(WireError) -> CryptoFrame {
        let offset = try reader.readVarInt()
        let data = try reader.readVarIntPrefixedBytes()
        guard UInt64(data.count) <= VarInt.max - offset else {
            throw WireError(.outOfRange, reason: "crypto data ends beyond 2^62-1")
        }
        return CryptoFrame(offset: offset, data: data)
    }

    @inlinable
    public func encodeBody(to writer: inout ByteWriter) {
        writer.writeVarInt(self.offset)
        writer.writeVarIntPrefixedBytes(self.data)
    }

    @inlinable
    public var bodyLength: Int {
        VarInt.encodedLength(self.offset) + VarInt.encodedLength(self.data.count) + self.data.count
    }
}

/// A DATAGRAM frame (RFC 9221 §4): unreliable application data.
public struct DatagramFrame: Hashable, Sendable {
    public var data: ArraySlice<UInt8>
    /// Type 0x31 carries a Length field; type 0x30 runs to the end of the packet.
    public var hasLength: Bool

    public init(data: ArraySlice<UInt8>, hasLength: Bool = true) {
        self.data = data
        self.hasLength = hasLength
    }

    @inlinable
    public var frameType: UInt64 { self.hasLength ? FrameType.datagramWithLength : FrameType.datagram }

    @inlinable
    public static func decodeBody(from reader: inout ByteReader, type: UInt64) throws(WireError) -> DatagramFrame {
        if type == FrameType.datagramWithLength {
            return DatagramFrame(data: try reader.readVarIntPrefixedBytes(), hasLength: true)
        }
        return DatagramFrame(data: reader.readRemainingBytes(), hasLength: false)
    }

    @inlinable
    public func encodeBody(to writer: inout ByteWriter) {
        if self.hasLength {
            writer.writeVarIntPrefixedBytes(self.data)
        } else {
            writer.writeBytes(self.data)
        }
    }

    @inlinable
    public var bodyLength: Int {
        (self.hasLength ? VarInt.encodedLength(self.data.count) : 0) + self.data.count
    }
}
