import QUICWire

/// Frames to send and what became of them.
extension StreamManager {
    /// Whether ``pollFrame(maxLength:now:smoothedRTT:isLastInPacket:)`` would return a frame given room.
    public var hasPendingFrames: Bool {
        !self.scheduler.isEmpty || self.controlQueue.contains { self.isCurrent($0) }
    }

    /// The next frame for a packet with `maxLength` bytes left, or nil when nothing (more) fits.
    ///
    /// Control frames come first (MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS, RESET_STREAM, STOP_SENDING and the
    /// *_BLOCKED frames, in the order they became due), then STREAM data in ``StreamScheduler`` order: lost
    /// bytes of a stream before its new bytes, new bytes only within the stream's and the connection's
    /// flow-control limits. A STREAM frame goes without a Length field only when `isLastInPacket` and its
    /// data fills the packet exactly (RFC 9000 §19.8); the caller must then add no frame after it.
    /// `now` and `smoothedRTT` (nanoseconds) drive the auto-tuning of the receive windows advertised in
    /// MAX_DATA and MAX_STREAM_DATA.
    ///
    /// `permits` (multipath): only streams permitted on the path being filled give data; the others keep their
    /// place for a packet on their own path.
    public mutating func pollFrame(maxLength: Int, now: UInt64, smoothedRTT: UInt64,
                                   isLastInPacket: Bool = false,
                                   permits: ((StreamID) -> Bool)? = nil) -> (Frame, StreamFrameRecord)? {
        if let control = self.pollControlFrame(maxLength: maxLength, now: now, smoothedRTT: smoothedRTT) {
            return control
        }
        return self.pollStreamFrame(maxLength: maxLength, isLastInPacket: isLastInPacket, permits: permits)
    }

    /// The stream whose data goes next, in scheduling order.
    public var nextStreamToSend: StreamID? {
        self.scheduler.peek().map { StreamID(rawValue: $0) }
    }

    /// The bytes of `stream` written and not yet sent (lost bytes waiting to be sent again not included); nil
    /// for a stream that has no sending part.
    public func unsentBytes(of stream: StreamID) -> Int? {
        self.streams[stream].map { Int(clamping: $0.sendBuffer.unsentCount) }
    }

    /// A copy of the STREAM frame `record` describes, while its bytes are still buffered (redundant sending on
    /// another path); nil for other records or released data.
    public func copyOfStreamFrame(_ record: StreamFrameRecord) -> Frame? {
        guard case .stream(let id, let offset, let length, let fin) = record, let stream = self.streams[id],
              let data = stream.sendBuffer.bufferedBytes(offset: offset, length: length) else { return nil }
        return .stream(StreamFrame(streamID: id.rawValue, offset: offset, data: data, fin: fin, hasLength: true))
    }

    // MARK: Control frames

    private mutating func pollControlFrame(maxLength: Int, now: UInt64,
                                           smoothedRTT: UInt64) -> (Frame, StreamFrameRecord)? {
        var index = 0
        while index < self.controlQueue.count {
            let record = self.controlQueue[index]
            guard self.isCurrent(record) else {
                self.controlQueue.remove(at: index)
                self.controlQueued.remove(record)
                continue
            }
            guard self.controlFrameLength(record) <= maxLength,
                  let frame = self.makeControlFrame(record, now: now, smoothedRTT: smoothedRTT),
                  frame.encodedLength <= maxLength
            else {
                index += 1
                continue
            }
            self.controlQueue.remove(at: index)
            self.controlQueued.remove(record)
            if case .streamDataBlocked(let id) = record {
                // RFC 9000 §3.1: sending STREAM_DATA_BLOCKED moves the sending part to "Send".
                self.streams[id]?.sendState?.onDataSent()
            }
            return (frame, record)
        }
        return nil
    }

    /// Whether a queued or lost control frame is still worth sending (RFC 9000 §13.3: e.g. MAX_STREAM_DATA
    /// only while the stream's final size is unknown, RESET_STREAM until it is acknowledged).
    func isCurrent(_ record: StreamFrameRecord) -> Bool {
        switch record {
        case .stream:
            return false
        case .maxData, .maxStreams:
            return true
        case .maxStreamData(let id):
            guard let stream = self.streams[id] else { return false }
            return stream.receiveState == .receive && stream.localStopSendingCode == nil
        case .resetStream(let id):
            return self.streams[id]?.sendState == .resetSent
        case .stopSending(let id):
            guard let stream = self.streams[id] else { return false }
            return stream.receiveState == .receive || stream.receiveState == .sizeKnown
        case .dataBlocked:
            return self.connectionSend.available == 0
        case .streamDataBlocked(let id):
            guard let stream = self.streams[id] else { return false }
            return stream.hasUnsentData && stream.isBlockedByStreamLimit
        case .streamsBlocked(let direction):
            let counts = self.counts(direction)
            return counts.localOpened >= counts.localLimit
        }
    }

    /// An upper bound on the encoded size, so that a frame that cannot fit does not consume a limit update.
    private func controlFrameLength(_ record: StreamFrameRecord) -> Int {
        switch record {
        case .maxData, .dataBlocked, .maxStreams, .streamsBlocked: return 1 + 8
        case .maxStreamData(let id), .streamDataBlocked(let id), .stopSending(let id):
            return 2 + VarInt.encodedLength(id.rawValue) + 8
        case .resetStream(let id): return 1 + VarInt.encodedLength(id.rawValue) + 16
        case .stream: return .max
        }
    }

    /// Builds a control frame from the current state.
    private mutating func makeControlFrame(_ record: StreamFrameRecord, now: UInt64,
                                           smoothedRTT: UInt64) -> Frame? {
        switch record {
        case .stream:
            return nil
        case .maxData:
            let limit = self.connectionReceive.limitUpdate(now: now, smoothedRTT: smoothedRTT)
            return .maxData(limit ?? self.connectionReceive.advertisedLimit)
        case .maxStreamData(let id):
            guard let update = self.streams[id]?.receiveFlow.limitUpdate(now: now, smoothedRTT: smoothedRTT)
                ?? self.streams[id]?.receiveFlow.advertisedLimit
            else { return nil }
            return .maxStreamData(MaxStreamDataFrame(streamID: id.rawValue, maximumStreamData: update))
        case .maxStreams(let direction):
            return .maxStreams(StreamCountFrame(bidirectional: direction == .bidirectional,
                                                maximumStreams: self.counts(direction).remoteLimit))
        case .resetStream(let id):
            guard let reset = self.streams[id]?.localReset else { return nil }
            return .resetStream(ResetStreamFrame(streamID: id.rawValue, applicationErrorCode: reset.code,
                                                 finalSize: reset.finalSize))
        case .stopSending(let id):
            guard let code = self.streams[id]?.localStopSendingCode else { return nil }
            return .stopSending(StopSendingFrame(streamID: id.rawValue, applicationErrorCode: code))
        case .dataBlocked:
            return .dataBlocked(self.connectionSend.limit)
        case .streamDataBlocked(let id):
            guard let limit = self.streams[id]?.sendFlow.limit else { return nil }
            return .streamDataBlocked(StreamDataBlockedFrame(streamID: id.rawValue, maximumStreamData: limit))
        case .streamsBlocked(let direction):
            return .streamsBlocked(StreamCountFrame(bidirectional: direction == .bidirectional,
                                                    maximumStreams: self.counts(direction).localLimit))
        }
    }

    // MARK: Stream data

    private mutating func pollStreamFrame(maxLength: Int, isLastInPacket: Bool,
                                          permits: ((StreamID) -> Bool)?) -> (Frame, StreamFrameRecord)? {
        while let raw = permits.map({ permits in self.scheduler.first { permits(StreamID(rawValue: $0)) } })
                ?? self.scheduler.peek() {
            let id = StreamID(rawValue: raw)
            let connectionAvailable = self.connectionSend.available
            guard let stream = self.streams[id], stream.canSend(connectionAvailable: connectionAvailable) else {
                self.scheduler.remove(raw)
                self.noteBlocked(id)
                continue
            }
            let offset = stream.sendBuffer.nextChunkOffset
            let header = 1 + VarInt.encodedLength(raw) + (offset != 0 ? VarInt.encodedLength(offset) : 0)
            let room = maxLength - header
            let roomWithLength = Self.dataCapacity(room)
            // Even a lone FIN needs a byte for its Length field.
            guard roomWithLength >= 1 else { return nil }
            let limit = stream.sendLimit(connectionAvailable: connectionAvailable)
            let previousNewOffset = stream.sendBuffer.nextNewOffset
            guard var chunk = self.streams[id]?.sendBuffer.nextChunk(
                maxLength: isLastInPacket ? room : roomWithLength, limit: limit)
            else {
                self.scheduler.remove(raw)
                continue
            }
            let omitLength = isLastInPacket && chunk.data.count == room
            if !omitLength, chunk.data.count > roomWithLength {
                // Asked for a full packet's worth but got less, so the Length field is needed after all: send
                // what fits with it and queue the rest again as if lost (its credit is already counted).
                let keep = roomWithLength
                self.streams[id]?.sendBuffer.markLost(offset: chunk.offset + UInt64(keep),
                                                      length: chunk.data.count - keep, fin: chunk.fin)
                chunk = (chunk.offset, chunk.data.prefix(keep), false)
            }
            self.recordSent(id, previousNewOffset: previousNewOffset, fin: chunk.fin)
            let frame = StreamFrame(streamID: raw, offset: chunk.offset, data: chunk.data, fin: chunk.fin,
                                    hasLength: !omitLength)
            let record = StreamFrameRecord.stream(id: id, offset: chunk.offset, length: chunk.data.count,
                                                  fin: chunk.fin)
            return (.stream(frame), record)
        }
        return nil
    }

    /// The most data bytes that fit in `room` bytes together with their Length field.
    static func dataCapacity(_ room: Int) -> Int {
        guard room > 1 else { return 0 }
        for lengthBytes in [1, 2, 4, 8] where VarInt.encodedLength(room - lengthBytes) <= lengthBytes {
            return room - lengthBytes
        }
        return 0
    }

    /// Updates states and flow control after a STREAM frame was produced.
    private mutating func recordSent(_ id: StreamID, previousNewOffset: UInt64, fin: Bool) {
        guard let newOffset = self.streams[id]?.sendBuffer.nextNewOffset else { return }
        self.streams[id]?.sendFlow.recordSent(upTo: newOffset)
        self.streams[id]?.sendState?.onDataSent()
        if fin { self.streams[id]?.sendState?.onFinSent() }
        let newBytes = newOffset - min(newOffset, previousNewOffset)
        if newBytes > 0 {
            self.connectionSend.recordSent(upTo: self.connectionSend.sent + newBytes)
        }
        let stillHasData = self.streams[id]?.canSend(connectionAvailable: self.connectionSend.available) ?? false
        self.scheduler.served(id.rawValue, stillHasData: stillHasData)
        if !stillHasData { self.noteBlocked(id) }
        if newBytes > 0, self.connectionSend.available == 0 {
            self.parkStreamsWithoutCredit()
        }
    }

    /// The connection-level credit ran out: streams that have only new data to send leave the scheduler
    /// until MAX_DATA, so that ``hasPendingFrames`` stays truthful.
    private mutating func parkStreamsWithoutCredit() {
        for id in self.streams.keys.sorted() where self.scheduler.isQueued(id.rawValue) {
            self.updateScheduling(id)
        }
    }

    // MARK: Acknowledgment and loss

    /// The packet that carried `record` was acknowledged.
    public mutating func onAcked(_ record: StreamFrameRecord) {
        switch record {
        case .stream(let id, let offset, let length, let fin):
            guard let stream = self.streams[id], stream.isSendingData else { return }
            self.streams[id]?.sendBuffer.acknowledge(offset: offset, length: length, fin: fin)
            guard let updated = self.streams[id] else { return }
            if updated.sendBuffer.isFullyAcknowledged, updated.sendBuffer.isFinishedByApplication {
                self.streams[id]?.sendState?.onAllDataAcknowledged()
            }
            if updated.wantsWritable, updated.sendBuffer.bufferedCount < self.sendBufferCapacity {
                self.streams[id]?.wantsWritable = false
                self.pushEvent(.writable(id))
            }
            self.forgetIfClosed(id)
        case .resetStream(let id):
            self.streams[id]?.sendState?.onResetAcknowledged()
            self.forgetIfClosed(id)
        case .stopSending, .maxData, .maxStreamData, .maxStreams, .dataBlocked, .streamDataBlocked,
             .streamsBlocked:
            break
        }
    }

    /// The packet that carried `record` was declared lost: stream bytes go back to their stream (to leave on
    /// any path), control frames are queued again and rebuilt from current state if still needed.
    public mutating func onLost(_ record: StreamFrameRecord) {
        switch record {
        case .stream(let id, let offset, let length, let fin):
            guard let stream = self.streams[id], stream.isSendingData else { return }
            self.streams[id]?.sendBuffer.markLost(offset: offset, length: length, fin: fin)
            self.updateScheduling(id)
        default:
            if self.isCurrent(record) { self.enqueueControl(record) }
        }
    }
}
