import QUICWire

/// One stream as ``StreamManager`` keeps it: the parts that exist for its direction (RFC 9000 §2.1: a
/// unidirectional stream has only a sending part at its initiator and only a receiving part at the peer),
/// with their buffers, states and stream-level flow control.
struct ManagedStream: Sendable {
    let id: StreamID

    // MARK: Sending part

    /// Nil when this endpoint cannot send on the stream.
    var sendState: SendStreamState?
    var sendBuffer = StreamSendBuffer()
    /// The peer's MAX_STREAM_DATA limit.
    var sendFlow: SendFlowControl
    /// The code and final size of the RESET_STREAM this endpoint sends.
    var localReset: (code: UInt64, finalSize: UInt64)?
    /// The code of the peer's STOP_SENDING.
    var peerStopSendingCode: UInt64?
    /// A write accepted fewer bytes than offered: tell the application when space frees up.
    var wantsWritable = false

    // MARK: Receiving part

    /// Nil when the peer cannot send on the stream.
    var receiveState: ReceiveStreamState?
    var receiveBuffer = StreamReceiveBuffer()
    /// The limit this endpoint advertises in MAX_STREAM_DATA.
    var receiveFlow: ReceiveFlowControl
    /// The code of the peer's RESET_STREAM.
    var peerResetCode: UInt64?
    /// The code of the STOP_SENDING this endpoint sends.
    var localStopSendingCode: UInt64?
    /// A `readable` event went out and the application has not read since.
    var readableSignalled = false

    init(id: StreamID, canSend: Bool, canReceive: Bool, sendLimit: UInt64, receiveWindow: UInt64,
         maximumReceiveWindow: UInt64) {
        self.id = id
        self.sendState = canSend ? .ready : nil
        self.receiveState = canReceive ? .receive : nil
        self.sendFlow = SendFlowControl(limit: sendLimit)
        self.receiveFlow = ReceiveFlowControl(initialWindow: receiveWindow, maximumWindow: maximumReceiveWindow)
    }

    /// Both parts are in a terminal state (RFC 9000 §3: the stream can be forgotten).
    var isClosed: Bool {
        (self.sendState?.isTerminal ?? true) && (self.receiveState?.isTerminal ?? true)
    }

    /// Whether the sending part still sends STREAM frames (not reset, FIN not yet acknowledged).
    var isSendingData: Bool {
        self.sendState == .ready || self.sendState == .send || self.sendState == .dataSent
    }

    /// The largest new-data offset this stream may reach given `connectionAvailable` bytes of
    /// connection-level credit.
    func sendLimit(connectionAvailable: UInt64) -> UInt64 {
        min(self.sendFlow.limit, self.sendBuffer.nextNewOffset + connectionAvailable)
    }

    /// Whether a STREAM frame could go out now.
    func canSend(connectionAvailable: UInt64) -> Bool {
        self.isSendingData
            && self.sendBuffer.hasDataToSend(limit: self.sendLimit(connectionAvailable: connectionAvailable))
    }

    /// Written data that waits only for flow-control credit.
    var hasUnsentData: Bool {
        self.isSendingData && self.sendBuffer.unsentCount > 0
    }

    /// Whether the peer's stream limit is what holds the unsent data back.
    var isBlockedByStreamLimit: Bool {
        self.sendBuffer.nextNewOffset >= self.sendFlow.limit
    }

    // MARK: Receiving

    /// What taking a STREAM frame or RESET_STREAM did, for connection-level accounting and events.
    struct ReceiveOutcome {
        /// How far the highest received offset moved (counts against the connection's window).
        var advance: UInt64 = 0
        /// Bytes released for connection-level credit without being read (the rest of a reset stream).
        var released: UInt64 = 0
        /// Whether to tell the application the stream is readable.
        var notifyReadable = false
        /// Whether to tell the application about a new reset.
        var notifyReset = false
    }

    /// Takes one STREAM frame. RFC 9000 §4.5 (final size) and §4.1 (stream flow control) are checked by the
    /// receive buffer.
    mutating func receive(_ frame: StreamFrame) throws(TransportError) -> ReceiveOutcome {
        var outcome = ReceiveOutcome()
        outcome.advance = try self.receiveBuffer.receive(offset: frame.offset, data: frame.data, fin: frame.fin,
                                                         limit: self.receiveFlow.advertisedLimit)
        try self.receiveFlow.receive(upTo: self.receiveBuffer.highestReceived)
        guard var state = self.receiveState, state == .receive || state == .sizeKnown else { return outcome }
        if frame.fin { state.onFinReceived() }
        if self.receiveBuffer.isComplete { state.onAllDataReceived() }
        self.receiveState = state
        if !self.readableSignalled, self.receiveBuffer.readableCount > 0 || self.receiveBuffer.isComplete {
            self.readableSignalled = true
            outcome.notifyReadable = true
        }
        return outcome
    }

    /// Takes a RESET_STREAM.
    ///
    /// RFC 9000 §3.2: "Receiving a RESET_STREAM frame in the 'Recv' or 'Size Known' state causes the stream
    /// to enter the 'Reset Recvd' state." Once all data has arrived the reset may be ignored, but its final
    /// size must still agree (§4.5).
    mutating func receiveReset(_ frame: ResetStreamFrame) throws(TransportError) -> ReceiveOutcome {
        var outcome = ReceiveOutcome()
        switch self.receiveState {
        case .dataReceived, .dataRead:
            guard frame.finalSize == self.receiveBuffer.finalSize else {
                throw TransportError(.finalSizeError, reason: "RESET_STREAM final size \(frame.finalSize) differs "
                                         + "from the known final size of stream \(self.id)")
            }
        case .resetReceived, .resetRead:
            try self.receiveBuffer.reset(finalSize: frame.finalSize, limit: self.receiveFlow.advertisedLimit)
        case .receive, .sizeKnown:
            let readOffset = self.receiveBuffer.readOffset
            outcome.advance = try self.receiveBuffer.reset(finalSize: frame.finalSize,
                                                           limit: self.receiveFlow.advertisedLimit)
            try self.receiveFlow.receive(upTo: frame.finalSize)
            outcome.released = frame.finalSize - min(frame.finalSize, readOffset)
            self.receiveState?.onResetReceived()
            self.peerResetCode = frame.applicationErrorCode
            outcome.notifyReset = true
        case nil:
            break
        }
        return outcome
    }

    // MARK: Resetting

    /// Abandons the sending part with `code` (RFC 9000 §3.1: from "Ready", "Send" or "Data Sent"); returns
    /// false when it is already reset or fully acknowledged.
    mutating func resetSending(code: UInt64) -> Bool {
        guard let state = self.sendState, state.canReset else { return false }
        self.localReset = (code, self.sendBuffer.nextNewOffset)
        self.sendState?.onResetSent()
        // The data will never be sent again: free it, keeping only the final size.
        self.sendBuffer = StreamSendBuffer()
        self.wantsWritable = false
        return true
    }
}
