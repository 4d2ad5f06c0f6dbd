import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire

/// One scenario x strategy x seed in the simulator: a client with one address per interface, each with its own
/// link to the server, the workload's client and server applications, and the strategy's path handling.
final class LabRun {
    static let serverAddress = SimAddress.v4(10, 0, 0, 2, port: 4_433)
    static let clientAddresses = [SimAddress.v4(10, 0, 0, 1, port: 50_000), SimAddress.v4(10, 0, 1, 1, port: 50_001)]

    let scenario: LabScenario
    let strategy: LabStrategy
    let seed: UInt64
    private let network: SimNetwork
    private let client: SimulatedQUICNode
    private let server: SimulatedQUICNode
    private let clientHandle: ConnectionHandle
    private var serverHandle: ConnectionHandle?
    private let serverApplication = LabServerApplication()
    private let recorder: LabRecorder
    private let bulk: BulkDownloadClient?
    private let requests: RequestSeriesClient?
    private let playback: PlaybackClient?
    private let uplink: UplinkStreamClient?
    private let uplinkReceiver: UplinkStreamReceiver?
    private let gateway: TunnelGateway?
    private let tunnel: TunnelReceiver?
    private var secondPathOpened = false
    private var migratedAt: SimInstant?
    private var finishedAt: SimInstant?
    private var bytesPerLink: [String: Int] = [:]
    private var series: LabSeries
    /// The interface the connection starts on.
    private let firstInterface: Int

    init(scenario: LabScenario, strategy: LabStrategy, seed: UInt64) throws(LabError) {
        self.scenario = scenario
        self.strategy = strategy
        self.seed = seed
        let identity: CertificateIdentity
        switch LabRunner.identity {
        case .success(let value): identity = value
        case .failure(let error): throw .setupFailed("\(error)")
        }
        let pinned = PinnedCertificates(identity)
        var configuration = ConnectionConfiguration(alpn: [Array("hq-interop".utf8)])
        configuration.peerVerification = .immediate { pinned.verdict(for: $0) }
        configuration.streamLimits.initialMaxData = 64 << 20
        configuration.streamLimits.initialMaxStreamDataBidiLocal = 32 << 20
        configuration.streamLimits.initialMaxStreamDataBidiRemote = 32 << 20
        configuration.streamLimits.initialMaxStreamsBidi = 10_000
        configuration.streamLimits.initialMaxStreamsUni = 10_000
        // RFC 9221 §3: DATAGRAM frames only where the workload uses them.
        if let tunnel = scenario.workload.tunnel {
            configuration.maxDatagramFrameSize = 1_500
            configuration.datagramMaxQueueDelay = tunnel.maxQueueDelay.map { QUICDuration(seconds: $0) }
        }
        if case .multipath(let kind) = strategy {
            var multipath = MultipathConfiguration()
            multipath.scheduler = kind
            multipath.schedulerOptions = scenario.schedulerOptions
            configuration.multipath = multipath
        }
        let (clientEndpoint, serverEndpoint) = Endpoint.simulatedPair(configuration: configuration, identity: identity, seed: seed)
        if case .singlePath(let index) = strategy, scenario.paths.indices.contains(index) {
            self.firstInterface = index
        } else {
            self.firstInterface = 0
        }
        do {
            self.clientHandle = try clientEndpoint.connect(
                from: Self.clientAddresses[self.firstInterface].networkAddress, to: Self.serverAddress.networkAddress,
                tls: TLSClientConfiguration(common: TLSConfiguration(alpn: [], transportParameters: []),
                                            serverName: "localhost"),
                now: .origin)
        } catch {
            throw .setupFailed("\(error)")
        }
        self.network = SimNetwork(seed: seed)
        for (index, path) in scenario.paths.enumerated() {
            self.network.addLink(SimLinkSpec(name: path.name, a: Self.clientAddresses[index], b: Self.serverAddress,
                                             aToB: path.uplink, bToA: path.downlink))
        }
        for event in scenario.timeline where scenario.paths.indices.contains(event.path) {
            self.network.schedule(ScheduledLinkChange(at: .zero + .seconds(event.at),
                                                      link: scenario.paths[event.path].name,
                                                      directions: event.directions, event.change))
        }
        self.recorder = LabRecorder(stallThreshold: .seconds(scenario.stallThreshold))
        self.bulk = scenario.workload.bulk.map(BulkDownloadClient.init(workload:))
        self.requests = scenario.workload.requests.map(RequestSeriesClient.init(workload:))
        self.playback = scenario.workload.playback.map(PlaybackClient.init(workload:))
        self.uplink = scenario.workload.uplink.map(UplinkStreamClient.init(workload:))
        self.uplinkReceiver = scenario.workload.uplink.map(UplinkStreamReceiver.init(workload:))
        self.gateway = scenario.workload.tunnel.map(TunnelGateway.init(workload:))
        self.tunnel = scenario.workload.tunnel.map(TunnelReceiver.init(workload:))
        self.client = SimulatedQUICNode(endpoint: clientEndpoint)
        self.server = SimulatedQUICNode(endpoint: serverEndpoint)
        _ = self.network.addNode(self.server, addresses: [Self.serverAddress])
        let clientNode = self.network.addNode(self.client, addresses: Self.clientAddresses)
        self.series = LabSeries(binSeconds: LabRunner.seriesBinSeconds,
                                 paths: scenario.paths.map { LabSeries.Path(name: $0.name) })
        let pathIndex = Dictionary(uniqueKeysWithValues: scenario.paths.enumerated().map { ($1.name, $0) })
        self.network.traceHandler = { [unowned self] event in
            switch event {
            case .enqueue(_, let link, _, let datagram, _):
                self.bytesPerLink[link, default: 0] += datagram.payload.count
            case .deliver(let time, let link, let direction, let datagram):
                guard let index = pathIndex[link] else { return }
                // Links run from the client (a) to the server (b).
                self.series.add(datagram.payload.count, at: (time - .zero).seconds, path: index,
                                down: direction == .bToA)
            default:
                break
            }
        }
        self.client.onActivity = { [unowned self] in self.clientActivity() }
        self.server.onActivity = { [unowned self] in self.serverActivity() }
        self.network.poll(clientNode)
    }

    func run() -> LabResult {
        let deadline = SimInstant.zero + .seconds(self.scenario.durationLimit)
        self.network.runUntil(deadline: deadline) { self.finishedAt != nil }
        let end = self.finishedAt ?? max(self.network.now, deadline)
        self.recorder.finish(now: end)
        self.playback?.finish(now: end)
        var completions = self.recorder.completions
        if let open = self.requests?.openRequestSeconds(now: end) { completions.append(open) }
        let start = self.recorder.firstRequest ?? self.uplink?.start ?? .zero
        let seconds = end > start ? (end - start).seconds : 0
        let perPath = self.scenario.paths.map {
            LabPathBytes(name: $0.name, bytes: self.bytesPerLink[$0.name] ?? 0, metered: $0.cost.isMetered)
        }
        let bytesRead = self.recorder.bytesRead + (self.uplinkReceiver?.bytesRead ?? 0)
        // Playback stalls are rebuffering, not gaps in the bytes.
        let stalls = self.playback.map { ($0.rebufferSeconds, $0.longestRebuffer, $0.rebufferCount) }
            ?? (self.recorder.totalStall.seconds, self.recorder.longestStall.seconds, self.recorder.stallCount)
        return LabResult(
            scenario: self.scenario, strategy: self.strategy, seed: self.seed, completed: self.finishedAt != nil,
            seconds: seconds, bytesRead: bytesRead, requestsIssued: self.requests?.issued ?? 0,
            requestsCompleted: self.recorder.completions.count, completionTimes: completions, stalls: stalls,
            bytesPerPath: perPath, migratedAt: self.migratedAt.map { ($0 - .zero).seconds },
            measures: self.measures(perPath: perPath), series: self.series)
    }

    /// The workloads' own measures, and the metered share of the bytes when an interface is metered.
    private func measures(perPath: [LabPathBytes]) -> [String: Double] {
        var measures = self.playback?.measures ?? [:]
        measures.merge(self.uplinkReceiver?.measures ?? [:]) { $1 }
        if let tunnel = self.tunnel { measures.merge(tunnel.measures(offered: self.gateway?.offered ?? 0)) { $1 } }
        measures[LabMeasure.meteredShare] = Self.meteredShare(of: perPath)
        return measures
    }

    /// Metered bytes over all bytes; nil without a metered interface or without bytes.
    static func meteredShare(of perPath: [LabPathBytes]) -> Double? {
        let total = perPath.reduce(0) { $0 + $1.bytes }
        guard perPath.contains(where: \.metered), total > 0 else { return nil }
        return Double(perPath.filter(\.metered).reduce(0) { $0 + $1.bytes }) / Double(total)
    }

    private var clientConnection: Connection? { self.client.endpoint.connection(self.clientHandle) }

    private func clientActivity() {
        guard let connection = self.clientConnection else { return }
        let now = self.network.now
        while let event = connection.pollEvent() {
            if case .datagramReceived(let bytes) = event {
                self.tunnel?.received(bytes, now: now, recorder: self.recorder)
            }
        }
        self.openSecondPathIfNeeded(connection, now: now)
        self.bulk?.drive(connection, now: now, recorder: self.recorder)
        self.requests?.drive(connection, now: now, recorder: self.recorder)
        self.playback?.drive(connection, now: now, recorder: self.recorder)
        self.uplink?.drive(connection, now: now)
        self.tunnel?.drive(connection, now: now, recorder: self.recorder)
        self.migrateIfNeeded(connection, now: now)
        let done = (self.bulk?.finished ?? true) && (self.requests?.isFinished(now: now) ?? true)
            && (self.playback?.finished ?? true) && (self.uplink?.finished ?? true) && (self.tunnel?.finished ?? true)
        if self.finishedAt == nil, done, self.recorder.firstRequest != nil || self.uplink?.start != nil {
            self.finishedAt = now
        }
        self.client.applicationWakeup = [self.requests?.wakeup, self.playback?.wakeup, self.uplink?.wakeup,
                                         self.tunnel?.end, self.migrationCheck(connection)]
            .compactMap { $0 }.filter { $0 > now }.min()
    }

    private func openSecondPathIfNeeded(_ connection: Connection, now: SimInstant) {
        guard case .multipath = self.strategy, !self.secondPathOpened, connection.isHandshakeConfirmed,
              connection.isMultipathNegotiated else { return }
        let second = self.scenario.paths[1]
        self.secondPathOpened = (try? connection.openPath(
            localAddress: Self.clientAddresses[1].networkAddress, cost: second.cost, label: second.name,
            now: now.quicInstant)) != nil
    }

    /// When the `migration` strategy next needs to check its interface: 3 x the smoothed RTT (at least
    /// ``LabRunner/migrationFloor``) after the later of the last packet received and the start of the wait.
    private func migrationCheck(_ connection: Connection) -> SimInstant? {
        guard case .migration = self.strategy, self.migratedAt == nil, connection.isHandshakeConfirmed,
              let waiting = self.recorder.waitingStart ?? self.uplink?.waitingStart else { return nil }
        let rtt = Double(connection.pathSnapshot(0)?.smoothedRTT ?? 0) / 1e9
        let quiet = max(3 * rtt, LabRunner.migrationFloor)
        return max(self.client.lastReceiveTime ?? waiting, waiting) + .seconds(quiet)
    }

    private func migrateIfNeeded(_ connection: Connection, now: SimInstant) {
        guard let due = self.migrationCheck(connection), now >= due else { return }
        let other = (self.firstInterface + 1) % Self.clientAddresses.count
        do {
            try connection.migrate(toLocalAddress: Self.clientAddresses[other].networkAddress, now: now.quicInstant)
            self.migratedAt = now
        } catch {
            // Not allowed (the server disabled migration): stay on the interface.
            self.migratedAt = now
        }
    }

    private func serverActivity() {
        if self.serverHandle == nil { self.serverHandle = self.server.endpoint.pollAccepted() }
        guard let handle = self.serverHandle, let connection = self.server.endpoint.connection(handle) else { return }
        while let event = connection.pollEvent() {
            switch event {
            case .stream(.opened(let id)) where id.direction == .unidirectional:
                self.uplinkReceiver?.streamOpened(id)
            case .stream(.opened(let id)):
                self.serverApplication.streamOpened(id)
            case .pathAvailable(let id, _):
                self.describe(path: id, on: connection)
            default:
                break
            }
        }
        self.serverApplication.serve(connection)
        let now = self.network.now
        self.uplinkReceiver?.read(connection, now: now)
        self.gateway?.drive(connection, now: now)
        self.server.applicationWakeup = self.gateway?.wakeup(now: now)
    }

    /// Tells the server's scheduler the cost and name of a path the client opened, from the client address.
    private func describe(path id: PathID, on connection: Connection) {
        guard let remote = connection.fourTuple(ofPath: id)?.remote.simAddress,
              let index = Self.clientAddresses.firstIndex(of: remote) else { return }
        let path = self.scenario.paths[index]
        try? connection.describePath(id, cost: path.cost, label: path.name)
    }
}
