import QUICWire

/// Frames from the peer. Every check RFC 9000 asks of a receiver ends in a ``TransportError`` whose
/// `frameType` names the offending frame; the connection closes with it.
extension StreamManager {
    /// A STREAM frame (RFC 9000 §19.8).
    public mutating func onStream(_ frame: StreamFrame, now: UInt64, smoothedRTT: UInt64) throws(TransportError) {
        let type = frame.frameType
        do {
            let id = StreamID(rawValue: frame.streamID)
            try StreamFrameRules.checkPeerSends(on: id, localInitiator: self.localInitiator, frameType: type)
            // RFC 9000 §3.2: frames for a stream already closed and forgotten are ignored.
            guard try self.referenceFromPeer(id), let outcome = try self.streams[id]?.receive(frame) else { return }
            try self.receiveOnConnection(outcome.advance)
            if outcome.notifyReadable { self.pushEvent(.readable(id)) }
        } catch {
            throw Self.tagged(error, frameType: type)
        }
    }

    /// A RESET_STREAM frame (RFC 9000 §19.4).
    public mutating func onResetStream(_ frame: ResetStreamFrame) throws(TransportError) {
        do {
            let id = StreamID(rawValue: frame.streamID)
            try StreamFrameRules.checkPeerSends(on: id, localInitiator: self.localInitiator,
                                                frameType: FrameType.resetStream)
            guard try self.referenceFromPeer(id), let outcome = try self.streams[id]?.receiveReset(frame) else {
                return
            }
            try self.receiveOnConnection(outcome.advance)
            // RFC 9000 §4.5: the reset stream's whole final size counts as used; what the application never
            // read is handed back to the connection window.
            self.connectionReceive.consume(outcome.released)
            self.checkConnectionWindow()
            if outcome.notifyReset {
                self.pushEvent(.resetByPeer(id, errorCode: frame.applicationErrorCode))
            }
        } catch {
            throw Self.tagged(error, frameType: FrameType.resetStream)
        }
    }

    /// A STOP_SENDING frame (RFC 9000 §19.5). RFC 9000 §3.5: "An endpoint that receives a STOP_SENDING frame
    /// MUST send a RESET_STREAM frame if the stream is in the 'Ready' or 'Send' state. [...] An endpoint
    /// SHOULD copy the error code from the STOP_SENDING frame to the RESET_STREAM frame it sends".
    public mutating func onStopSending(_ frame: StopSendingFrame) throws(TransportError) {
        do {
            let id = StreamID(rawValue: frame.streamID)
            try StreamFrameRules.checkPeerReceives(on: id, localInitiator: self.localInitiator,
                                                   frameType: FrameType.stopSending)
            guard try self.referenceFromPeer(id), let stream = self.streams[id] else { return }
            guard stream.peerStopSendingCode == nil else { return }
            self.streams[id]?.peerStopSendingCode = frame.applicationErrorCode
            self.resetSending(id, code: frame.applicationErrorCode)
            self.pushEvent(.stopSendingRequested(id, errorCode: frame.applicationErrorCode))
        } catch {
            throw Self.tagged(error, frameType: FrameType.stopSending)
        }
    }

    /// A MAX_DATA frame (RFC 9000 §19.9); one that does not raise the limit is ignored (§4.1).
    public mutating func onMaxData(_ limit: UInt64) {
        let wasBlocked = self.connectionSend.available == 0
        self.connectionSend.raiseLimit(to: limit)
        guard wasBlocked, self.connectionSend.available > 0 else { return }
        let blocked = self.connectionBlocked
        self.connectionBlocked.removeAll()
        self.connectionBlockedSet.removeAll()
        for id in blocked {
            self.updateScheduling(id)
        }
    }

    /// A MAX_STREAM_DATA frame (RFC 9000 §19.10): "An endpoint that receives a MAX_STREAM_DATA frame for a
    /// receive-only stream MUST terminate the connection with error STREAM_STATE_ERROR."
    public mutating func onMaxStreamData(_ frame: MaxStreamDataFrame) throws(TransportError) {
        do {
            let id = StreamID(rawValue: frame.streamID)
            try StreamFrameRules.checkPeerReceives(on: id, localInitiator: self.localInitiator,
                                                   frameType: FrameType.maxStreamData)
            guard try self.referenceFromPeer(id), self.streams[id] != nil else { return }
            self.streams[id]?.sendFlow.raiseLimit(to: frame.maximumStreamData)
            self.updateScheduling(id)
        } catch {
            throw Self.tagged(error, frameType: FrameType.maxStreamData)
        }
    }

    /// A MAX_STREAMS frame (RFC 9000 §19.11): "Receipt of a frame that permits opening of a stream larger
    /// than this limit [2^60] MUST be treated as a connection error of type FRAME_ENCODING_ERROR."
    public mutating func onMaxStreams(_ frame: StreamCountFrame) throws(TransportError) {
        let type = frame.bidirectional ? FrameType.maxStreamsBidirectional : FrameType.maxStreamsUnidirectional
        guard frame.maximumStreams <= StreamCounts.maximumCount else {
            throw TransportError(.frameEncodingError, frameType: type,
                                 reason: "MAX_STREAMS \(frame.maximumStreams) exceeds 2^60")
        }
        self.raiseLocalStreamLimit(frame.bidirectional ? .bidirectional : .unidirectional, to: frame.maximumStreams)
    }

    /// A DATA_BLOCKED frame (RFC 9000 §19.12): informational; the window grows as the application reads.
    public mutating func onDataBlocked(_ limit: UInt64) {}

    /// A STREAM_DATA_BLOCKED frame (RFC 9000 §19.13): "An endpoint that receives a STREAM_DATA_BLOCKED frame
    /// for a send-only stream MUST terminate the connection with error STREAM_STATE_ERROR." It may open a
    /// peer's stream.
    public mutating func onStreamDataBlocked(_ frame: StreamDataBlockedFrame) throws(TransportError) {
        do {
            let id = StreamID(rawValue: frame.streamID)
            try StreamFrameRules.checkPeerSends(on: id, localInitiator: self.localInitiator,
                                                frameType: FrameType.streamDataBlocked)
            _ = try self.referenceFromPeer(id)
        } catch {
            throw Self.tagged(error, frameType: FrameType.streamDataBlocked)
        }
    }

    /// A STREAMS_BLOCKED frame (RFC 9000 §19.14): a count above 2^60 is a FRAME_ENCODING_ERROR.
    public mutating func onStreamsBlocked(_ frame: StreamCountFrame) throws(TransportError) {
        guard frame.maximumStreams <= StreamCounts.maximumCount else {
            let type = frame.bidirectional
                ? FrameType.streamsBlockedBidirectional : FrameType.streamsBlockedUnidirectional
            throw TransportError(.frameEncodingError, frameType: type,
                                 reason: "STREAMS_BLOCKED \(frame.maximumStreams) exceeds 2^60")
        }
    }

    // MARK: Helpers

    /// Accounts for a frame naming stream `id`: opens the peer's streams it implies (RFC 9000 §3.2) and
    /// returns whether the stream is (still) known. STREAM_STATE_ERROR for a local stream never opened,
    /// STREAM_LIMIT_ERROR for a peer stream beyond the advertised limit.
    mutating func referenceFromPeer(_ id: StreamID) throws(TransportError) -> Bool {
        let reference = id.direction == .bidirectional
            ? try self.bidirectionalCounts.referenceFromPeer(id) : try self.unidirectionalCounts.referenceFromPeer(id)
        guard case .openedRemote(let indices) = reference else { return self.streams[id] != nil }
        for index in indices {
            guard let opened = StreamID(initiator: id.initiator, direction: id.direction, index: index) else {
                continue
            }
            self.streams[opened] = self.makeStream(opened)
            self.pushEvent(.opened(opened))
        }
        return true
    }

    /// Counts `advance` new bytes against the connection's window. RFC 9000 §4.1: "A receiver MUST close the
    /// connection with an error of type FLOW_CONTROL_ERROR if the sender violates the advertised connection
    /// or stream data limits".
    mutating func receiveOnConnection(_ advance: UInt64) throws(TransportError) {
        guard advance > 0 else { return }
        let (total, overflow) = self.connectionReceive.received.addingReportingOverflow(advance)
        guard !overflow else {
            throw TransportError(.flowControlError, reason: "connection data beyond 2^64")
        }
        try self.connectionReceive.receive(upTo: total)
    }

    /// The error with `frameType` filled in when the component that threw did not know it.
    static func tagged(_ error: TransportError, frameType: UInt64) -> TransportError {
        var error = error
        if error.frameType == 0 { error.frameType = frameType }
        return error
    }
}
