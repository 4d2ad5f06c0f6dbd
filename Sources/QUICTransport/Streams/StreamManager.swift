import QUICWire

/// All application streams of one connection and connection-level flow control (RFC 9000 §2-§4), sans-IO.
///
/// The connection feeds it the stream frames it receives (`on...`), asks it for frames to send
/// (``pollFrame(maxLength:now:smoothedRTT:isLastInPacket:)``), and reports what became of them
/// (``onAcked(_:)`` / ``onLost(_:)``). The application opens, writes, reads, finishes and resets streams
/// and drains ``StreamEvent``s with ``pollEvent()``.
///
/// A stream is forgotten once both of its parts are in a terminal state and the application has read
/// everything (or been told of the reset); for peer-initiated streams that returns stream credit to the
/// peer in MAX_STREAMS (RFC 9000 §4.6).
public struct StreamManager: Sendable {
    public let role: EndpointRole
    public let limits: StreamLimits
    /// Bytes a stream may buffer because of the connection's congestion windows (set by the connection as they
    /// change): a stream can keep a path with a large bandwidth-delay product full even when that exceeds
    /// ``StreamLimits/sendBufferLimit``.
    public var sendBufferAllowance = 0

    /// How many written but unacknowledged bytes one stream may buffer: the configured limit, or more while the
    /// congestion windows allow it.
    public var sendBufferCapacity: Int { max(self.limits.sendBufferLimit, self.sendBufferAllowance) }
    /// The peer's limits as last set with ``setPeerLimits(_:)``.
    public private(set) var peerLimits = PeerStreamLimits()

    var streams: [StreamID: ManagedStream] = [:]
    var bidirectionalCounts: StreamCounts
    var unidirectionalCounts: StreamCounts
    /// The connection's receive window (MAX_DATA this endpoint advertises).
    var connectionReceive: ReceiveFlowControl
    /// The peer's MAX_DATA; `sent` counts new stream bytes sent on all streams.
    var connectionSend: SendFlowControl
    var scheduler = StreamScheduler()

    /// Control frames to send, in order, by kind; the frame is built from current state when it goes out.
    var controlQueue: [StreamFrameRecord] = []
    var controlQueued: Set<StreamFrameRecord> = []
    /// Streams with unsent data held back by the connection-level limit, resumed on MAX_DATA.
    var connectionBlocked: [StreamID] = []
    var connectionBlockedSet: Set<StreamID> = []

    var events: [StreamEvent] = []
    var eventHead = 0

    public init(role: EndpointRole, limits: StreamLimits) {
        self.role = role
        self.limits = limits
        let initiator = role == .client ? StreamID.Initiator.client : .server
        self.bidirectionalCounts = StreamCounts(localInitiator: initiator, direction: .bidirectional, peerLimit: 0,
                                                localLimit: limits.initialMaxStreamsBidi)
        self.unidirectionalCounts = StreamCounts(localInitiator: initiator, direction: .unidirectional,
                                                 peerLimit: 0, localLimit: limits.initialMaxStreamsUni)
        self.connectionReceive = ReceiveFlowControl(initialWindow: limits.initialMaxData,
                                                    maximumWindow: limits.maxData)
        self.connectionSend = SendFlowControl(limit: 0)
    }

    var localInitiator: StreamID.Initiator { self.role == .client ? .client : .server }

    /// Applies the peer's transport parameters (or remembered 0-RTT values). Limits only grow: RFC 9000
    /// §7.4.1 forbids a server to lower the values a client used for 0-RTT.
    public mutating func setPeerLimits(_ peer: PeerStreamLimits) {
        self.peerLimits = peer
        self.connectionSend.raiseLimit(to: peer.initialMaxData)
        self.raiseLocalStreamLimit(.bidirectional, to: peer.initialMaxStreamsBidi)
        self.raiseLocalStreamLimit(.unidirectional, to: peer.initialMaxStreamsUni)
        for id in self.streams.keys.sorted() {
            let limit = self.peerSendLimit(for: id)
            self.streams[id]?.sendFlow.raiseLimit(to: limit)
            self.updateScheduling(id)
        }
    }

    /// The peer's initial limit for data this endpoint sends on stream `id`.
    func peerSendLimit(for id: StreamID) -> UInt64 {
        if id.direction == .unidirectional { return self.peerLimits.initialMaxStreamDataUni }
        return id.initiator == self.localInitiator
            ? self.peerLimits.initialMaxStreamDataBidiRemote : self.peerLimits.initialMaxStreamDataBidiLocal
    }

    /// This endpoint's initial window for data it receives on stream `id`.
    func receiveWindow(for id: StreamID) -> UInt64 {
        if id.direction == .unidirectional { return self.limits.initialMaxStreamDataUni }
        return id.initiator == self.localInitiator
            ? self.limits.initialMaxStreamDataBidiLocal : self.limits.initialMaxStreamDataBidiRemote
    }

    func makeStream(_ id: StreamID) -> ManagedStream {
        let local = id.initiator == self.localInitiator
        let bidirectional = id.direction == .bidirectional
        return ManagedStream(id: id, canSend: local || bidirectional, canReceive: !local || bidirectional,
                             sendLimit: self.peerSendLimit(for: id), receiveWindow: self.receiveWindow(for: id),
                             maximumReceiveWindow: self.limits.maxStreamData)
    }

    // MARK: Application commands

    /// Opens a stream of this endpoint. RFC 9000 §4.6: "An endpoint that is unable to open a new stream due
    /// to the peer's limits SHOULD send a STREAMS_BLOCKED frame".
    public mutating func openStream(_ direction: StreamID.Direction) throws(StreamError) -> StreamID {
        let opened = direction == .bidirectional
            ? self.bidirectionalCounts.openLocal() : self.unidirectionalCounts.openLocal()
        guard let id = opened else {
            let report = direction == .bidirectional
                ? self.bidirectionalCounts.blockedReport() : self.unidirectionalCounts.blockedReport()
            if report != nil { self.enqueueControl(.streamsBlocked(direction)) }
            throw .streamLimitReached(direction)
        }
        self.streams[id] = self.makeStream(id)
        return id
    }

    /// Queues bytes on a stream; returns how many were accepted, which is fewer than offered (maybe 0) when
    /// the stream's send buffer is full. A ``StreamEvent/writable(_:)`` follows once space frees up.
    public mutating func write(_ id: StreamID, _ bytes: some Collection<UInt8>) throws(StreamError) -> Int {
        let stream = try self.sendingStream(id)
        let space = max(0, self.sendBufferCapacity - stream.sendBuffer.bufferedCount)
        let accepted = min(space, bytes.count)
        if accepted < bytes.count { self.streams[id]?.wantsWritable = true }
        guard accepted > 0 else { return 0 }
        self.streams[id]?.sendBuffer.write(bytes.prefix(accepted))
        self.updateScheduling(id)
        return accepted
    }

    /// Ends the stream after the bytes written so far; the FIN goes out with the last of them.
    public mutating func finish(_ id: StreamID) throws(StreamError) {
        _ = try self.sendingStream(id)
        self.streams[id]?.sendBuffer.finish()
        self.updateScheduling(id)
    }

    /// The stream as far as writing goes: it exists, this endpoint can send on it, and it is still open.
    private func sendingStream(_ id: StreamID) throws(StreamError) -> ManagedStream {
        guard let stream = self.streams[id] else { throw .unknownStream(id) }
        guard stream.sendState != nil else { throw .wrongDirection(id) }
        if let code = stream.peerStopSendingCode { throw .reset(errorCode: code) }
        if let reset = stream.localReset { throw .resetLocally(errorCode: reset.code) }
        guard !stream.sendBuffer.isFinishedByApplication else { throw .finished(id) }
        return stream
    }

    /// Abandons sending on the stream with RESET_STREAM (RFC 9000 §19.4). Nothing happens when the stream is
    /// already reset or all its data was acknowledged.
    public mutating func reset(_ id: StreamID, errorCode: UInt64) throws(StreamError) {
        guard let stream = self.streams[id] else { throw .unknownStream(id) }
        guard stream.sendState != nil else { throw .wrongDirection(id) }
        self.resetSending(id, code: errorCode)
    }

    mutating func resetSending(_ id: StreamID, code: UInt64) {
        guard self.streams[id]?.resetSending(code: code) == true else { return }
        self.scheduler.remove(id.rawValue)
        self.enqueueControl(.resetStream(id))
    }

    /// Asks the peer to stop sending on the stream with STOP_SENDING (RFC 9000 §19.5). Sent only while data
    /// is still expected ("Recv" or "Size Known"); the peer answers with RESET_STREAM.
    public mutating func stopSending(_ id: StreamID, errorCode: UInt64) throws(StreamError) {
        guard let stream = self.streams[id] else { throw .unknownStream(id) }
        guard let state = stream.receiveState else { throw .wrongDirection(id) }
        guard state == .receive || state == .sizeKnown, stream.localStopSendingCode == nil else { return }
        self.streams[id]?.localStopSendingCode = errorCode
        self.enqueueControl(.stopSending(id))
    }

    /// Appends up to `maxLength` bytes of the stream, in order, to `buffer`; `fin` is true once everything up
    /// to the end of the stream has been read.
    ///
    /// - Throws: ``StreamError/reset(errorCode:)`` when the peer reset the stream.
    public mutating func read(_ id: StreamID, into buffer: inout [UInt8],
                              maxLength: Int) throws(StreamError) -> (count: Int, fin: Bool) {
        guard let stream = self.streams[id] else { throw .unknownStream(id) }
        guard let state = stream.receiveState else { throw .wrongDirection(id) }
        if let code = stream.peerResetCode { throw .reset(errorCode: code) }
        let count = self.streams[id]?.receiveBuffer.read(into: &buffer, maxLength: max(0, maxLength)) ?? 0
        self.streams[id]?.readableSignalled = false
        self.streams[id]?.receiveFlow.consume(UInt64(count))
        self.connectionReceive.consume(UInt64(count))
        let fin = self.streams[id]?.receiveBuffer.isFinished ?? false
        if fin, state == .dataReceived {
            self.streams[id]?.receiveState?.onAllDataRead()
            self.pushEvent(.finished(id))
        }
        // RFC 9000 §4.2: limits are raised as the application consumes data, without waiting for *_BLOCKED.
        if state == .receive, self.streams[id]?.receiveFlow.isUpdateDue == true {
            self.enqueueControl(.maxStreamData(id))
        }
        self.checkConnectionWindow()
        self.forgetIfClosed(id)
        return (count, fin)
    }

    /// Sets how the stream's data is scheduled against other streams.
    public mutating func setPriority(_ priority: StreamScheduler.Priority, for id: StreamID) throws(StreamError) {
        guard self.streams[id] != nil else { throw .unknownStream(id) }
        self.scheduler.setPriority(priority, for: id.rawValue)
    }

    // MARK: Events

    /// The next event for the application, or nil. Handing out ``StreamEvent/resetByPeer(_:errorCode:)``
    /// counts as the application having been told of the reset (RFC 9000 §3.2 "Reset Read").
    public mutating func pollEvent() -> StreamEvent? {
        guard self.eventHead < self.events.count else { return nil }
        let event = self.events[self.eventHead]
        self.eventHead += 1
        if self.eventHead == self.events.count {
            self.events.removeAll(keepingCapacity: true)
            self.eventHead = 0
        }
        if case .resetByPeer(let id, _) = event {
            self.streams[id]?.receiveState?.onResetRead()
            self.forgetIfClosed(id)
        }
        return event
    }

    mutating func pushEvent(_ event: StreamEvent) {
        self.events.append(event)
    }

    // MARK: Introspection

    public func sendState(of id: StreamID) -> SendStreamState? {
        self.streams[id]?.sendState
    }

    public func receiveState(of id: StreamID) -> ReceiveStreamState? {
        self.streams[id]?.receiveState
    }

    /// Streams not yet forgotten.
    public var openStreamCount: Int { self.streams.count }

    /// How many more bytes may be sent on all streams together under the peer's MAX_DATA.
    public var connectionSendCredit: UInt64 { self.connectionSend.available }

    /// The MAX_DATA limit this endpoint has advertised.
    public var advertisedMaxData: UInt64 { self.connectionReceive.advertisedLimit }

    // MARK: Bookkeeping shared by the receive and send paths

    mutating func enqueueControl(_ record: StreamFrameRecord) {
        guard self.controlQueued.insert(record).inserted else { return }
        self.controlQueue.append(record)
    }

    /// Queues MAX_DATA when the application has consumed enough of the connection window.
    mutating func checkConnectionWindow() {
        if self.connectionReceive.isUpdateDue { self.enqueueControl(.maxData) }
    }

    /// Puts the stream in the scheduler when a STREAM frame could go out now, else takes it out and notes
    /// what blocks it.
    mutating func updateScheduling(_ id: StreamID) {
        guard let stream = self.streams[id] else { return }
        if stream.canSend(connectionAvailable: self.connectionSend.available) {
            self.scheduler.enqueue(id.rawValue)
        } else {
            self.scheduler.remove(id.rawValue)
            self.noteBlocked(id)
        }
    }

    /// RFC 9000 §4.1: "A sender SHOULD send a STREAM_DATA_BLOCKED or DATA_BLOCKED frame to indicate to the
    /// receiver that it has data to write but is blocked by flow control limits."
    mutating func noteBlocked(_ id: StreamID) {
        guard let stream = self.streams[id], stream.hasUnsentData else { return }
        if stream.isBlockedByStreamLimit {
            if self.streams[id]?.sendFlow.blockedReport(hasPendingData: true) != nil {
                self.enqueueControl(.streamDataBlocked(id))
            }
        } else if self.connectionSend.available == 0 {
            if self.connectionBlockedSet.insert(id).inserted { self.connectionBlocked.append(id) }
            if self.connectionSend.blockedReport(hasPendingData: true) != nil {
                self.enqueueControl(.dataBlocked)
            }
        }
    }

    /// Forgets a stream whose parts are both terminal; a peer's stream returns its credit (RFC 9000 §4.6).
    mutating func forgetIfClosed(_ id: StreamID) {
        guard let stream = self.streams[id], stream.isClosed else { return }
        self.streams[id] = nil
        self.scheduler.forget(id.rawValue)
        guard id.initiator != self.localInitiator else { return }
        let raised = id.direction == .bidirectional
            ? self.bidirectionalCounts.remoteStreamClosed() : self.unidirectionalCounts.remoteStreamClosed()
        if raised != nil { self.enqueueControl(.maxStreams(id.direction)) }
    }

    /// Raises the number of streams this endpoint may open; tells the application when it had used up the
    /// old limit.
    mutating func raiseLocalStreamLimit(_ direction: StreamID.Direction, to limit: UInt64) {
        let counts = self.counts(direction)
        let wasExhausted = counts.localOpened >= counts.localLimit
        if direction == .bidirectional {
            self.bidirectionalCounts.raiseLocalLimit(to: limit)
        } else {
            self.unidirectionalCounts.raiseLocalLimit(to: limit)
        }
        if wasExhausted, self.counts(direction).localLimit > counts.localLimit {
            self.pushEvent(.streamsAvailable(direction))
        }
    }

    func counts(_ direction: StreamID.Direction) -> StreamCounts {
        direction == .bidirectional ? self.bidirectionalCounts : self.unidirectionalCounts
    }
}
