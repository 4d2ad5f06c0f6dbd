import QUICRecovery

/// A deterministic packet-level model of a multipath sender, for the coupled congestion control tests.
///
/// Each path has a fixed RTT and loses every `lossInterval`-th packet it sends (a fixed loss rate, the
/// model RFC 6356's analysis uses). The sender keeps each path's window full; a packet is acknowledged,
/// or found lost, one RTT after it was sent, and the path refills its window at once (ACK clocking).
/// Events are processed in time order across paths, so a short path's ACKs interleave with a long one's.
struct CoupledFluidSimulation {
    struct Path {
        var controller: any CongestionController
        let rtt: QUICDuration
        /// Every `lossInterval`-th packet sent is lost; 0 for no loss.
        let lossInterval: Int
        var estimator: RTTEstimator
        var outstanding: [(sent: QUICInstant, size: Int, lost: Bool)] = []
        var head = 0
        var bytesInFlight = 0
        var packetsSent: UInt64 = 0
        /// Bytes acknowledged since measuring started.
        var deliveredBytes = 0
        /// The integral of the window over time since measuring started, in byte-seconds.
        var windowSeconds = 0.0

        var nextEvent: QUICInstant? {
            self.head < self.outstanding.count ? self.outstanding[self.head].sent + self.rtt : nil
        }
    }

    static let datagramSize = 1_200
    var paths: [Path]
    private(set) var now: QUICInstant
    private var measuringSince: QUICInstant?

    init(_ paths: [(controller: any CongestionController, rtt: QUICDuration, lossInterval: Int)],
         start: QUICInstant = ms(0)) {
        self.now = start
        self.paths = paths.map { path in
            Path(controller: path.controller, rtt: path.rtt, lossInterval: path.lossInterval,
                 estimator: estimator(sample: path.rtt, at: start))
        }
        for index in self.paths.indices {
            self.paths[index].controller.onRTTSample(self.paths[index].estimator, now: start)
            self.fill(index)
        }
    }

    /// The whole-byte windows of the paths now.
    var windows: [Int] {
        self.paths.map { $0.controller.congestionWindow }
    }

    /// Runs until `end`.
    mutating func run(until end: QUICInstant) {
        while true {
            var earliest: (index: Int, time: QUICInstant)?
            for (index, path) in self.paths.enumerated() {
                if let time = path.nextEvent, time < earliest?.time ?? .distantFuture {
                    earliest = (index, time)
                }
            }
            guard let (index, time) = earliest, time <= end else { break }
            self.advance(to: time)
            self.deliver(index)
            self.fill(index)
        }
        self.advance(to: end)
    }

    /// Starts measuring delivered bytes and average windows from now on.
    mutating func startMeasuring() {
        self.measuringSince = self.now
        for index in self.paths.indices {
            self.paths[index].deliveredBytes = 0
            self.paths[index].windowSeconds = 0
        }
    }

    /// Bytes per second each path delivered while measuring.
    var throughput: [Double] {
        guard let since = self.measuringSince, self.now > since else { return self.paths.map { _ in 0 } }
        let seconds = (self.now - since).seconds
        return self.paths.map { Double($0.deliveredBytes) / seconds }
    }

    /// The time-averaged window of each path while measuring, in bytes.
    var averageWindows: [Double] {
        guard let since = self.measuringSince, self.now > since else { return self.paths.map { _ in 0 } }
        let seconds = (self.now - since).seconds
        return self.paths.map { $0.windowSeconds / seconds }
    }

    private mutating func advance(to time: QUICInstant) {
        if self.measuringSince != nil {
            let elapsed = (time - self.now).seconds
            for index in self.paths.indices {
                self.paths[index].windowSeconds += Double(self.paths[index].controller.congestionWindow) * elapsed
            }
        }
        self.now = time
    }

    private mutating func deliver(_ index: Int) {
        let packet = self.paths[index].outstanding[self.paths[index].head]
        self.paths[index].head += 1
        self.paths[index].bytesInFlight -= packet.size
        if packet.lost {
            self.paths[index].controller.onPacketsLost(largestLostSentTime: packet.sent, persistentCongestion: false,
                                                       now: self.now)
        } else {
            let acked = CongestionPacket(packetNumber: 0, timeSent: packet.sent, size: packet.size)
            self.paths[index].controller.onPacketAcked(acked, isAppLimited: false, rtt: self.paths[index].estimator,
                                                       now: self.now)
            if self.measuringSince != nil {
                self.paths[index].deliveredBytes += packet.size
            }
        }
        if self.paths[index].head > 4_096 {
            self.paths[index].outstanding.removeFirst(self.paths[index].head)
            self.paths[index].head = 0
        }
    }

    /// Sends on path `index` while its window has room.
    private mutating func fill(_ index: Int) {
        let size = Self.datagramSize
        // Sent just after the acknowledgment that made room, so after a recovery period it started.
        let sent = self.now + .nanoseconds(1)
        while self.paths[index].bytesInFlight + size <= self.paths[index].controller.congestionWindow {
            self.paths[index].packetsSent += 1
            let interval = UInt64(self.paths[index].lossInterval)
            let lost = interval > 0 && self.paths[index].packetsSent % interval == 0
            self.paths[index].controller.onPacketSent(packetNumber: self.paths[index].packetsSent, bytes: size,
                                                      now: sent)
            self.paths[index].outstanding.append((sent, size, lost))
            self.paths[index].bytesInFlight += size
        }
    }
}
