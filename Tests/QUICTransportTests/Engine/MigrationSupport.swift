import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire

/// A client with two local addresses (two links to the server) and, optionally, a server with a second
/// (preferred) address, running a ``DownloadApplication`` while recording what the migration tests check:
/// connection events with their times, every datagram the network carries, and when stream data reached the
/// client application.
final class MigrationHarness {
    static let primaryLink = "primary"
    static let secondaryLink = "secondary"
    static let preferredLink = "preferred"
    static let secondaryClientAddress = SimAddress.v4(10, 0, 1, 1, port: 50_001)
    static let preferredServerAddress = SimAddress.v4(10, 0, 0, 3, port: 4_433)

    let network: SimNetwork
    let client: SimQUICNode
    let server: SimQUICNode
    let clientNode: SimNodeID
    let serverNode: SimNodeID
    let clientHandle: ConnectionHandle
    var serverHandle: ConnectionHandle?
    let application: DownloadApplication

    /// Events of each side with the virtual time they were polled.
    var clientEvents: [(SimInstant, ConnectionEvent)] = []
    var serverEvents: [(SimInstant, ConnectionEvent)] = []
    /// Every trace event of the network.
    var trace: [SimTraceEvent] = []
    /// The times the client application read stream data.
    var clientReadTimes: [SimInstant] = []

    /// - Parameters:
    ///   - link: parameters of every link, both directions.
    ///   - secondary: parameters of the client's second link (defaults to `link`).
    ///   - preferredAddress: whether the server advertises ``preferredServerAddress``.
    init(size: Int, link: LinkParameters, secondary: LinkParameters? = nil, preferredAddress: Bool = false,
         seed: UInt64 = 7, schedule: [ScheduledLinkChange] = [],
         server configureServer: (inout ConnectionConfiguration) -> Void = { _ in }) throws {
        var random = ConnectionRandom(seed: seed)
        let clientEndpoint = Endpoint(
            configuration: EndpointConfiguration(connection: EngineFixtures.connectionConfiguration(), random: &random),
            random: ConnectionRandom(seed: seed &+ 1))
        var serverConnection = EngineFixtures.connectionConfiguration()
        if preferredAddress {
            serverConnection.preferredAddress = Self.preferredServerAddress.networkAddress
        }
        configureServer(&serverConnection)
        let serverEndpoint = Endpoint(
            configuration: EndpointConfiguration(connection: serverConnection, serverTLS: EngineFixtures.serverTLS(),
                                                 random: &random),
            random: ConnectionRandom(seed: seed &+ 2))
        self.clientHandle = try clientEndpoint.connect(
            from: EngineFixtures.clientAddress.networkAddress, to: EngineFixtures.serverAddress.networkAddress,
            tls: EngineFixtures.clientTLS(), now: .origin)
        self.network = SimNetwork(seed: seed)
        self.network.addLink(SimLinkSpec(name: Self.primaryLink, a: EngineFixtures.clientAddress,
                                         b: EngineFixtures.serverAddress, symmetric: link))
        self.network.addLink(SimLinkSpec(name: Self.secondaryLink, a: Self.secondaryClientAddress,
                                         b: EngineFixtures.serverAddress, symmetric: secondary ?? link))
        var serverAddresses = [EngineFixtures.serverAddress]
        if preferredAddress {
            self.network.addLink(SimLinkSpec(name: Self.preferredLink, a: EngineFixtures.clientAddress,
                                             b: Self.preferredServerAddress, symmetric: link))
            serverAddresses.append(Self.preferredServerAddress)
        }
        for change in schedule {
            self.network.schedule(change)
        }
        self.client = SimQUICNode(endpoint: clientEndpoint)
        self.server = SimQUICNode(endpoint: serverEndpoint)
        self.serverNode = self.network.addNode(self.server, addresses: serverAddresses)
        self.clientNode = self.network.addNode(
            self.client, addresses: [EngineFixtures.clientAddress, Self.secondaryClientAddress])
        self.application = DownloadApplication(size: size)
        self.network.traceHandler = { [unowned self] event in self.trace.append(event) }
        self.installApplication()
        self.network.poll(self.clientNode)
    }

    var clientConnection: Connection? { self.client.endpoint.connection(self.clientHandle) }

    var serverConnection: Connection? {
        if self.serverHandle == nil { self.serverHandle = self.server.endpoint.pollAccepted() }
        return self.serverHandle.flatMap { self.server.endpoint.connection($0) }
    }

    /// Wraps the download's hooks: events are recorded (and the server's stream noted) before the
    /// application runs, and every read that delivered bytes is timed.
    private func installApplication() {
        let application = self.application
        self.server.onActivity = { [unowned self] _, now in
            guard let server = self.serverConnection else { return }
            while let event = server.pollEvent() {
                self.serverEvents.append((now, event))
                if case .stream(.opened(let id)) = event, application.serverStream == nil {
                    application.serverStream = id
                }
            }
            application.serve(server)
        }
        self.client.onActivity = { [unowned self] _, now in
            guard let client = self.clientConnection else { return }
            while let event = client.pollEvent() { self.clientEvents.append((now, event)) }
            let before = application.clientReceived
            application.consume(client, now: now)
            if application.clientReceived > before { self.clientReadTimes.append(now) }
        }
    }

    /// Runs until the download finished or `deadline`.
    @discardableResult
    func runDownload(deadline: SimInstant) -> Bool {
        self.run(until: deadline) { self.application.clientFinished }
    }

    /// Runs until `condition` holds or `deadline`, and stops (returning false) after ``eventBudget`` events so
    /// that an engine spinning at one virtual instant fails the test instead of hanging it.
    @discardableResult
    func run(until deadline: SimInstant, _ condition: () -> Bool = { false }) -> Bool {
        let limit = self.network.processedEvents + Self.eventBudget
        let done = self.network.runUntil(deadline: deadline) {
            condition() || self.network.processedEvents >= limit
        }
        if self.network.processedEvents >= limit {
            print("event budget exhausted at \(self.network.now)")
            return false
        }
        return done
    }

    static let eventBudget: UInt64 = 400_000

    /// The longest time between two consecutive reads of stream data by the client, from `start` on.
    func longestReadGap(from start: SimInstant) -> SimDuration {
        var longest = SimDuration.zero
        var previous: SimInstant?
        for time in self.clientReadTimes {
            if let previous, time >= start, time - previous > longest { longest = time - previous }
            previous = time
        }
        return longest
    }

    /// Datagrams the server handed to the named link at or after `time`.
    func serverDatagrams(onLink link: String, from time: SimInstant = .zero) -> [SimDatagram] {
        self.trace.compactMap { event -> SimDatagram? in
            guard case .enqueue(let at, let name, .bToA, let datagram, _) = event, name == link, at >= time else {
                return nil
            }
            return datagram
        }
    }

    /// Datagrams no link would carry (for example to an address a NAT no longer maps) at or after `time`.
    func unroutedDatagrams(from time: SimInstant = .zero) -> [SimDatagram] {
        self.trace.compactMap { event -> SimDatagram? in
            guard case .drop(let at, nil, _, let datagram, .noRoute) = event, at >= time else { return nil }
            return datagram
        }
    }

    /// The first time an event matching `predicate` was seen on the given side.
    func firstTime(client: Bool, _ predicate: (ConnectionEvent) -> Bool) -> SimInstant? {
        (client ? self.clientEvents : self.serverEvents).first { predicate($0.1) }?.0
    }
}
