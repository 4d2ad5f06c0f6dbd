/// What the event loop does at a point in time.
enum SimEventKind {
    /// A datagram arrives at the end of a link direction.
    case deliver(link: Int, direction: LinkDirectionID, generation: UInt64, datagram: SimDatagram)
    /// A node's timer fires (`isTimeout`) or the node is polled without a timeout (`!isTimeout`).
    case wake(node: Int, isTimeout: Bool)
    /// The scheduled link change with this index is applied.
    case change(index: Int)
}

struct SimEvent {
    var time: SimInstant
    /// Insertion order; breaks ties between events at the same time so runs are deterministic.
    var sequence: UInt64
    var kind: SimEventKind

    func precedes(_ other: SimEvent) -> Bool {
        if self.time != other.time {
            return self.time < other.time
        }
        return self.sequence < other.sequence
    }
}

/// A binary min-heap of events ordered by (time, sequence).
struct SimEventQueue {
    private var heap: [SimEvent] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool {
        self.heap.isEmpty
    }

    var count: Int {
        self.heap.count
    }

    /// The time of the earliest event.
    var nextTime: SimInstant? {
        self.heap.first?.time
    }

    mutating func push(_ kind: SimEventKind, at time: SimInstant) {
        let event = SimEvent(time: time, sequence: self.nextSequence, kind: kind)
        self.nextSequence += 1
        self.heap.append(event)
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.heap[child].precedes(self.heap[parent]) else {
                break
            }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> SimEvent? {
        guard !self.heap.isEmpty else {
            return nil
        }
        let last = self.heap.count - 1
        self.heap.swapAt(0, last)
        let event = self.heap.removeLast()
        var parent = 0
        let count = self.heap.count
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < count && self.heap[left].precedes(self.heap[smallest]) {
                smallest = left
            }
            if right < count && self.heap[right].precedes(self.heap[smallest]) {
                smallest = right
            }
            if smallest == parent {
                break
            }
            self.heap.swapAt(parent, smallest)
            parent = smallest
        }
        return event
    }
}
