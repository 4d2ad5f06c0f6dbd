/// Datagrams accepted by one link direction and waiting for their delivery time, oldest first.
///
/// Delivery times never decrease (``RelayLinkDirection`` keeps them in order), so a FIFO is enough.
/// Storage is reused: after warm-up, pushing and popping does not allocate.
struct RelayPendingQueue {
    struct Entry {
        var deliverAt: UInt64
        var slot: Int
        var count: Int
        var flow: Int
    }

    private var entries: [Entry] = []
    private var head = 0

    var isEmpty: Bool {
        self.head == self.entries.count
    }

    var first: Entry? {
        self.head < self.entries.count ? self.entries[self.head] : nil
    }

    mutating func append(_ entry: Entry) {
        if self.head > 0 && self.head == self.entries.count {
            self.entries.removeAll(keepingCapacity: true)
            self.head = 0
        } else if self.head >= 4_096 && self.head * 2 >= self.entries.count {
            self.entries.removeFirst(self.head)
            self.head = 0
        }
        self.entries.append(entry)
    }

    mutating func popFirst() -> Entry? {
        guard self.head < self.entries.count else {
            return nil
        }
        let entry = self.entries[self.head]
        self.head += 1
        return entry
    }
}

/// Reusable datagram buffers, addressed by slot number.
struct RelayBufferPool {
    private(set) var buffers: [[UInt8]] = []
    private var free: [Int] = []

    /// A slot holding a copy of `bytes`.
    mutating func store(_ bytes: UnsafeRawBufferPointer) -> Int {
        let slot: Int
        if let reused = self.free.popLast() {
            slot = reused
        } else {
            slot = self.buffers.count
            self.buffers.append([])
        }
        if self.buffers[slot].count < bytes.count {
            self.buffers[slot] = [UInt8](repeating: 0, count: max(bytes.count, 2_048))
        }
        self.buffers[slot].withUnsafeMutableBytes { $0.copyMemory(from: bytes) }
        return slot
    }

    /// Runs `body` over the first `count` bytes of `slot`.
    func withBytes<Result>(slot: Int, count: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        self.buffers[slot].withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
    }

    mutating func release(_ slot: Int) {
        self.free.append(slot)
    }
}
