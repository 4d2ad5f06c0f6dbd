import QUICWire

/// The receiving side of one flow-control limit — a stream's (MAX_STREAM_DATA) or the connection's
/// (MAX_DATA) — with a window that grows when the application reads faster than the window allows.
///
/// RFC 9000 §4.2: "A receiver MUST NOT wait for a STREAM_DATA_BLOCKED or DATA_BLOCKED frame before
/// sending a MAX_STREAM_DATA or MAX_DATA frame; doing so could result in the sender being blocked for
/// the rest of the connection." Updates are therefore sent once the application has consumed half of
/// the window. Auto-tuning: when two updates come less than `tuningRTTs` round trips apart, the window
/// is the bottleneck, so it doubles (up to `maximumWindow`).
public struct ReceiveFlowControl: Sendable {
    /// The current window: how far past the consumed offset the peer may send.
    public private(set) var window: UInt64
    /// The largest window auto-tuning may reach.
    public let maximumWindow: UInt64
    /// The limit advertised to the peer (initial transport parameter or the last MAX_* frame).
    public private(set) var advertisedLimit: UInt64
    /// Bytes the application has consumed.
    public private(set) var consumed: UInt64 = 0
    /// The largest offset the peer has sent.
    public private(set) var received: UInt64 = 0
    /// The time of the last limit update, in nanoseconds of the connection's clock.
    private var lastUpdateTime: UInt64?
    /// How many round trips apart updates must be for the window to stay as it is.
    public var tuningRTTs: UInt64 = 2

    public init(initialWindow: UInt64, maximumWindow: UInt64) {
        self.window = initialWindow
        self.maximumWindow = max(initialWindow, maximumWindow)
        self.advertisedLimit = initialWindow
    }

    /// Records data up to `offset` from the peer.
    ///
    /// - Throws: FLOW_CONTROL_ERROR when the peer exceeded the advertised limit.
    public mutating func receive(upTo offset: UInt64) throws(TransportError) {
        guard offset <= self.advertisedLimit else {
            throw TransportError(.flowControlError,
                                 reason: "data up to \(offset) exceeds the advertised limit \(self.advertisedLimit)")
        }
        self.received = max(self.received, offset)
    }

    /// Records `count` more bytes consumed by the application (or discarded by a reset).
    public mutating func consume(_ count: UInt64) {
        self.consumed += count
    }

    /// Whether the application has consumed enough (more than half of the window) for a new limit to be
    /// worth advertising; ``limitUpdate(now:smoothedRTT:)`` then returns one.
    public var isUpdateDue: Bool {
        let remaining = self.advertisedLimit - min(self.advertisedLimit, self.consumed)
        return (remaining < self.window / 2 || remaining == 0) && self.consumed + self.window > self.advertisedLimit
    }

    /// The new limit to advertise if an update is due now, else nil. Call it after consuming data;
    /// `now` and `smoothedRTT` are nanoseconds.
    public mutating func limitUpdate(now: UInt64, smoothedRTT: UInt64) -> UInt64? {
        let remaining = self.advertisedLimit - min(self.advertisedLimit, self.consumed)
        guard remaining < self.window / 2 || remaining == 0 else { return nil }
        if let last = self.lastUpdateTime, smoothedRTT > 0, now >= last,
           now - last < self.tuningRTTs * smoothedRTT, self.window < self.maximumWindow {
            self.window = min(self.maximumWindow, self.window * 2)
        }
        self.lastUpdateTime = now
        let limit = self.consumed + self.window
        guard limit > self.advertisedLimit else { return nil }
        self.advertisedLimit = limit
        return limit
    }
}

/// The sending side of one flow-control limit: the peer's MAX_DATA or MAX_STREAM_DATA.
public struct SendFlowControl: Sendable {
    /// The peer's current limit.
    public private(set) var limit: UInt64
    /// The largest offset sent.
    public private(set) var sent: UInt64 = 0
    /// The limit at which a *_BLOCKED frame was last sent, so it goes once per limit.
    private var blockedReportedAt: UInt64?

    public init(limit: UInt64) {
        self.limit = limit
    }

    /// Bytes that may still be sent.
    public var available: UInt64 { self.limit - min(self.limit, self.sent) }

    /// RFC 9000 §4.1: "A sender MUST ignore any MAX_STREAM_DATA or MAX_DATA frames that do not increase
    /// flow control limits."
    public mutating func raiseLimit(to newLimit: UInt64) {
        self.limit = max(self.limit, newLimit)
    }

    public mutating func recordSent(upTo offset: UInt64) {
        self.sent = max(self.sent, offset)
    }

    /// The limit to report in a DATA_BLOCKED / STREAM_DATA_BLOCKED frame, once per limit, when the
    /// sender has data it cannot send (RFC 9000 §4.1: "A sender SHOULD send a STREAM_DATA_BLOCKED or
    /// DATA_BLOCKED frame to indicate to the receiver that it has data to write but is blocked by flow
    /// control limits").
    public mutating func blockedReport(hasPendingData: Bool) -> UInt64? {
        guard hasPendingData, self.available == 0, self.blockedReportedAt != self.limit else { return nil }
        self.blockedReportedAt = self.limit
        return self.limit
    }
}
