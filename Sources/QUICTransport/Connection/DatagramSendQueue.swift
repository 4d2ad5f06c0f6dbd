/// A DATAGRAM waiting to be sent, with the application's intent for it and when it was queued.
struct QueuedDatagram {
    var bytes: [UInt8]
    var kind: SendIntent.Kind
    /// Connection clock, nanoseconds.
    var queuedAt: UInt64
}

/// The DATAGRAMs (RFC 9221) a connection has yet to send, oldest first, bounded in number and optionally in age.
///
/// DATAGRAMs are unreliable: when the application queues faster than the paths carry, waiting longer only makes
/// every later one late too (a tunnel's packets, a game's state). So the queue keeps at most ``limit``: one more
/// drops the oldest waiting one. With ``maxDelay`` set, a DATAGRAM that waited that long is dropped when the next
/// packet is built instead of being sent late. The connection counts both drops in its statistics.
struct DatagramSendQueue {
    private var storage: [QueuedDatagram] = []
    private var head = 0
    /// The most DATAGRAMs that may wait (at least 1).
    var limit: Int
    /// Nanoseconds after which a waiting DATAGRAM is dropped; nil keeps them until sent.
    var maxDelay: UInt64?

    init(limit: Int, maxDelay: UInt64?) {
        self.limit = max(1, limit)
        self.maxDelay = maxDelay
    }

    init(configuration: ConnectionConfiguration) {
        self.init(limit: configuration.datagramSendQueueLimit,
                  maxDelay: configuration.datagramMaxQueueDelay.map { UInt64(max($0.nanoseconds, 0)) })
    }

    var isEmpty: Bool { self.head == self.storage.count }

    /// How many are waiting.
    var count: Int { self.storage.count - self.head }

    /// The length of the array behind the queue, gone DATAGRAMs included until it is compacted.
    var storageCount: Int { self.storage.count }

    /// The oldest waiting DATAGRAM.
    var first: QueuedDatagram? { self.isEmpty ? nil : self.storage[self.head] }

    /// Queues a DATAGRAM, dropping the oldest waiting one when the queue is full; says whether one was dropped.
    @discardableResult
    mutating func append(_ datagram: QueuedDatagram) -> Bool {
        let full = self.count >= self.limit
        if full { self.head += 1 }
        self.storage.append(datagram)
        self.compact()
        return full
    }

    /// Removes the oldest waiting DATAGRAM (it was sent).
    mutating func removeFirst() {
        guard !self.isEmpty else { return }
        self.head += 1
        self.compact()
    }

    /// Drops the waiting DATAGRAMs that are ``maxDelay`` old or older at `now` (they are at the front, the queue
    /// being in the order they were queued) and returns how many.
    mutating func dropExpired(now: UInt64) -> Int {
        guard let maxDelay = self.maxDelay else { return 0 }
        let before = self.head
        while self.head < self.storage.count, now >= self.storage[self.head].queuedAt &+ maxDelay {
            self.head += 1
        }
        let dropped = self.head - before
        if dropped > 0 { self.compact() }
        return dropped
    }

    /// Releases the storage of the DATAGRAMs already gone: all of it once the queue is empty, and the front half
    /// when it is more than half the array, so a queue that never empties does not grow without bound.
    private mutating func compact() {
        if self.head == self.storage.count {
            self.storage.removeAll(keepingCapacity: true)
            self.head = 0
        } else if self.head >= 64, self.head * 2 >= self.storage.count {
            self.storage.removeFirst(self.head)
            self.head = 0
        }
    }
}
