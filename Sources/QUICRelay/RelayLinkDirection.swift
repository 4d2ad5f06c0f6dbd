/// What happens to a datagram offered to a link direction.
public enum RelayVerdict: Hashable, Sendable {
    /// Send it at this monotonic time (nanoseconds).
    case deliver(at: UInt64)
    case drop(RelayDropCause)
}

/// The emulation of one direction of a path, with time passed in: the relay thread feeds it the monotonic
/// clock and tests feed it synthetic time.
///
/// The serializer is modelled by the time it becomes idle: a datagram of `n` bytes accepted at `now` starts
/// at `max(now, idleAt)` and takes `n * 8 / rate` seconds. The bytes still waiting at `now` are
/// `(idleAt - now) * rate / 8`; a datagram that would make them exceed the queue capacity is dropped, except
/// that an idle link always accepts one datagram.
public struct RelayLinkDirection: Sendable {
    public private(set) var parameters: RelayDirectionParameters
    public private(set) var isUp = true
    public private(set) var statistics = RelayDirectionStatistics()
    /// When the serializer finishes everything accepted so far.
    public private(set) var idleAt: UInt64 = 0
    /// The latest delivery time handed out; later datagrams are never delivered before it.
    public private(set) var lastDelivery: UInt64 = 0
    private var random: RelayRandom

    public init(parameters: RelayDirectionParameters, seed: UInt64) {
        self.parameters = parameters
        self.random = RelayRandom(seed: seed)
    }

    /// Bytes waiting for or in serialization at `now`.
    public func queuedBytes(at now: UInt64) -> Int {
        guard self.parameters.rate > 0, self.idleAt > now else {
            return 0
        }
        let bytes = (Double(self.idleAt - now) * Double(self.parameters.rate) / 8e9).rounded(.up)
        return bytes < Double(Int.max) ? Int(bytes) : Int.max
    }

    /// Nanoseconds to serialize `byteCount` bytes at the current rate (rounded up).
    public func serializationTime(byteCount: Int) -> UInt64 {
        let rate = self.parameters.rate
        guard rate > 0 else {
            return 0
        }
        let bits = UInt64(max(byteCount, 0)) * 8
        let (high, low) = bits.multipliedFullWidth(by: 1_000_000_000)
        let (quotient, remainder) = rate.dividingFullWidth((high, low))
        return remainder == 0 ? quotient : quotient + 1
    }

    /// Offers a datagram of `byteCount` bytes arriving at `now`.
    public mutating func offer(byteCount: Int, now: UInt64) -> RelayVerdict {
        self.statistics.receivedPackets &+= 1
        self.statistics.receivedBytes &+= UInt64(max(byteCount, 0))
        guard self.isUp else {
            self.statistics.recordDrop(.outage)
            return .drop(.outage)
        }
        var departure = now
        if self.parameters.rate > 0 {
            let queued = self.queuedBytes(at: now)
            if queued > 0, let capacity = self.parameters.queue, queued + byteCount > capacity {
                self.statistics.recordDrop(.queue)
                return .drop(.queue)
            }
            departure = max(now, self.idleAt) &+ self.serializationTime(byteCount: byteCount)
            self.idleAt = departure
        }
        if self.parameters.loss > 0, self.random.unitInterval() < self.parameters.loss {
            self.statistics.recordDrop(.loss)
            return .drop(.loss)
        }
        var delivery = departure &+ self.parameters.delay
        if self.parameters.jitter > 0 {
            delivery &+= self.random.next() % (self.parameters.jitter &+ 1)
        }
        delivery = max(delivery, self.lastDelivery)
        self.lastDelivery = delivery
        return .deliver(at: delivery)
    }

    /// Takes the link down or brings it back. Going down empties the queue; the caller drops the datagrams
    /// it still holds for this direction and reports them with ``recordDrops(_:count:)``.
    public mutating func setLink(up: Bool, now: UInt64) {
        self.isUp = up
        if !up {
            self.idleAt = min(self.idleAt, now)
            self.lastDelivery = min(self.lastDelivery, now)
        }
    }

    /// Changes a parameter. Datagrams already accepted keep the times they were given.
    public mutating func apply(_ value: RelaySetting.Value) {
        self.parameters.apply(value)
    }

    public mutating func recordDrops(_ cause: RelayDropCause, count: UInt64 = 1) {
        self.statistics.recordDrop(cause, count: count)
    }

    public mutating func recordForwarded(bytes: Int) {
        self.statistics.recordForwarded(bytes: bytes)
    }
}
