/// A RESET_STREAM frame (RFC 9000 §19.4): the sender abandons a stream.
public struct ResetStreamFrame: Hashable, Sendable {
    public var streamID: UInt64
    public var applicationErrorCode: UInt64
    public var finalSize: UInt64

    public init(streamID: UInt64, applicationErrorCode: UInt64, finalSize: UInt64) {
        self.streamID = streamID
        self.applicationErrorCode = applicationErrorCode
        self.finalSize = finalSize
    }
}

/// A STOP_SENDING frame (RFC 9000 §19.5): the receiver asks the sender to stop.
public struct StopSendingFrame: Hashable, Sendable {
    public var streamID: UInt64
    public var applicationErrorCode: UInt64

    public init(streamID: UInt64, applicationErrorCode: UInt64) {
        self.streamID = streamID
        self.applicationErrorCode = applicationErrorCode
    }
}

/// A MAX_STREAM_DATA frame (RFC 9000 §19.10).
public struct MaxStreamDataFrame: Hashable, Sendable {
    public var streamID: UInt64
    public var maximumStreamData: UInt64

    public init(streamID: UInt64, maximumStreamData: UInt64) {
        self.streamID = streamID
        self.maximumStreamData = maximumStreamData
    }
}

/// A STREAM_DATA_BLOCKED frame (RFC 9000 §19.13).
public struct StreamDataBlockedFrame: Hashable, Sendable {
    public var streamID: UInt64
    public var maximumStreamData: UInt64

    public init(streamID: UInt64, maximumStreamData: UInt64) {
        self.streamID = streamID
        self.maximumStreamData = maximumStreamData
    }
}

/// MAX_STREAMS (RFC 9000 §19.11) and STREAMS_BLOCKED (§19.14) share this shape: a direction and a
/// cumulative stream count.
public struct StreamCountFrame: Hashable, Sendable {
    public var bidirectional: Bool
    public var maximumStreams: UInt64

    public init(bidirectional: Bool, maximumStreams: UInt64) {
        self.bidirectional = bidirectional
        self.maximumStreams = maximumStreams
    }

    /// RFC 9000 §19.11: "This value cannot exceed 2^60, as it is not possible to encode stream IDs larger
    /// than 2^62-1. Receipt of a frame that permits opening of a stream larger than this limit MUST be
    /// treated as a connection error of type FRAME_ENCODING_ERROR." §19.14 says the same of
    /// STREAMS_BLOCKED.
    @inlinable
    public static func decodeBody(from reader: inout ByteReader, bidirectional: Bool) throws(WireError)
        -> StreamCountFrame
    {
        let count = try reader.readVarInt()
        guard count <= 1 << 60 else {
            throw WireError(.outOfRange, reason: "stream count \(count) exceeds 2^60")
        }
        return StreamCountFrame(bidirectional: bidirectional, maximumStreams: count)
    }
}

/// A NEW_TOKEN frame (RFC 9000 §19.7): an address-validation token for a future connection.
public struct NewTokenFrame: Hashable, Sendable {
    public var token: ArraySlice<UInt8>

    public init(token: ArraySlice<UInt8>) {
        self.token = token
    }

    /// RFC 9000 §19.7: "An endpoint MUST treat receipt of a NEW_TOKEN frame with an empty Token field as a
    /// connection error of type FRAME_ENCODING_ERROR."
    @inlinable
    public static func decodeBody(from reader: inout ByteReader) throws(WireError) -> NewTokenFrame {
        let token = try reader.readVarIntPrefixedBytes()
        guard !token.isEmpty else {
            throw WireError(.malformed, reason: "NEW_TOKEN with an empty token")
        }
        return NewTokenFrame(token: token)
    }
}

/// A CONNECTION_CLOSE frame (RFC 9000 §19.19): type 0x1c for transport errors (with the frame type that
/// caused them), type 0x1d for application errors.
public struct ConnectionCloseFrame: Hashable, Sendable {
    public var isApplicationError: Bool
    public var errorCode: UInt64
    /// The frame type that triggered a transport error (0 when unknown); absent for application errors.
    public var frameType: UInt64
    /// The reason phrase bytes (UTF-8 by convention, but not guaranteed: a peer can send anything).
    public var reasonPhrase: ArraySlice<UInt8>

    public init(isApplicationError: Bool, errorCode: UInt64, frameType: UInt64 = 0,
                reasonPhrase: ArraySlice<UInt8> = []) {
        self.isApplicationError = isApplicationError
        self.errorCode = errorCode
        self.frameType = isApplicationError ? 0 : frameType
        self.reasonPhrase = reasonPhrase
    }

    /// A transport close from a ``TransportError``.
    public init(_ error: TransportError) {
        self.init(isApplicationError: false, errorCode: error.code.rawValue, frameType: error.frameType,
                  reasonPhrase: Array(error.reason.utf8)[...])
    }

    /// The reason phrase as text, with invalid UTF-8 repaired.
    public var reasonText: String {
        String(decoding: self.reasonPhrase, as: UTF8.self)
    }

    @inlinable
    public static func decodeBody(from reader: inout ByteReader, type: UInt64) throws(WireError)
        -> ConnectionCloseFrame
    {
        let isApplication = type == FrameType.connectionCloseApplication
        let code = try reader.readVarInt()
        let frameType = isApplication ? 0 : try reader.readVarInt()
        let reason = try reader.readVarIntPrefixedBytes()
        return ConnectionCloseFrame(isApplicationError: isApplication, errorCode: code, frameType: frameType,
                                    reasonPhrase: reason)
    }

    @inlinable
    public func encodeBody(to writer: inout ByteWriter) {
        writer.writeVarInt(self.errorCode)
        if !self.isApplicationError { writer.writeVarInt(self.frameType) }
        writer.writeVarIntPrefixedBytes(self.reasonPhrase)
    }

    @inlinable
    public var bodyLength: Int {
        VarInt.encodedLength(self.errorCode) + (self.isApplicationError ? 0 : VarInt.encodedLength(self.frameType))
            + VarInt.encodedLength(self.reasonPhrase.count) + self.reasonPhrase.count
    }
}
