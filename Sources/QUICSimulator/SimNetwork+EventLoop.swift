extension SimNetwork {
    /// Processes the earliest event, moving the clock to its time. Returns `false` when no event is left.
    @discardableResult
    public func step() -> Bool {
        guard let event = self.events.pop() else {
            return false
        }
        self.now = max(self.now, event.time)
        self.processedEvents += 1
        switch event.kind {
        case .deliver(let link, let direction, let generation, let datagram):
            self.deliver(datagram, link: link, direction: direction, generation: generation)
        case .wake(let node, let isTimeout):
            if isTimeout {
                guard self.nodes[node].scheduledTimeout == event.time else {
                    return true
                }
                self.nodes[node].scheduledTimeout = nil
                self.nodes[node].endpoint.handleTimeout(now: self.now)
            }
            self.service(node)
        case .change(let index):
            self.apply(self.schedule[index])
        }
        return true
    }

    /// Processes every event up to and including `deadline`, then sets the clock to `deadline`.
    public func run(until deadline: SimInstant) {
        while let time = self.events.nextTime, time <= deadline {
            self.step()
        }
        self.now = max(self.now, deadline)
    }

    /// Processes events for `duration` of virtual time from now.
    public func run(for duration: SimDuration) {
        self.run(until: self.now + duration)
    }

    /// Processes events until `condition` holds (checked before each event), no event is left, or the
    /// next event lies after `deadline`. Returns whether the condition holds.
    @discardableResult
    public func run(until deadline: SimInstant = .distantFuture, while condition: () -> Bool) -> Bool {
        while condition() {
            guard let time = self.events.nextTime, time <= deadline else {
                return false
            }
            self.step()
        }
        return true
    }

    /// Processes events until `condition` holds; see ``run(until:while:)``.
    @discardableResult
    public func runUntil(deadline: SimInstant = .distantFuture, _ condition: () -> Bool) -> Bool {
        self.run(until: deadline, while: { !condition() })
    }

    /// Drains a node's transmissions and re-arms its timer.
    func service(_ index: Int) {
        while let datagram = self.nodes[index].endpoint.pollTransmit(now: self.now) {
            self.send(datagram)
        }
        let timeout = self.nodes[index].endpoint.nextTimeout
        if let timeout, timeout != self.nodes[index].scheduledTimeout {
            let time = max(timeout, self.now)
            self.nodes[index].scheduledTimeout = time
            self.events.push(.wake(node: index, isTimeout: true), at: time)
        } else if timeout == nil {
            self.nodes[index].scheduledTimeout = nil
        }
    }

    /// Routes a datagram from an endpoint onto the link direction matching its addresses.
    func send(_ original: SimDatagram) {
        guard let route = self.routes[RouteKey(source: original.source, destination: original.destination)] else {
            self.unroutableCount += 1
            self.emit(.drop(time: self.now, link: nil, direction: nil, datagram: original, reason: .noRoute))
            return
        }
        var datagram = original
        let spec = self.links[route.link].spec
        switch route.direction {
        case .aToB:
            datagram.source = self.links[route.link].aPublicAddress
        case .bToA:
            datagram.destination = spec.a
        }
        let outcome = self.links[route.link][route.direction].offer(&datagram, now: self.now)
        switch outcome {
        case .dropped(let reason, let enqueued):
            if enqueued {
                self.emitEnqueue(datagram, route: route)
            }
            self.links[route.link][route.direction].statistics.countDrop(reason)
            self.emit(.drop(time: self.now, link: spec.name, direction: route.direction, datagram: datagram,
                            reason: reason))
        case .scheduled(let arrival, let duplicate):
            self.emitEnqueue(datagram, route: route)
            let generation = self.links[route.link][route.direction].generation
            let kind = SimEventKind.deliver(link: route.link, direction: route.direction,
                                            generation: generation, datagram: datagram)
            self.events.push(kind, at: arrival)
            if duplicate {
                self.events.push(kind, at: arrival)
            }
        }
    }

    private func emitEnqueue(_ datagram: SimDatagram, route: Route) {
        guard self.traceSink != nil || self.traceHandler != nil else {
            return
        }
        let queueBytes = self.links[route.link][route.direction].queuedBytes
        self.emit(.enqueue(time: self.now, link: self.links[route.link].spec.name, direction: route.direction,
                           datagram: datagram, queueBytes: queueBytes))
    }

    /// Hands an arriving datagram to the node owning its destination address.
    func deliver(_ datagram: SimDatagram, link: Int, direction: LinkDirectionID, generation: UInt64) {
        let name = self.links[link].spec.name
        let state = self.links[link][direction]
        guard state.isUp, state.generation == generation else {
            self.links[link][direction].statistics.countDrop(.linkDown)
            self.emit(.drop(time: self.now, link: name, direction: direction, datagram: datagram, reason: .linkDown))
            return
        }
        guard let node = self.owners[datagram.destination] else {
            self.links[link][direction].statistics.countDrop(.noReceiver)
            self.emit(.drop(time: self.now, link: name, direction: direction, datagram: datagram,
                            reason: .noReceiver))
            return
        }
        self.links[link][direction].statistics.delivered += 1
        self.links[link][direction].statistics.deliveredBytes += UInt64(datagram.size)
        self.emit(.deliver(time: self.now, link: name, direction: direction, datagram: datagram))
        self.nodes[node].endpoint.receive(datagram, now: self.now)
        self.service(node)
    }

    /// Applies a scheduled change.
    func apply(_ scheduled: ScheduledLinkChange) {
        guard let index = self.linkIndices[scheduled.link] else {
            return
        }
        self.emit(.linkChange(time: self.now, link: scheduled.link, directions: scheduled.directions,
                              change: scheduled.change))
        switch scheduled.change {
        case .natRebinding(let address):
            self.links[index].spec.natAddress = address
            self.rebuildRoutes()
        case .addressChange(let newAddress):
            self.changeAddress(ofLink: index, to: newAddress)
        default:
            if scheduled.directions.includes(.aToB) {
                self.links[index].aToB.apply(scheduled.change, now: self.now)
            }
            if scheduled.directions.includes(.bToA) {
                self.links[index].bToA.apply(scheduled.change, now: self.now)
            }
        }
    }

    private func changeAddress(ofLink index: Int, to newAddress: SimAddress) {
        let oldAddress = self.links[index].spec.a
        guard oldAddress != newAddress else {
            return
        }
        for link in self.links.indices where self.links[link].spec.a == oldAddress {
            self.links[link].spec.a = newAddress
        }
        self.rebuildRoutes()
        guard let node = self.owners.removeValue(forKey: oldAddress) else {
            return
        }
        self.owners[newAddress] = node
        if let position = self.nodes[node].addresses.firstIndex(of: oldAddress) {
            self.nodes[node].addresses[position] = newAddress
        }
        self.nodes[node].endpoint.addressesChanged(self.nodes[node].addresses, now: self.now)
        self.service(node)
    }
}
