import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

/// A client with two local addresses, each with its own link to the server, both sides offering multipath: once
/// the handshake is confirmed the client opens a second path from its second address, and a
/// ``DownloadApplication`` runs over the connection. Records what the multipath tests check: events with their
/// times, the network trace, and when stream data reached the client application.
final class MultipathHarness {
    static let firstLink = "first"
    static let secondLink = "second"
    static let secondClientAddress = SimAddress.v4(10, 0, 1, 1, port: 50_001)

    let network: SimNetwork
    let client: SimQUICNode
    let server: SimQUICNode
    let clientNode: SimNodeID
    let serverNode: SimNodeID
    let clientHandle: ConnectionHandle
    var serverHandle: ConnectionHandle?
    let application: DownloadApplication
    /// The status and description the second path opens with.
    let secondPathStatus: PathStatus
    let secondPathCost: PathCost
    /// The second path's ID once opened.
    var secondPath: PathID?
    /// Whether the client opens the second path itself (false: its path manager does).
    let opensSecondPathItself: Bool
    /// Called with each server event (for example to describe a path's cost on the server).
    var serverEventHook: ((Connection, ConnectionEvent) -> Void)?
    /// Called after each client activity, after the download's own work.
    var clientHook: ((Connection, SimInstant) -> Void)?

    var clientEvents: [(SimInstant, ConnectionEvent)] = []
    var serverEvents: [(SimInstant, ConnectionEvent)] = []
    /// Datagrams the server handed to each link: (time, UDP payload bytes).
    var serverSends: [String: [(SimInstant, Int)]] = [:]
    var clientReadTimes: [SimInstant] = []
    /// Client bytes read by time, for stall measurements.
    var clientReads: [(SimInstant, Int)] = []

    /// - Parameters:
    ///   - first: parameters of the first link (the handshake path), both directions.
    ///   - second: parameters of the second link.
    ///   - multipath: the server's multipath settings (it sends the download, so its scheduler decides).
    init(size: Int, first: LinkParameters, second: LinkParameters, multipath: MultipathConfiguration = .init(),
         secondPathStatus: PathStatus = .available, secondPathCost: PathCost = .free,
         congestionControl: CongestionControlAlgorithm = .cubic, seed: UInt64 = 11,
         schedule: [ScheduledLinkChange] = [], clientMultipath: MultipathConfiguration = .init(),
         configure: (inout ConnectionConfiguration) -> Void = { _ in }) throws {
        var random = ConnectionRandom(seed: seed)
        var clientConnection = EngineFixtures.connectionConfiguration()
        clientConnection.multipath = clientMultipath
        clientConnection.congestionControl = congestionControl
        clientConnection.streamLimits = Self.largeWindows
        configure(&clientConnection)
        var serverConnection = EngineFixtures.connectionConfiguration()
        serverConnection.multipath = multipath
        serverConnection.congestionControl = congestionControl
        serverConnection.streamLimits = Self.largeWindows
        configure(&serverConnection)
        let clientEndpoint = Endpoint(configuration: EndpointConfiguration(connection: clientConnection, random: &random),
                                      random: ConnectionRandom(seed: seed &+ 1))
        let serverEndpoint = Endpoint(
            configuration: EndpointConfiguration(connection: serverConnection, serverTLS: EngineFixtures.serverTLS(),
                                                 random: &random),
            random: ConnectionRandom(seed: seed &+ 2))
        self.clientHandle = try clientEndpoint.connect(
            from: EngineFixtures.clientAddress.networkAddress, to: EngineFixtures.serverAddress.networkAddress,
            tls: EngineFixtures.clientTLS(), now: .origin)
        self.network = SimNetwork(seed: seed)
        self.network.addLink(SimLinkSpec(name: Self.firstLink, a: EngineFixtures.clientAddress,
                                         b: EngineFixtures.serverAddress, symmetric: first))
        self.network.addLink(SimLinkSpec(name: Self.secondLink, a: Self.secondClientAddress,
                                         b: EngineFixtures.serverAddress, symmetric: second))
        for change in schedule {
            self.network.schedule(change)
        }
        self.client = SimQUICNode(endpoint: clientEndpoint)
        self.server = SimQUICNode(endpoint: serverEndpoint)
        self.serverNode = self.network.addNode(self.server, addresses: [EngineFixtures.serverAddress])
        self.clientNode = self.network.addNode(
            self.client, addresses: [EngineFixtures.clientAddress, Self.secondClientAddress])
        self.application = DownloadApplication(size: size)
        self.secondPathStatus = secondPathStatus
        self.secondPathCost = secondPathCost
        self.opensSecondPathItself = clientMultipath.pathManager == nil
        self.network.traceHandler = { [unowned self] event in
            if case .enqueue(let at, let name, .bToA, let datagram, _) = event {
                self.serverSends[name, default: []].append((at, datagram.payload.count))
            }
        }
        self.installApplication()
        self.network.poll(self.clientNode)
    }

    /// Receive windows large enough that flow control never limits 2 x 50 Mbit/s at 100 ms.
    static var largeWindows: StreamLimits {
        var limits = StreamLimits()
        limits.initialMaxData = 64 << 20
        limits.initialMaxStreamDataBidiLocal = 32 << 20
        limits.initialMaxStreamDataBidiRemote = 32 << 20
        limits.initialMaxStreamDataUni = 32 << 20
        return limits
    }

    var clientConnection: Connection? { self.client.endpoint.connection(self.clientHandle) }

    var serverConnection: Connection? {
        if self.serverHandle == nil { self.serverHandle = self.server.endpoint.pollAccepted() }
        return self.serverHandle.flatMap { self.server.endpoint.connection($0) }
    }

    private func installApplication() {
        let application = self.application
        self.server.onActivity = { [unowned self] _, now in
            guard let server = self.serverConnection else { return }
            while let event = server.pollEvent() {
                self.serverEvents.append((now, event))
                self.serverEventHook?(server, event)
                if case .stream(.opened(let id)) = event, application.serverStream == nil {
                    application.serverStream = id
                }
            }
            application.serve(server)
        }
        self.client.onActivity = { [unowned self] _, now in
            guard let client = self.clientConnection else { return }
            while let event = client.pollEvent() { self.clientEvents.append((now, event)) }
            if self.opensSecondPathItself, self.secondPath == nil, client.isHandshakeConfirmed,
               client.isMultipathNegotiated {
                self.secondPath = try? client.openPath(
                    localAddress: Self.secondClientAddress.networkAddress, status: self.secondPathStatus,
                    cost: self.secondPathCost, label: "second", now: now.quic)
            }
            let before = application.clientReceived
            application.consume(client, now: now)
            self.clientHook?(client, now)
            if application.clientReceived > before {
                self.clientReadTimes.append(now)
                self.clientReads.append((now, application.clientReceived))
            }
        }
    }

    /// Runs until the download finished or `deadline`.
    @discardableResult
    func runDownload(deadline: SimInstant) -> Bool {
        self.run(until: deadline) { self.application.clientFinished }
    }

    /// Runs until `condition` holds or `deadline`; stops after an event budget so that an engine spinning at one
    /// instant fails the test instead of hanging it.
    @discardableResult
    func run(until deadline: SimInstant, _ condition: () -> Bool = { false }) -> Bool {
        let limit = self.network.processedEvents + 20_000_000
        let done = self.network.runUntil(deadline: deadline) {
            condition() || self.network.processedEvents >= limit
        }
        return done && self.network.processedEvents < limit
    }

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

    /// Bytes (UDP payloads) the server handed to a link, from `time` on.
    func serverBytes(onLink link: String, from time: SimInstant = .zero) -> Int {
        var total = 0
        for (at, bytes) in self.serverSends[link] ?? [] where at >= time {
            total += bytes
        }
        return total
    }

    /// Seconds from the start of the download to its end.
    var downloadSeconds: Double? {
        self.application.finishedAt.map { Double($0.nanoseconds) / 1e9 }
    }

    /// Runs a download whose first path dies at `outage`, and measures the failover: the first path's PTO as
    /// the server computed it just before the outage (RFC 9002 §6.2.1, with its max_ack_delay of 25 ms), the
    /// second path's smoothed RTT afterwards, and the longest gap in the client's reads from the outage on
    /// (seconds).
    func measureFailover(outage: SimInstant) throws -> (stall: Double, pto: Double, secondRTT: Double) {
        self.run(until: SimInstant(nanoseconds: outage.nanoseconds - 1_000_000))
        let server = try #require(self.serverConnection)
        let before = try #require(server.pathSnapshot(0))
        let pto = Double(before.smoothedRTT + max(4 * before.rttVariance, 1_000_000) + 25_000_000) / 1e9
        self.runDownload(deadline: .zero + .seconds(60))
        let stall = Double(self.longestReadGap(from: outage).nanoseconds) / 1e9
        let secondRTT = Double(try #require(server.pathSnapshot(1)).smoothedRTT) / 1e9
        return (stall, pto, secondRTT)
    }
}
