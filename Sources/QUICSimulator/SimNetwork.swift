/// A deterministic discrete-event network: nodes (endpoints with addresses), links between addresses,
/// a virtual clock and an event queue ordered by (time, insertion sequence).
///
/// A run is a pure function of the scenario, the endpoints' behaviour and the seed: the network never
/// reads a real clock and draws every random choice from streams derived from the seed.
/// Not thread-safe: one owner drives it.
public final class SimNetwork {
    /// The current virtual time.
    public internal(set) var now = SimInstant.zero
    /// The seed all random streams derive from.
    public let seed: UInt64
    /// Receives every trace event, when set.
    public var traceSink: (any SimTraceSink)?
    /// A closure receiving every trace event, when set (in addition to ``traceSink``).
    public var traceHandler: ((SimTraceEvent) -> Void)?
    /// Datagrams for which no link matched their source and destination.
    public internal(set) var unroutableCount: UInt64 = 0
    /// Events processed so far.
    public internal(set) var processedEvents: UInt64 = 0

    struct Node {
        var endpoint: any SimulatedEndpoint
        var addresses: [SimAddress]
        /// The time of the timeout wake-up currently queued, so older ones are ignored as stale.
        var scheduledTimeout: SimInstant?
    }

    struct Route {
        var link: Int
        var direction: LinkDirectionID
    }

    var nodes: [Node] = []
    var links: [SimLink] = []
    var linkIndices: [String: Int] = [:]
    var schedule: [ScheduledLinkChange] = []
    var events = SimEventQueue()
    /// (source, destination) as written by the sender -> the link direction that carries it.
    var routes: [RouteKey: Route] = [:]
    /// Which node owns each address.
    var owners: [SimAddress: Int] = [:]

    struct RouteKey: Hashable {
        var source: SimAddress
        var destination: SimAddress
    }

    /// An empty network; add links and nodes, then run it.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// The network a scenario describes, with its schedule queued.
    ///
    /// - Throws: ``SimScenarioError`` when ``SimScenario/validate()`` rejects the scenario.
    public convenience init(scenario: SimScenario) throws(SimScenarioError) {
        try scenario.validate()
        self.init(seed: scenario.seed)
        for link in scenario.links {
            self.addLink(link)
        }
        for change in scenario.schedule {
            self.schedule(change)
        }
    }

    /// Adds a link; its name must be new (a programming error otherwise). Its random streams depend only
    /// on the seed and its name, so adding a link never changes what other links draw.
    public func addLink(_ spec: SimLinkSpec) {
        precondition(self.linkIndices[spec.name] == nil, "duplicate link name \(spec.name)")
        self.linkIndices[spec.name] = self.links.count
        self.links.append(SimLink(spec: spec, seed: self.seed))
        self.rebuildRoutes()
    }

    /// Queues a link change; it must name an existing link and not lie in the past.
    public func schedule(_ change: ScheduledLinkChange) {
        precondition(self.linkIndices[change.link] != nil, "unknown link \(change.link)")
        let index = self.schedule.count
        self.schedule.append(change)
        self.events.push(.change(index: index), at: max(change.time, self.now))
    }

    /// Attaches an endpoint owning `addresses`; it is polled for its first transmissions at the current time.
    @discardableResult
    public func addNode(_ endpoint: any SimulatedEndpoint, addresses: [SimAddress]) -> SimNodeID {
        let index = self.nodes.count
        for address in addresses {
            precondition(self.owners[address] == nil, "address \(address) already belongs to a node")
            self.owners[address] = index
        }
        self.nodes.append(Node(endpoint: endpoint, addresses: addresses, scheduledTimeout: nil))
        self.events.push(.wake(node: index, isTimeout: false), at: self.now)
        return SimNodeID(index: index)
    }

    /// Asks the network to poll a node at the current time, after a command given to its endpoint
    /// from outside (for example "start sending").
    public func poll(_ node: SimNodeID) {
        self.events.push(.wake(node: node.index, isTimeout: false), at: self.now)
    }

    /// The node that currently owns `address`, if any.
    public func node(owning address: SimAddress) -> SimNodeID? {
        self.owners[address].map { SimNodeID(index: $0) }
    }

    /// The current addresses of a node.
    public func addresses(of node: SimNodeID) -> [SimAddress] {
        self.nodes[node.index].addresses
    }

    /// The counters of one direction of the named link.
    public func statistics(link: String, direction: LinkDirectionID) -> LinkStatistics? {
        guard let index = self.linkIndices[link] else {
            return nil
        }
        return self.links[index][direction].statistics
    }

    /// The current parameters of one direction of the named link (after scheduled changes).
    public func parameters(link: String, direction: LinkDirectionID) -> LinkParameters? {
        guard let index = self.linkIndices[link] else {
            return nil
        }
        return self.links[index][direction].parameters
    }

    /// The time of the next queued event, if any.
    public var nextEventTime: SimInstant? {
        self.events.nextTime
    }

    func rebuildRoutes() {
        self.routes.removeAll(keepingCapacity: true)
        for (index, link) in self.links.enumerated() {
            let forward = RouteKey(source: link.spec.a, destination: link.spec.b)
            let backward = RouteKey(source: link.spec.b, destination: link.aPublicAddress)
            self.routes[forward] = Route(link: index, direction: .aToB)
            self.routes[backward] = Route(link: index, direction: .bToA)
        }
    }

    func emit(_ event: SimTraceEvent) {
        self.traceSink?.record(event)
        self.traceHandler?(event)
    }
}
