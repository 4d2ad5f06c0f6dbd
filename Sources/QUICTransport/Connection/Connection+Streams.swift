import QUICRecovery
import QUICWire

/// Why a DATAGRAM could not be queued.
public enum DatagramError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The peer did not advertise max_datagram_frame_size (RFC 9221 §3), or has not yet.
    case notSupportedByPeer
    /// The datagram does not fit the peer's max_datagram_frame_size or the path's datagram size.
    case tooLarge(size: Int, maximum: Int)
    /// The connection is closing or closed.
    case connectionClosed

    public var description: String {
        switch self {
        case .notSupportedByPeer: return "the peer does not accept DATAGRAM frames"
        case .tooLarge(let size, let maximum): return "a \(size)-byte datagram exceeds the maximum of \(maximum) bytes"
        case .connectionClosed: return "the connection is closed"
        }
    }
}

extension Connection {
    /// Opens a stream of ours (RFC 9000 §2.1). Throws ``StreamError/streamLimitReached`` when the peer's
    /// MAX_STREAMS does not allow another one yet (a ``StreamEvent/streamsAvailable(_:)`` follows).
    public func openStream(_ direction: StreamID.Direction) throws(StreamError) -> StreamID {
        try self.checkOpen()
        return try self.streams.openStream(direction)
    }

    /// Queues bytes on a stream; returns how many were accepted (fewer when the send buffer is full).
    @discardableResult
    public func write(_ bytes: some Collection<UInt8>, to stream: StreamID) throws(StreamError) -> Int {
        try self.checkOpen()
        return try self.streams.write(stream, bytes)
    }

    /// Ends the sending side of a stream after the bytes written so far (a FIN).
    public func finish(_ stream: StreamID) throws(StreamError) {
        try self.checkOpen()
        try self.streams.finish(stream)
    }

    /// Abandons sending on a stream with RESET_STREAM.
    public func reset(_ stream: StreamID, errorCode: UInt64) throws(StreamError) {
        try self.checkOpen()
        try self.streams.reset(stream, errorCode: errorCode)
    }

    /// Asks the peer to stop sending on a stream with STOP_SENDING.
    public func stopSending(_ stream: StreamID, errorCode: UInt64) throws(StreamError) {
        try self.checkOpen()
        try self.streams.stopSending(stream, errorCode: errorCode)
    }

    /// Reads up to `maxLength` in-order bytes of a stream, appending them to `buffer`.
    public func read(_ stream: StreamID, into buffer: inout [UInt8],
                     maxLength: Int = .max) throws(StreamError) -> (count: Int, fin: Bool) {
        try self.streams.read(stream, into: &buffer, maxLength: maxLength)
    }

    /// Sets a stream's priority (RFC 9218 urgency and incremental).
    public func setPriority(_ priority: StreamScheduler.Priority, for stream: StreamID) throws(StreamError) {
        try self.streams.setPriority(priority, for: stream)
    }

    /// The send and receive state of a stream, for tests and diagnostics.
    public func streamState(_ stream: StreamID) -> (send: SendStreamState?, receive: ReceiveStreamState?) {
        (self.streams.sendState(of: stream), self.streams.receiveState(of: stream))
    }

    private func checkOpen() throws(StreamError) {
        guard self.closeState.isOpen else { throw StreamError.connectionClosed }
    }

    /// The largest DATAGRAM payload that can be sent now.
    public var maxDatagramPayloadSize: Int? {
        guard let peerMaximum = self.peerMaxDatagramFrameSize else { return nil }
        // A 1-RTT packet: first byte, CID, up to 4 packet number bytes, the tag; a DATAGRAM type byte and a
        // length of up to 2 bytes.
        let overhead = 1 + self.currentPeerCID.length + 4 + Connection.tagLength + 1 + 2
        return max(0, min(Int(min(peerMaximum, UInt64(Int.max))) - 3, self.path.pmtu.currentSize - overhead))
    }

    /// Queues an unreliable DATAGRAM (RFC 9221). It is sent once and never retransmitted. When
    /// ``ConnectionConfiguration/datagramSendQueueLimit`` are already waiting, the oldest of them is dropped; with
    /// ``ConnectionConfiguration/datagramMaxQueueDelay`` set, it is dropped if it waits longer than that.
    ///
    /// - Parameters:
    ///   - intent: with multipath, how the scheduler places it: `.redundant` sends a copy on every usable path (the
    ///     receiver keeps the first), `.pinned(path)` only on that path.
    ///   - now: when it is queued, which its maximum delay counts from; the time of the connection's last input
    ///     when omitted.
    public func sendDatagram(_ bytes: [UInt8], intent: SendIntent.Kind = .bulk,
                             now: QUICInstant? = nil) throws(DatagramError) {
        guard self.closeState.isOpen else { throw .connectionClosed }
        guard let maximum = self.maxDatagramPayloadSize else { throw .notSupportedByPeer }
        guard bytes.count <= maximum else { throw .tooLarge(size: bytes.count, maximum: maximum) }
        let queued = QueuedDatagram(bytes: bytes, kind: intent, queuedAt: now?.nanosecondsSinceOrigin ?? self.lastNow)
        if self.datagramsToSend.append(queued) { self.stats.datagramsDroppedWhenFull += 1 }
    }

    /// Makes the connection send a PING (for example to keep a NAT binding or to measure the RTT).
    public func ping() {
        self.pingPending = true
    }

    /// Starts a key update now (RFC 9001 §6), if the previous one has been acknowledged.
    public func initiateKeyUpdate(now: QUICInstant) -> Bool {
        guard self.isHandshakeConfirmed, let write = self.oneRTTWrite, let read = self.oneRTTRead,
              write.keyPhase == read.keyPhase, self.writePhaseAcknowledged else { return false }
        do {
            try self.oneRTTWrite?.update()
        } catch {
            return false
        }
        self.packetsInWritePhase = 0
        self.writePhaseFirstPacket = nil
        self.writePhaseAcknowledged = false
        self.stats.keyUpdates += 1
        return true
    }
}
