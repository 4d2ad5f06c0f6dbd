import HeapModule
import QUICRecovery

/// The earliest deadline of each connection of an endpoint, in a binary heap: the endpoint's next timeout is
/// the heap's minimum, O(1), and a changed deadline costs O(log n) (ARCHITECTURE.md §11).
///
/// A changed deadline is pushed as a new entry and the old one stays in the heap until it surfaces; an entry is
/// current only while it matches ``deadline(of:)``. The heap is rebuilt from the current deadlines when stale
/// entries outnumber live ones, so it never holds more than about twice the connections.
struct ConnectionTimerQueue {
    private struct Entry: Comparable {
        var deadline: UInt64
        var handle: Int

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.deadline < rhs.deadline || (lhs.deadline == rhs.deadline && lhs.handle < rhs.handle)
        }
    }

    private var heap = Heap<Entry>()
    private var current: [Int: UInt64] = [:]

    /// The number of connections with a deadline.
    var count: Int { self.current.count }

    func deadline(of handle: ConnectionHandle) -> QUICInstant? {
        self.current[handle.rawValue].map { QUICInstant(nanosecondsSinceOrigin: $0) }
    }

    /// Sets (or with nil, clears) the deadline of `handle`.
    mutating func set(_ deadline: QUICInstant?, for handle: ConnectionHandle) {
        let key = handle.rawValue
        guard let deadline else {
            self.current[key] = nil
            return
        }
        let value = deadline.nanosecondsSinceOrigin
        guard self.current[key] != value else { return }
        self.current[key] = value
        self.heap.insert(Entry(deadline: value, handle: key))
        if self.heap.count > 2 * self.current.count + 64 {
            self.heap = Heap(self.current.map { Entry(deadline: $0.value, handle: $0.key) })
        }
    }

    /// The earliest current deadline.
    mutating func earliest() -> QUICInstant? {
        self.dropStale()
        return self.heap.min.map { QUICInstant(nanosecondsSinceOrigin: $0.deadline) }
    }

    /// Removes and returns the connections whose deadline is at or before `now`, earliest first.
    mutating func popExpired(now: QUICInstant) -> [ConnectionHandle] {
        var expired: [ConnectionHandle] = []
        while true {
            self.dropStale()
            guard let top = self.heap.min, top.deadline <= now.nanosecondsSinceOrigin else { break }
            self.heap.removeMin()
            self.current[top.handle] = nil
            expired.append(ConnectionHandle(rawValue: top.handle))
        }
        return expired
    }

    private mutating func dropStale() {
        while let top = self.heap.min, self.current[top.handle] != top.deadline {
            self.heap.removeMin()
        }
    }
}
