import QUICWire

/// The send side of one stream's data (RFC 9000 §2.2, §13.3): holds what the application wrote until
/// the peer acknowledges it, hands out chunks for STREAM frames, and takes lost ranges back for
/// retransmission, which may leave on any path.
///
/// Retransmissions go before new data. Acknowledged bytes at the front are released, so memory use is
/// bounded by the data in flight plus what the application has queued.
public struct StreamSendBuffer: Sendable {
    /// Unacknowledged and unsent data: `storage[head...]` starts at stream offset `baseOffset`.
    private var storage: [UInt8] = []
    private var head = 0
    private var baseOffset: UInt64 = 0

    /// The offset after the last byte the application wrote.
    public private(set) var writtenEnd: UInt64 = 0
    /// The offset of the first byte never sent.
    public private(set) var nextNewOffset: UInt64 = 0
    /// True once the application has finished the stream.
    public private(set) var isFinishedByApplication = false
    /// Byte ranges declared lost and not yet sent again.
    private var lost = AckRanges()
    /// Byte ranges the peer has acknowledged.
    private var acknowledged = AckRanges()
    private var finSent = false
    private var finLost = false
    public private(set) var isFinAcknowledged = false

    public init() {}

    /// Queues bytes to send.
    public mutating func write(_ bytes: some Collection<UInt8>) {
        precondition(!self.isFinishedByApplication, "write after finish")
        self.storage.append(contentsOf: bytes)
        self.writtenEnd += UInt64(bytes.count)
    }

    /// Marks the end of the stream; the FIN goes with the last chunk (or alone).
    public mutating func finish() {
        self.isFinishedByApplication = true
    }

    /// Bytes written but never sent.
    public var unsentCount: UInt64 { self.writtenEnd - self.nextNewOffset }

    /// Bytes kept for possible retransmission or not yet sent.
    public var bufferedCount: Int { self.storage.count - self.head }

    /// True when there is something to send: lost data, new data allowed by `limit`, or a FIN.
    public func hasDataToSend(limit: UInt64) -> Bool {
        if !self.lost.isEmpty || self.finLost { return true }
        if self.nextNewOffset < self.writtenEnd, self.nextNewOffset < limit { return true }
        return self.isFinishedByApplication && !self.finSent && self.nextNewOffset == self.writtenEnd
    }

    /// The offset the next chunk from ``nextChunk(maxLength:limit:)`` starts at: the first lost byte, the
    /// FIN alone, or the first byte never sent. A packet builder needs it to size the frame header.
    public var nextChunkOffset: UInt64 {
        if let smallestLost = self.lost.smallest { return smallestLost }
        return self.finLost ? self.writtenEnd : self.nextNewOffset
    }

    /// True when all data and the FIN have been acknowledged.
    public var isFullyAcknowledged: Bool {
        self.isFinAcknowledged && self.baseOffset == self.writtenEnd
    }

    /// A chunk to send in a STREAM frame: at most `maxLength` bytes, new data only below `limit` (the
    /// peer's flow-control limit for this stream). Returns nil when there is nothing to send.
    public mutating func nextChunk(maxLength: Int, limit: UInt64)
        -> (offset: UInt64, data: ArraySlice<UInt8>, fin: Bool)?
    {
        guard maxLength > 0 else { return nil }
        if !self.lost.isEmpty {
            let range = self.lost[self.lost.rangeCount - 1]
            let length = min(UInt64(maxLength), range.upperBound - range.lowerBound + 1)
            let start = range.lowerBound
            let end = start + length
            self.lost.removeAll(below: end)
            let fin = self.finLost && end == self.writtenEnd && self.isFinishedByApplication
            if fin { self.finLost = false }
            return (start, self.bytes(start..<end), fin)
        }
        if self.finLost, self.lost.isEmpty {
            self.finLost = false
            return (self.writtenEnd, [], true)
        }
        let allowedEnd = min(self.writtenEnd, max(limit, self.nextNewOffset))
        let available = allowedEnd - self.nextNewOffset
        let length = min(UInt64(maxLength), available)
        let start = self.nextNewOffset
        let end = start + length
        let fin = self.isFinishedByApplication && end == self.writtenEnd && !self.finSent
        guard length > 0 || fin else { return nil }
        self.nextNewOffset = end
        if fin { self.finSent = true }
        return (start, self.bytes(start..<end), fin)
    }

    /// The bytes at `offset..<offset + length` when they are all still buffered (sent or not, but not
    /// acknowledged and released), for sending a copy of a frame on another path.
    public func bufferedBytes(offset: UInt64, length: Int) -> ArraySlice<UInt8>? {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(length))
        guard !overflow, offset >= self.baseOffset, end <= self.writtenEnd else { return nil }
        return self.bytes(offset..<end)
    }

    private func bytes(_ range: Range<UInt64>) -> ArraySlice<UInt8> {
        let start = self.head + Int(range.lowerBound - self.baseOffset)
        return self.storage[start..<(start + Int(range.upperBound - range.lowerBound))]
    }

    /// The peer acknowledged a STREAM frame.
    public mutating func acknowledge(offset: UInt64, length: Int, fin: Bool) {
        if fin { self.isFinAcknowledged = true; self.finLost = false }
        guard length > 0 else { return }
        // Bytes below `baseOffset` were released already; keeping them in `acknowledged` would leave a
        // range below the base that stops every later prefix release.
        let end = offset + UInt64(length)
        let start = max(offset, self.baseOffset)
        guard start < end else { return }
        self.acknowledged.insert(start...(end - 1))
        self.removeFromLost(start..<end)
        // Release the acknowledged prefix.
        if let first = self.acknowledged.smallest, first <= self.baseOffset {
            let prefixEnd = self.acknowledged[self.acknowledged.rangeCount - 1].upperBound + 1
            if prefixEnd > self.baseOffset {
                let released = Int(prefixEnd - self.baseOffset)
                self.head += released
                self.baseOffset = prefixEnd
                self.acknowledged.removeAll(below: prefixEnd)
                if self.head >= 16_384, self.head * 2 >= self.storage.count {
                    self.storage.removeFirst(self.head)
                    self.head = 0
                }
            }
        }
    }

    /// A STREAM frame was declared lost: its bytes that are still unacknowledged go back in the queue.
    public mutating func markLost(offset: UInt64, length: Int, fin: Bool) {
        if fin, !self.isFinAcknowledged { self.finLost = true }
        guard length > 0 else { return }
        let end = offset + UInt64(length)
        var cursor = max(offset, self.baseOffset)
        // Walk the acknowledged ranges from the smallest up and queue the gaps between them.
        var index = self.acknowledged.rangeCount - 1
        while index >= 0, cursor < end {
            let acked = self.acknowledged[index]
            index -= 1
            if acked.upperBound < cursor { continue }
            if acked.lowerBound >= end { break }
            if acked.lowerBound > cursor {
                self.lost.insert(cursor...(acked.lowerBound - 1))
            }
            cursor = acked.upperBound + 1
        }
        if cursor < end {
            self.lost.insert(cursor...(end - 1))
        }
    }

    private mutating func removeFromLost(_ range: Range<UInt64>) {
        guard !self.lost.isEmpty else { return }
        var remaining = AckRanges()
        for lostRange in self.lost {
            if lostRange.lowerBound < range.lowerBound {
                remaining.insert(lostRange.lowerBound...min(lostRange.upperBound, range.lowerBound - 1))
            }
            if lostRange.upperBound >= range.upperBound {
                remaining.insert(max(lostRange.lowerBound, range.upperBound)...lostRange.upperBound)
            }
        }
        self.lost = remaining
    }
}
