/// A QUIC frame: every frame of RFC 9000 §19, DATAGRAM (RFC 9221), ACK_FREQUENCY and IMMEDIATE_ACK
/// (draft-ietf-quic-ack-frequency), and the frames of draft-ietf-quic-multipath-21.
///
/// Decoding takes bytes zero-copy from the reader; a run of PADDING bytes decodes as one `.padding`.
public enum Frame: Hashable, Sendable {
    /// `count` consecutive PADDING frames (single zero bytes).
    case padding(count: Int)
    case ping
    case ack(AckFrame)
    case resetStream(ResetStreamFrame)
    case stopSending(StopSendingFrame)
    case crypto(CryptoFrame)
    case newToken(NewTokenFrame)
    case stream(StreamFrame)
    case maxData(UInt64)
    case maxStreamData(MaxStreamDataFrame)
    case maxStreams(StreamCountFrame)
    case dataBlocked(UInt64)
    case streamDataBlocked(StreamDataBlockedFrame)
    case streamsBlocked(StreamCountFrame)
    /// NEW_CONNECTION_ID, or PATH_NEW_CONNECTION_ID when the frame has a path ID.
    case newConnectionID(NewConnectionIDFrame)
    /// RETIRE_CONNECTION_ID, or PATH_RETIRE_CONNECTION_ID when the frame has a path ID.
    case retireConnectionID(RetireConnectionIDFrame)
    case pathChallenge(UInt64)
    case pathResponse(UInt64)
    case connectionClose(ConnectionCloseFrame)
    case handshakeDone
    case datagram(DatagramFrame)
    case ackFrequency(AckFrequencyFrame)
    case immediateAck
    case pathAck(PathAckFrame)
    case pathAbandon(PathAbandonFrame)
    case pathStatusBackup(PathStatusFrame)
    case pathStatusAvailable(PathStatusFrame)
    case maxPathID(PathID)
    case pathsBlocked(PathID)
    case pathCIDsBlocked(PathCIDsBlockedFrame)

    // MARK: Decoding

    /// Decodes one frame (a run of PADDING counts as one).
    ///
    /// RFC 9000 §12.4: "An endpoint MUST treat the receipt of a frame of unknown type as a connection
    /// error of type FRAME_ENCODING_ERROR." "[...] the frame type MUST use the shortest encoding [...] An
    /// endpoint MAY treat the receipt of a frame type that uses a longer encoding than necessary as a
    /// connection error of type PROTOCOL_VIOLATION."
    @inlinable
    public static func decode(from reader: inout ByteReader) throws(WireError) -> Frame {
        let (type, typeLength) = try reader.readVarIntWithLength()
        guard typeLength == VarInt.encodedLength(type) else {
            throw WireError(.nonMinimal, code: .protocolViolation, frameType: type,
                            reason: "frame type 0x\(String(type, radix: 16)) not in its shortest encoding")
        }
        do {
            return try self.decodeBody(type: type, from: &reader)
        } catch {
            throw error.inFrame(type)
        }
    }

    @inlinable
    internal static func decodeBody(type: UInt64, from reader: inout ByteReader) throws(WireError) -> Frame {
        switch type {
        case FrameType.padding:
            var count = 1
            while let next = try? reader.peekUInt8(), next == 0 {
                try reader.skip(1)
                count += 1
            }
            return .padding(count: count)
        case FrameType.ping:
            return .ping
        case FrameType.ack, FrameType.ackECN:
            return .ack(try AckFrame.decodeBody(from: &reader, hasECN: type == FrameType.ackECN))
        case FrameType.resetStream:
            let streamID = try reader.readVarInt()
            let code = try reader.readVarInt()
            let finalSize = try reader.readVarInt()
            return .resetStream(ResetStreamFrame(streamID: streamID, applicationErrorCode: code, finalSize: finalSize))
        case FrameType.stopSending:
            let streamID = try reader.readVarInt()
            return .stopSending(StopSendingFrame(streamID: streamID, applicationErrorCode: try reader.readVarInt()))
        case FrameType.crypto:
            return .crypto(try CryptoFrame.decodeBody(from: &reader))
        case FrameType.newToken:
            return .newToken(try NewTokenFrame.decodeBody(from: &reader))
        case 0x08...0x0f:
            return .stream(try StreamFrame.decodeBody(from: &reader, type: type))
        case FrameType.maxData:
            return .maxData(try reader.readVarInt())
        case FrameType.maxStreamData:
            let streamID = try reader.readVarInt()
            return .maxStreamData(MaxStreamDataFrame(streamID: streamID, maximumStreamData: try reader.readVarInt()))
        case FrameType.maxStreamsBidirectional, FrameType.maxStreamsUnidirectional:
            return .maxStreams(try StreamCountFrame.decodeBody(
                from: &reader, bidirectional: type == FrameType.maxStreamsBidirectional))
        case FrameType.dataBlocked:
            return .dataBlocked(try reader.readVarInt())
        case FrameType.streamDataBlocked:
            let streamID = try reader.readVarInt()
            return .streamDataBlocked(StreamDataBlockedFrame(streamID: streamID,
                                                             maximumStreamData: try reader.readVarInt()))
        case FrameType.streamsBlockedBidirectional, FrameType.streamsBlockedUnidirectional:
            return .streamsBlocked(try StreamCountFrame.decodeBody(
                from: &reader, bidirectional: type == FrameType.streamsBlockedBidirectional))
        case FrameType.newConnectionID:
            return .newConnectionID(try NewConnectionIDFrame.decodeBody(from: &reader, hasPathID: false))
        case FrameType.retireConnectionID:
            return .retireConnectionID(RetireConnectionIDFrame(sequenceNumber: try reader.readVarInt()))
        case FrameType.pathChallenge:
            return .pathChallenge(try reader.readUInt64())
        case FrameType.pathResponse:
            return .pathResponse(try reader.readUInt64())
        case FrameType.connectionCloseTransport, FrameType.connectionCloseApplication:
            return .connectionClose(try ConnectionCloseFrame.decodeBody(from: &reader, type: type))
        case FrameType.handshakeDone:
            return .handshakeDone
        case FrameType.immediateAck:
            return .immediateAck
        case FrameType.datagram, FrameType.datagramWithLength:
            return .datagram(try DatagramFrame.decodeBody(from: &reader, type: type))
        case FrameType.ackFrequency:
            let sequence = try reader.readVarInt()
            let threshold = try reader.readVarInt()
            let delay = try reader.readVarInt()
            let reordering = try reader.readVarInt()
            return .ackFrequency(AckFrequencyFrame(sequenceNumber: sequence, ackElicitingThreshold: threshold,
                                                   requestedMaxAckDelay: delay, reorderingThreshold: reordering))
        default:
            return try self.decodeMultipathBody(type: type, from: &reader)
        }
    }

    @inlinable
    internal static func decodeMultipathBody(type: UInt64, from reader: inout ByteReader) throws(WireError) -> Frame {
        switch type {
        case FrameType.pathAck, FrameType.pathAckECN:
            let pathID = try reader.readPathID()
            let ack = try AckFrame.decodeBody(from: &reader, hasECN: type == FrameType.pathAckECN)
            return .pathAck(PathAckFrame(pathID: pathID, ack: ack))
        case FrameType.pathAbandon:
            let pathID = try reader.readPathID()
            return .pathAbandon(PathAbandonFrame(pathID: pathID, errorCode: try reader.readVarInt()))
        case FrameType.pathStatusBackup, FrameType.pathStatusAvailable:
            let pathID = try reader.readPathID()
            let status = PathStatusFrame(pathID: pathID, sequenceNumber: try reader.readVarInt())
            return type == FrameType.pathStatusBackup ? .pathStatusBackup(status) : .pathStatusAvailable(status)
        case FrameType.pathNewConnectionID:
            return .newConnectionID(try NewConnectionIDFrame.decodeBody(from: &reader, hasPathID: true))
        case FrameType.pathRetireConnectionID:
            let pathID = try reader.readPathID()
            return .retireConnectionID(RetireConnectionIDFrame(pathID: pathID, sequenceNumber: try reader.readVarInt()))
        case FrameType.maxPathID:
            return .maxPathID(try reader.readMaximumPathID())
        case FrameType.pathsBlocked:
            return .pathsBlocked(try reader.readMaximumPathID())
        case FrameType.pathCIDsBlocked:
            let pathID = try reader.readPathID()
            return .pathCIDsBlocked(PathCIDsBlockedFrame(pathID: pathID, nextSequenceNumber: try reader.readVarInt()))
        default:
            throw WireError(.unknownType, reason: "unknown frame type 0x\(String(type, radix: 16))")
        }
    }
}
