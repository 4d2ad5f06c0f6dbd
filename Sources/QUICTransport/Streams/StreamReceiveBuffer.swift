import QUICWire

/// The receive side of one stream's data (RFC 9000 §2.2, §4.5): reassembles STREAM frames that
/// arrive out of order, duplicated or overlapping, and delivers bytes to the application in order.
///
/// It enforces the final-size rules of RFC 9000 §4.5 and the stream's flow-control limit, but leaves
/// connection-level accounting to its owner, which learns how far the highest offset moved from the
/// value ``receive(offset:data:fin:limit:)`` returns.
public struct StreamReceiveBuffer: Sendable {
    /// Bytes ready for the application: `contiguous[head...]` starts at stream offset `readOffset`.
    private var contiguous: [UInt8] = []
    private var head = 0
    /// Data that arrived ahead of a gap, sorted by offset and not overlapping.
    private var pending: [(offset: UInt64, bytes: [UInt8])] = []

    /// The stream offset of the next byte the application will read.
    public private(set) var readOffset: UInt64 = 0
    /// The largest offset + length seen in any frame (RFC 9000 §4.5, counts toward flow control).
    public private(set) var highestReceived: UInt64 = 0
    /// The final size, once a frame with FIN (or RESET_STREAM) has told it.
    public private(set) var finalSize: UInt64?
    /// Set by ``reset(finalSize:limit:)``: later STREAM frames are still checked against the final size,
    /// but their data is no longer kept for an application that will never read it.
    public private(set) var isReset = false

    public init() {}

    /// The offset just past the in-order bytes received so far.
    public var contiguousEnd: UInt64 {
        self.readOffset + UInt64(self.contiguous.count - self.head)
    }

    /// The number of bytes the application can read now.
    public var readableCount: Int { self.contiguous.count - self.head }

    /// True once every byte up to the final size has been read.
    public var isFinished: Bool {
        guard let finalSize = self.finalSize else { return false }
        return self.readOffset == finalSize
    }

    /// True when all data up to the final size has arrived (the application may not have read it).
    public var isComplete: Bool {
        guard let finalSize = self.finalSize else { return false }
        return self.contiguousEnd == finalSize
    }

    /// Bytes held for the application, in order or not.
    public var bufferedCount: Int {
        self.readableCount + self.pending.reduce(0) { $0 + $1.bytes.count }
    }

    /// Takes the data of one STREAM frame.
    ///
    /// - Parameters:
    ///   - limit: the stream's flow-control limit (the largest offset this endpoint has allowed).
    /// - Returns: how far `highestReceived` advanced, for connection-level flow control.
    /// - Throws: FINAL_SIZE_ERROR or FLOW_CONTROL_ERROR as ``TransportError``.
    @discardableResult
    public mutating func receive(offset: UInt64, data: ArraySlice<UInt8>, fin: Bool,
                                 limit: UInt64) throws(TransportError) -> UInt64 {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(data.count))
        guard !overflow, end <= VarInt.max else {
            throw TransportError(.frameEncodingError, reason: "stream data beyond 2^62-1")
        }
        try self.checkFinalSize(end: end, fin: fin)
        // RFC 9000 §4.1: "A receiver MUST close the connection with an error of type FLOW_CONTROL_ERROR if
        // the sender violates the advertised connection or stream data limits".
        guard end <= limit else {
            throw TransportError(.flowControlError, reason: "stream data up to \(end) exceeds the limit \(limit)")
        }
        let advance = end > self.highestReceived ? end - self.highestReceived : 0
        self.highestReceived = max(self.highestReceived, end)
        if fin {
            self.finalSize = end
        }
        if !self.isReset {
            self.store(offset: offset, end: end, data: data)
        }
        return advance
    }

    /// Takes the final size from a RESET_STREAM frame; the data not yet read is discarded.
    ///
    /// - Returns: how far `highestReceived` advanced, for connection-level flow control.
    @discardableResult
    public mutating func reset(finalSize: UInt64, limit: UInt64) throws(TransportError) -> UInt64 {
        try self.checkFinalSize(end: finalSize, fin: true)
        guard finalSize <= limit else {
            throw TransportError(.flowControlError, reason: "final size \(finalSize) exceeds the limit \(limit)")
        }
        let advance = finalSize > self.highestReceived ? finalSize - self.highestReceived : 0
        self.highestReceived = max(self.highestReceived, finalSize)
        self.finalSize = finalSize
        self.isReset = true
        self.contiguous.removeAll()
        self.head = 0
        self.pending.removeAll()
        return advance
    }

    /// RFC 9000 §4.5: "Once a final size for a stream is known, it cannot change. If a RESET_STREAM or
    /// STREAM frame is received indicating a change in the final size for the stream, an endpoint SHOULD
    /// respond with an error of type FINAL_SIZE_ERROR [...] A receiver SHOULD treat receipt of data at or
    /// beyond the final size as an error of type FINAL_SIZE_ERROR [...] if a RESET_STREAM or STREAM frame
    /// is received indicating a final size that is lower than [the largest offset received], an endpoint
    /// SHOULD respond with an error of type FINAL_SIZE_ERROR".
    private func checkFinalSize(end: UInt64, fin: Bool) throws(TransportError) {
        if let finalSize = self.finalSize {
            if fin, end != finalSize {
                throw TransportError(.finalSizeError, reason: "final size changed from \(finalSize) to \(end)")
            }
            if end > finalSize {
                throw TransportError(.finalSizeError, reason: "data up to \(end) beyond the final size \(finalSize)")
            }
        } else if fin, end < self.highestReceived {
            throw TransportError(.finalSizeError,
                                 reason: "final size \(end) below data already received up to \(self.highestReceived)")
        }
    }

    private mutating func store(offset: UInt64, end: UInt64, data: ArraySlice<UInt8>) {
        let contiguousEnd = self.contiguousEnd
        guard end > contiguousEnd else { return }  // a duplicate of data already in order
        if offset <= contiguousEnd {
            let skip = Int(contiguousEnd - offset)
            self.contiguous.append(contentsOf: data.dropFirst(skip))
            self.drainPending()
            return
        }
        // Keep only the parts of [offset, end) that no pending chunk covers yet.
        var cursor = offset
        var pieces: [(offset: UInt64, bytes: [UInt8])] = []
        for chunk in self.pending {
            let chunkEnd = chunk.offset + UInt64(chunk.bytes.count)
            if chunkEnd <= cursor { continue }
            if chunk.offset >= end { break }
            if chunk.offset > cursor {
                pieces.append(self.slice(data, from: offset, range: cursor..<chunk.offset))
            }
            cursor = max(cursor, chunkEnd)
            if cursor >= end { break }
        }
        if cursor < end {
            pieces.append(self.slice(data, from: offset, range: cursor..<end))
        }
        for piece in pieces {
            let position = self.pending.firstIndex { $0.offset > piece.offset } ?? self.pending.count
            self.pending.insert(piece, at: position)
        }
    }

    private func slice(_ data: ArraySlice<UInt8>, from base: UInt64, range: Range<UInt64>)
        -> (offset: UInt64, bytes: [UInt8])
    {
        let start = data.startIndex + Int(range.lowerBound - base)
        let stop = data.startIndex + Int(range.upperBound - base)
        return (range.lowerBound, Array(data[start..<stop]))
    }

    private mutating func drainPending() {
        while let first = self.pending.first {
            let contiguousEnd = self.contiguousEnd
            guard first.offset <= contiguousEnd else { return }
            let firstEnd = first.offset + UInt64(first.bytes.count)
            if firstEnd > contiguousEnd {
                self.contiguous.append(contentsOf: first.bytes.dropFirst(Int(contiguousEnd - first.offset)))
            }
            self.pending.removeFirst()
        }
    }

    /// Moves up to `maxLength` in-order bytes to the end of `buffer`; returns how many.
    @discardableResult
    public mutating func read(into buffer: inout [UInt8], maxLength: Int = .max) -> Int {
        let count = min(maxLength, self.readableCount)
        guard count > 0 else { return 0 }
        buffer.append(contentsOf: self.contiguous[self.head..<(self.head + count)])
        self.consume(count)
        return count
    }

    /// Takes up to `maxLength` in-order bytes.
    public mutating func read(maxLength: Int = .max) -> [UInt8] {
        var bytes: [UInt8] = []
        self.read(into: &bytes, maxLength: maxLength)
        return bytes
    }

    private mutating func consume(_ count: Int) {
        self.head += count
        self.readOffset += UInt64(count)
        if self.head == self.contiguous.count {
            self.contiguous.removeAll(keepingCapacity: true)
            self.head = 0
        } else if self.head >= 16_384, self.head * 2 >= self.contiguous.count {
            self.contiguous.removeFirst(self.head)
            self.head = 0
        }
    }
}
