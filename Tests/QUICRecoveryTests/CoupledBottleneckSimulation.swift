import QUICRecovery

/// A deterministic model of several paths sharing one drop-tail bottleneck, for the coupled congestion
/// control tests: the question of RFC 6356 goal 2 is what a multipath connection takes from a single-path
/// flow when all of them cross the same link.
///
/// Every path has the same base RTT. A packet joins the bottleneck queue when it is sent; it is dropped
/// when the queue (in bytes) would exceed the buffer, and otherwise leaves after the packets ahead of it at
/// the link rate. Its acknowledgment, or the discovery of its loss, comes one base RTT after the moment it
/// leaves (or would have left). Those times never decrease, so one FIFO of events serves all paths.
struct CoupledBottleneckSimulation {
    static let datagramSize = 1_200

    var controllers: [any CongestionController]
    let baseRTT: QUICDuration
    /// Link rate in bytes per second.
    let rate: Double
    /// Queue limit in bytes.
    let buffer: Double
    private var events: [(time: QUICInstant, path: Int, sent: QUICInstant, size: Int, lost: Bool)] = []
    private var head = 0
    private var bytesInFlight: [Int]
    private var linkFreeAt: QUICInstant
    private var estimator: RTTEstimator
    /// Bytes each path had acknowledged after `measureFrom`.
    private(set) var delivered: [Int]
    private var now: QUICInstant
    private var measureFrom: QUICInstant

    init(_ controllers: [any CongestionController], baseRTT: QUICDuration, rate: Double, buffer: Double) {
        self.controllers = controllers
        self.baseRTT = baseRTT
        self.rate = rate
        self.buffer = buffer
        self.bytesInFlight = controllers.map { _ in 0 }
        self.delivered = controllers.map { _ in 0 }
        self.now = ms(0)
        self.linkFreeAt = ms(0)
        self.measureFrom = .distantFuture
        self.estimator = QUICRecoveryTests.estimator(sample: baseRTT)
        for index in self.controllers.indices {
            self.controllers[index].onRTTSample(self.estimator, now: self.now)
            self.fill(index)
        }
    }

    /// Runs until `end`, counting delivered bytes from `measureFrom` on.
    mutating func run(until end: QUICInstant, measureFrom: QUICInstant) {
        self.measureFrom = measureFrom
        while self.head < self.events.count, self.events[self.head].time <= end {
            let event = self.events[self.head]
            self.head += 1
            self.now = event.time
            self.bytesInFlight[event.path] -= event.size
            if event.lost {
                self.controllers[event.path].onPacketsLost(largestLostSentTime: event.sent, persistentCongestion: false,
                                                           now: self.now)
            } else {
                let packet = CongestionPacket(packetNumber: 0, timeSent: event.sent, size: event.size)
                self.controllers[event.path].onPacketAcked(packet, isAppLimited: false, rtt: self.estimator,
                                                           now: self.now)
                if self.now >= measureFrom {
                    self.delivered[event.path] += event.size
                }
            }
            self.fill(event.path)
            if self.head > 65_536 {
                self.events.removeFirst(self.head)
                self.head = 0
            }
        }
    }

    private mutating func fill(_ path: Int) {
        let size = Self.datagramSize
        let sent = self.now + .nanoseconds(1)
        while self.bytesInFlight[path] + size <= self.controllers[path].congestionWindow {
            let start = Swift.max(sent, self.linkFreeAt)
            let queued = (start - sent).seconds * self.rate
            let lost = queued + Double(size) > self.buffer
            if !lost {
                self.linkFreeAt = start + QUICDuration(seconds: Double(size) / self.rate)
            }
            let leaves = lost ? start : self.linkFreeAt
            self.controllers[path].onPacketSent(packetNumber: 0, bytes: size, now: sent)
            self.events.append((leaves + self.baseRTT, path, sent, size, lost))
            self.bytesInFlight[path] += size
        }
    }
}
