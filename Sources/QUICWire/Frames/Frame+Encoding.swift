extension Frame {
    /// The frame type this frame encodes with (for a PADDING run, the type of each byte).
    @inlinable
    public var frameType: UInt64 {
        switch self {
        case .padding: return FrameType.padding
        case .ping: return FrameType.ping
        case .ack(let ack): return ack.ecn == nil ? FrameType.ack : FrameType.ackECN
        case .resetStream: return FrameType.resetStream
        case .stopSending: return FrameType.stopSending
        case .crypto: return FrameType.crypto
        case .newToken: return FrameType.newToken
        case .stream(let stream): return stream.frameType
        case .maxData: return FrameType.maxData
        case .maxStreamData: return FrameType.maxStreamData
        case .maxStreams(let frame):
            return frame.bidirectional ? FrameType.maxStreamsBidirectional : FrameType.maxStreamsUnidirectional
        case .dataBlocked: return FrameType.dataBlocked
        case .streamDataBlocked: return FrameType.streamDataBlocked
        case .streamsBlocked(let frame):
            return frame.bidirectional ? FrameType.streamsBlockedBidirectional : FrameType.streamsBlockedUnidirectional
        case .newConnectionID(let frame):
            return frame.pathID == nil ? FrameType.newConnectionID : FrameType.pathNewConnectionID
        case .retireConnectionID(let frame):
            return frame.pathID == nil ? FrameType.retireConnectionID : FrameType.pathRetireConnectionID
        case .pathChallenge: return FrameType.pathChallenge
        case .pathResponse: return FrameType.pathResponse
        case .connectionClose(let frame):
            return frame.isApplicationError ? FrameType.connectionCloseApplication : FrameType.connectionCloseTransport
        case .handshakeDone: return FrameType.handshakeDone
        case .datagram(let frame): return frame.frameType
        case .ackFrequency: return FrameType.ackFrequency
        case .immediateAck: return FrameType.immediateAck
        case .pathAck(let frame): return frame.ack.ecn == nil ? FrameType.pathAck : FrameType.pathAckECN
        case .pathAbandon: return FrameType.pathAbandon
        case .pathStatusBackup: return FrameType.pathStatusBackup
        case .pathStatusAvailable: return FrameType.pathStatusAvailable
        case .maxPathID: return FrameType.maxPathID
        case .pathsBlocked: return FrameType.pathsBlocked
        case .pathCIDsBlocked: return FrameType.pathCIDsBlocked
        }
    }

    /// Appends the frame, type included.
    @inlinable
    public func encode(to writer: inout ByteWriter) {
        if case .padding(let count) = self {
            writer.writeZeros(count)
            return
        }
        writer.writeVarInt(self.frameType)
        switch self {
        case .padding, .ping, .handshakeDone, .immediateAck:
            break
        case .ack(let ack):
            ack.encodeBody(to: &writer)
        case .resetStream(let frame):
            writer.writeVarInt(frame.streamID)
            writer.writeVarInt(frame.applicationErrorCode)
            writer.writeVarInt(frame.finalSize)
        case .stopSending(let frame):
            writer.writeVarInt(frame.streamID)
            writer.writeVarInt(frame.applicationErrorCode)
        case .crypto(let frame):
            frame.encodeBody(to: &writer)
        case .newToken(let frame):
            writer.writeVarIntPrefixedBytes(frame.token)
        case .stream(let frame):
            frame.encodeBody(to: &writer)
        case .maxData(let value), .dataBlocked(let value):
            writer.writeVarInt(value)
        case .maxStreamData(let frame):
            writer.writeVarInt(frame.streamID)
            writer.writeVarInt(frame.maximumStreamData)
        case .streamDataBlocked(let frame):
            writer.writeVarInt(frame.streamID)
            writer.writeVarInt(frame.maximumStreamData)
        case .maxStreams(let frame), .streamsBlocked(let frame):
            writer.writeVarInt(frame.maximumStreams)
        case .newConnectionID(let frame):
            frame.encodeBody(to: &writer)
        case .retireConnectionID(let frame):
            if let pathID = frame.pathID { writer.writeVarInt(UInt64(pathID)) }
            writer.writeVarInt(frame.sequenceNumber)
        case .pathChallenge(let data), .pathResponse(let data):
            writer.writeUInt64(data)
        case .connectionClose(let frame):
            frame.encodeBody(to: &writer)
        case .datagram(let frame):
            frame.encodeBody(to: &writer)
        case .ackFrequency(let frame):
            writer.writeVarInt(frame.sequenceNumber)
            writer.writeVarInt(frame.ackElicitingThreshold)
            writer.writeVarInt(frame.requestedMaxAckDelay)
            writer.writeVarInt(frame.reorderingThreshold)
        case .pathAck(let frame):
            writer.writeVarInt(UInt64(frame.pathID))
            frame.ack.encodeBody(to: &writer)
        case .pathAbandon(let frame):
            writer.writeVarInt(UInt64(frame.pathID))
            writer.writeVarInt(frame.errorCode)
        case .pathStatusBackup(let frame), .pathStatusAvailable(let frame):
            writer.writeVarInt(UInt64(frame.pathID))
            writer.writeVarInt(frame.sequenceNumber)
        case .maxPathID(let value), .pathsBlocked(let value):
            writer.writeVarInt(UInt64(value))
        case .pathCIDsBlocked(let frame):
            writer.writeVarInt(UInt64(frame.pathID))
            writer.writeVarInt(frame.nextSequenceNumber)
        }
    }

    /// The exact number of bytes ``encode(to:)`` writes.
    @inlinable
    public var encodedLength: Int {
        if case .padding(let count) = self { return count }
        let body: Int
        switch self {
        case .padding, .ping, .handshakeDone, .immediateAck:
            body = 0
        case .ack(let ack):
            body = ack.bodyLength
        case .resetStream(let frame):
            body = VarInt.encodedLength(frame.streamID) + VarInt.encodedLength(frame.applicationErrorCode)
                + VarInt.encodedLength(frame.finalSize)
        case .stopSending(let frame):
            body = VarInt.encodedLength(frame.streamID) + VarInt.encodedLength(frame.applicationErrorCode)
        case .crypto(let frame):
            body = frame.bodyLength
        case .newToken(let frame):
            body = VarInt.encodedLength(frame.token.count) + frame.token.count
        case .stream(let frame):
            body = frame.bodyLength
        case .maxData(let value), .dataBlocked(let value):
            body = VarInt.encodedLength(value)
        case .maxStreamData(let frame):
            body = VarInt.encodedLength(frame.streamID) + VarInt.encodedLength(frame.maximumStreamData)
        case .streamDataBlocked(let frame):
            body = VarInt.encodedLength(frame.streamID) + VarInt.encodedLength(frame.maximumStreamData)
        case .maxStreams(let frame), .streamsBlocked(let frame):
            body = VarInt.encodedLength(frame.maximumStreams)
        case .newConnectionID(let frame):
            body = frame.bodyLength
        case .retireConnectionID(let frame):
            body = (frame.pathID.map { VarInt.encodedLength(UInt64($0)) } ?? 0)
                + VarInt.encodedLength(frame.sequenceNumber)
        case .pathChallenge, .pathResponse:
            body = 8
        case .connectionClose(let frame):
            body = frame.bodyLength
        case .datagram(let frame):
            body = frame.bodyLength
        case .ackFrequency(let frame):
            body = VarInt.encodedLength(frame.sequenceNumber) + VarInt.encodedLength(frame.ackElicitingThreshold)
                + VarInt.encodedLength(frame.requestedMaxAckDelay) + VarInt.encodedLength(frame.reorderingThreshold)
        case .pathAck(let frame):
            body = VarInt.encodedLength(UInt64(frame.pathID)) + frame.ack.bodyLength
        case .pathAbandon(let frame):
            body = VarInt.encodedLength(UInt64(frame.pathID)) + VarInt.encodedLength(frame.errorCode)
        case .pathStatusBackup(let frame), .pathStatusAvailable(let frame):
            body = VarInt.encodedLength(UInt64(frame.pathID)) + VarInt.encodedLength(frame.sequenceNumber)
        case .maxPathID(let value), .pathsBlocked(let value):
            body = VarInt.encodedLength(UInt64(value))
        case .pathCIDsBlocked(let frame):
            body = VarInt.encodedLength(UInt64(frame.pathID)) + VarInt.encodedLength(frame.nextSequenceNumber)
        }
        return VarInt.encodedLength(self.frameType) + body
    }
}
