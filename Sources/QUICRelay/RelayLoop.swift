import Glibc

/// The relay's event loop and all of its state. After ``Relay/start(reportInterval:duration:report:)`` it is
/// touched by the relay thread only; its statistics are read after the thread has finished.
final class RelayLoop: @unchecked Sendable {
    private struct Flow {
        let path: Int
        let client: RelaySocketAddress
        let upstream: RelayUDPSocket
    }

    private struct PathState {
        let name: String
        let listen: RelayUDPSocket
        var up: RelayLinkDirection
        var down: RelayLinkDirection
        var upQueue = RelayPendingQueue()
        var downQueue = RelayPendingQueue()
        var flowsByClient: [RelaySocketAddress.Key: Int] = [:]
    }

    private enum Owner {
        case wake
        case listen(path: Int)
        case upstream(flow: Int)
    }

    private var paths: [PathState] = []
    private var flows: [Flow] = []
    private var pool = RelayBufferPool()
    private var pollSet: [pollfd] = []
    private var owners: [Owner] = []
    private let target: RelaySocketAddress
    private let upstreamBind: RelaySocketAddress
    private let timeline: [RelayChange]
    private let pathIndex: [String: Int]
    private var nextChange = 0
    private let wakeDescriptor: Int32
    private let scratch: UnsafeMutableRawBufferPointer
    private var startTime: UInt64 = 0

    /// The listening addresses, in path order, with the ports the kernel chose.
    let listeningAddresses: [RelaySocketAddress]

    init(configuration: RelayConfiguration, wakeDescriptor: Int32) throws(RelayError) {
        self.target = configuration.target
        self.upstreamBind = configuration.target.isLoopback
            ? configuration.target.loopbackAnyPort : configuration.target.wildcardAnyPort
        self.timeline = configuration.timeline.changes
        self.wakeDescriptor = wakeDescriptor
        var addresses: [RelaySocketAddress] = []
        var index: [String: Int] = [:]
        self.pollSet.append(pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0))
        self.owners.append(.wake)
        for (number, path) in configuration.paths.enumerated() {
            let socket = try RelayUDPSocket(bindingTo: path.listen)
            addresses.append(try socket.localAddress())
            // Each direction of each path draws from its own stream so that adding a path does not
            // change the losses of another.
            let seed = configuration.seed &+ UInt64(number) &* 0x1_0000_0001
            self.paths.append(PathState(
                name: path.name, listen: socket,
                up: RelayLinkDirection(parameters: path.up, seed: seed),
                down: RelayLinkDirection(parameters: path.down, seed: ~seed)))
            self.pollSet.append(pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0))
            self.owners.append(.listen(path: number))
            index[path.name] = number
        }
        self.listeningAddresses = addresses
        self.pathIndex = index
        self.scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
    }

    deinit {
        self.scratch.deallocate()
    }

    /// Statistics of every path, in path order.
    var statistics: [RelayPathStatistics] {
        self.paths.map { path in
            var statistics = RelayPathStatistics(name: path.name)
            statistics.up = path.up.statistics
            statistics.down = path.down.statistics
            statistics.clients = path.flowsByClient.count
            return statistics
        }
    }

    /// Runs until the wake descriptor becomes readable or `duration` nanoseconds have passed.
    func run(reportInterval: UInt64?, duration: UInt64?, report: (String) -> Void) {
        self.startTime = RelayClock.now()
        let deadline = duration.map { self.startTime &+ $0 }
        var nextReport = reportInterval.map { self.startTime &+ $0 }
        while true {
            let now = RelayClock.now()
            self.applyChanges(upTo: now)
            self.sendDue(now: now)
            if let interval = reportInterval, let due = nextReport, now >= due {
                let seconds = Double(now - self.startTime) / 1e9
                report("--- \(String(format2: seconds)) s\n" + self.statistics.map(\.report).joined(separator: "\n"))
                nextReport = due &+ interval
            }
            if let deadline, now >= deadline {
                return
            }
            var wakeAt = deadline ?? UInt64.max
            wakeAt = min(wakeAt, nextReport ?? UInt64.max)
            if self.nextChange < self.timeline.count {
                wakeAt = min(wakeAt, self.startTime &+ self.timeline[self.nextChange].time)
            }
            for path in self.paths {
                wakeAt = min(wakeAt, path.upQueue.first?.deliverAt ?? UInt64.max)
                wakeAt = min(wakeAt, path.downQueue.first?.deliverAt ?? UInt64.max)
            }
            if !self.wait(until: wakeAt, now: now) {
                return
            }
        }
    }

    /// Polls the sockets until `wakeAt`, handling whatever arrives; false when asked to stop.
    ///
    /// `poll` counts in milliseconds, so waits under 2 ms are made of sleeps of at most 50 µs between
    /// non-blocking polls; that keeps send times within tens of microseconds of their schedule.
    private func wait(until wakeAt: UInt64, now: UInt64) -> Bool {
        var timeout: Int32 = -1
        if wakeAt != UInt64.max {
            let remaining = wakeAt > now ? wakeAt - now : 0
            if remaining >= 2_000_000 {
                timeout = Int32(clamping: remaining / 1_000_000 - 1)
            } else {
                timeout = 0
                if remaining > 0 {
                    RelayClock.sleep(nanoseconds: min(remaining, 50_000))
                }
            }
        }
        let ready = poll(&self.pollSet, nfds_t(self.pollSet.count), timeout)
        guard ready > 0 else {
            return true
        }
        // Flows added while handling datagrams extend pollSet; only the descriptors polled are examined.
        let polled = self.pollSet.count
        for position in 0..<polled where self.pollSet[position].revents != 0 {
            self.pollSet[position].revents = 0
            switch self.owners[position] {
            case .wake:
                return false
            case .listen(let path):
                self.receiveFromClients(path: path)
            case .upstream(let flow):
                self.receiveFromTarget(flow: flow)
            }
        }
        return true
    }

    private func receiveFromClients(path: Int) {
        for _ in 0..<256 {
            guard let (count, source) = self.paths[path].listen.receive(into: self.scratch) else {
                return
            }
            let now = RelayClock.now()
            let flow: Int
            if let existing = self.paths[path].flowsByClient[source.key] {
                flow = existing
            } else if let created = self.openFlow(path: path, client: source) {
                flow = created
            } else {
                self.paths[path].up.recordDrops(.send)
                continue
            }
            let verdict = self.paths[path].up.offer(byteCount: count, now: now)
            if case .deliver(let time) = verdict {
                let slot = self.pool.store(UnsafeRawBufferPointer(rebasing: self.scratch.prefix(count)))
                self.paths[path].upQueue.append(.init(deliverAt: time, slot: slot, count: count, flow: flow))
            }
        }
    }

    private func receiveFromTarget(flow: Int) {
        let path = self.flows[flow].path
        for _ in 0..<256 {
            guard let (count, source) = self.flows[flow].upstream.receive(into: self.scratch) else {
                return
            }
            guard source == self.target else {
                continue
            }
            let verdict = self.paths[path].down.offer(byteCount: count, now: RelayClock.now())
            if case .deliver(let time) = verdict {
                let slot = self.pool.store(UnsafeRawBufferPointer(rebasing: self.scratch.prefix(count)))
                self.paths[path].downQueue.append(.init(deliverAt: time, slot: slot, count: count, flow: flow))
            }
        }
    }

    /// Opens the upstream socket of a new client, so the target sees one source per path and client.
    private func openFlow(path: Int, client: RelaySocketAddress) -> Int? {
        guard let upstream = try? RelayUDPSocket(bindingTo: self.upstreamBind) else {
            return nil
        }
        let flow = self.flows.count
        self.flows.append(Flow(path: path, client: client, upstream: upstream))
        self.paths[path].flowsByClient[client.key] = flow
        self.pollSet.append(pollfd(fd: upstream.descriptor, events: Int16(POLLIN), revents: 0))
        self.owners.append(.upstream(flow: flow))
        return flow
    }

    private func sendDue(now: UInt64) {
        for path in self.paths.indices {
            while let entry = self.paths[path].upQueue.first, entry.deliverAt <= now {
                _ = self.paths[path].upQueue.popFirst()
                let upstream = self.flows[entry.flow].upstream
                let sent = self.pool.withBytes(slot: entry.slot, count: entry.count) {
                    upstream.send($0, to: self.target)
                }
                self.finish(entry, sent: sent, path: path, direction: .up)
            }
            while let entry = self.paths[path].downQueue.first, entry.deliverAt <= now {
                _ = self.paths[path].downQueue.popFirst()
                let listen = self.paths[path].listen
                let client = self.flows[entry.flow].client
                let sent = self.pool.withBytes(slot: entry.slot, count: entry.count) { listen.send($0, to: client) }
                self.finish(entry, sent: sent, path: path, direction: .down)
            }
        }
    }

    private func finish(_ entry: RelayPendingQueue.Entry, sent: Bool, path: Int, direction: RelayDirection) {
        self.pool.release(entry.slot)
        switch (direction, sent) {
        case (.up, true): self.paths[path].up.recordForwarded(bytes: entry.count)
        case (.up, false): self.paths[path].up.recordDrops(.send)
        case (.down, true): self.paths[path].down.recordForwarded(bytes: entry.count)
        case (.down, false): self.paths[path].down.recordDrops(.send)
        }
    }

    private func applyChanges(upTo now: UInt64) {
        while self.nextChange < self.timeline.count, self.startTime &+ self.timeline[self.nextChange].time <= now {
            let change = self.timeline[self.nextChange]
            self.nextChange += 1
            guard let path = self.pathIndex[change.path] else {
                continue
            }
            switch change.action {
            case .link(let up):
                self.paths[path].up.setLink(up: up, now: now)
                self.paths[path].down.setLink(up: up, now: now)
                if !up {
                    self.dropInFlight(path: path)
                }
            case .set(let setting):
                if setting.directions.includes(.up) {
                    self.paths[path].up.apply(setting.value)
                }
                if setting.directions.includes(.down) {
                    self.paths[path].down.apply(setting.value)
                }
            }
        }
    }

    /// A path that goes down loses what it was carrying.
    private func dropInFlight(path: Int) {
        while let entry = self.paths[path].upQueue.popFirst() {
            self.pool.release(entry.slot)
            self.paths[path].up.recordDrops(.outage)
        }
        while let entry = self.paths[path].downQueue.popFirst() {
            self.pool.release(entry.slot)
            self.paths[path].down.recordDrops(.outage)
        }
    }
}

extension String {
    /// A number with two decimals, without Foundation's formatting.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
    }
}
