/// The outcome of offering a datagram to a link direction.
enum LinkOffer {
    /// Dropped for `reason`; `enqueued` says whether it entered the queue first (wire loss).
    case dropped(DropReason, enqueued: Bool)
    /// Will arrive at `arrival`, and a duplicate copy too when `duplicate` is set.
    case scheduled(arrival: SimInstant, duplicate: Bool)
}

/// The running state of one direction of a link: its queue, transmitter, loss chain and random streams.
struct LinkDirectionState {
    var parameters: LinkParameters
    var isUp = true
    /// Incremented each time the direction goes down; datagrams in flight from an older generation are lost.
    var generation: UInt64 = 0
    var statistics = LinkStatistics()

    /// When the transmitter finishes the last queued datagram.
    private var busyUntil = SimInstant.zero
    /// The fractional nanoseconds of `busyUntil`, in units of 1/rate ns, so long runs hit the rate exactly.
    private var serializationRemainder: UInt64 = 0
    /// Datagrams in the queue (waiting or being serialized): their finish times and sizes, oldest first.
    private var queueFinish: [SimInstant] = []
    private var queueSizes: [Int] = []
    private var queueHead = 0
    private(set) var queuedBytes = 0
    /// The latest arrival time handed out to a datagram that was not reordered.
    private var lastArrival = SimInstant.zero
    private var lossState = LossState()

    private var lossRandom: SimRandom
    private var jitterRandom: SimRandom
    private var duplicateRandom: SimRandom
    private var reorderRandom: SimRandom

    /// A direction whose random streams derive from `seed` and `label` (unique per direction).
    init(parameters: LinkParameters, seed: UInt64, label: String) {
        self.parameters = parameters
        self.lossRandom = SimRandom(seed: seed, stream: label + "/loss")
        self.jitterRandom = SimRandom(seed: seed, stream: label + "/jitter")
        self.duplicateRandom = SimRandom(seed: seed, stream: label + "/duplicate")
        self.reorderRandom = SimRandom(seed: seed, stream: label + "/reorder")
    }

    /// Takes the direction down: everything queued or in flight is lost.
    mutating func goDown() {
        guard self.isUp else {
            return
        }
        self.isUp = false
        self.generation &+= 1
        self.queueFinish.removeAll(keepingCapacity: true)
        self.queueSizes.removeAll(keepingCapacity: true)
        self.queueHead = 0
        self.queuedBytes = 0
        // Nothing in flight will arrive, so later datagrams need not wait behind it.
        self.lastArrival = .zero
    }

    mutating func goUp(now: SimInstant) {
        guard !self.isUp else {
            return
        }
        self.isUp = true
        self.busyUntil = now
        self.serializationRemainder = 0
    }

    /// Applies a per-direction change from a schedule. Link-wide changes (NAT, addresses) are the network's.
    mutating func apply(_ change: LinkChange, now: SimInstant) {
        switch change {
        case .down:
            self.goDown()
        case .up:
            self.goUp(now: now)
        case .rate(let rate):
            self.parameters.rate = rate
            self.serializationRemainder = 0
        case .delay(let delay):
            self.parameters.delay = delay
        case .jitter(let jitter):
            self.parameters.jitter = jitter
        case .loss(let loss):
            self.parameters.loss = loss
        case .parameters(let parameters):
            self.parameters = parameters
            self.serializationRemainder = 0
        case .natRebinding, .addressChange:
            break
        }
    }

    /// Removes datagrams whose serialization finished at or before `now` from the queue.
    private mutating func drainQueue(now: SimInstant) {
        while self.queueHead < self.queueFinish.count && self.queueFinish[self.queueHead] <= now {
            self.queuedBytes -= self.queueSizes[self.queueHead]
            self.queueHead += 1
        }
        if self.queueHead == self.queueFinish.count {
            self.queueFinish.removeAll(keepingCapacity: true)
            self.queueSizes.removeAll(keepingCapacity: true)
            self.queueHead = 0
        } else if self.queueHead > 64 && self.queueHead * 2 > self.queueFinish.count {
            self.queueFinish.removeFirst(self.queueHead)
            self.queueSizes.removeFirst(self.queueHead)
            self.queueHead = 0
        }
    }

    /// The time the transmitter needs for `size` bytes starting at `start`, carrying the fractional
    /// nanoseconds over to the next datagram.
    private mutating func finishTime(size: Int, start: SimInstant) -> SimInstant {
        let rate = self.parameters.rate
        guard rate > 0 else {
            self.serializationRemainder = 0
            return start
        }
        let numerator = UInt64(size) * 1_000_000_000 + self.serializationRemainder
        self.serializationRemainder = numerator % rate
        return start + SimDuration(nanoseconds: numerator / rate)
    }

    /// Offers `datagram` at `now`; may mark it CE. The caller counts drops and deliveries.
    mutating func offer(_ datagram: inout SimDatagram, now: SimInstant) -> LinkOffer {
        let size = datagram.size
        self.statistics.sent += 1
        self.statistics.sentBytes += UInt64(size)
        guard self.isUp else {
            return .dropped(.linkDown, enqueued: false)
        }
        if let mtu = self.parameters.mtu, size > mtu {
            return .dropped(.mtu, enqueued: false)
        }
        self.drainQueue(now: now)
        if let capacity = self.parameters.queueCapacity, self.queuedBytes + size > capacity {
            return .dropped(.queueOverflow, enqueued: false)
        }
        if let threshold = self.parameters.ceMarkingThreshold, self.queuedBytes >= threshold,
           datagram.ecn.isECNCapable {
            if datagram.ecn != .ce {
                self.statistics.ceMarked += 1
            }
            datagram.ecn = .ce
        }

        let start: SimInstant
        if now > self.busyUntil {
            start = now
            self.serializationRemainder = 0
        } else {
            start = self.busyUntil
        }
        let finish = self.finishTime(size: size, start: start)
        self.busyUntil = finish
        self.queueFinish.append(finish)
        self.queueSizes.append(size)
        self.queuedBytes += size
        self.statistics.maxQueueBytes = max(self.statistics.maxQueueBytes, self.queuedBytes)

        if self.lossState.shouldLose(self.parameters.loss, random: &self.lossRandom) {
            return .dropped(.loss, enqueued: true)
        }

        var arrival = finish + self.parameters.delay
        if self.parameters.jitter.nanoseconds > 0 {
            let extra = self.jitterRandom.nextValue(upToInclusive: self.parameters.jitter.nanoseconds)
            arrival = arrival + SimDuration(nanoseconds: extra)
        }
        if self.reorderRandom.chance(self.parameters.reorderProbability) {
            arrival = arrival + self.parameters.reorderDelay
            self.statistics.reordered += 1
        } else {
            arrival = max(arrival, self.lastArrival)
            self.lastArrival = arrival
        }
        let duplicate = self.duplicateRandom.chance(self.parameters.duplicateProbability)
        if duplicate {
            self.statistics.duplicated += 1
        }
        return .scheduled(arrival: arrival, duplicate: duplicate)
    }
}
