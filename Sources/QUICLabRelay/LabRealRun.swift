import QUIC
import QUICLab
import QUICTLS
import QUICTransport
import Synchronization

/// The client side of one real run: connects on the strategy's first interface through its relay path, opens the
/// second path (multipath) or migrates to the other interface when the first falls silent (migration), runs the
/// workload and measures it until it completes or the scenario's duration limit passes. Time zero is when the relay
/// starts, just before the client connects.
struct LabRealRun {
    var scenario: LabScenario
    var strategy: LabStrategy
    var seed: UInt64
    var identity: CertificateIdentity
    /// The port of each interface's relay path.
    var relayPorts: [Int]
    var configuration: QUICConfiguration

    /// Binds the client's socket, calls `startTheClock` (which starts the relay and its timeline) and connects.
    func run(startingTheClock startTheClock: () -> Void) async throws -> LabResult {
        let deadline = self.scenario.durationLimit
        var first = 0
        if case .singlePath(let index) = self.strategy, self.scenario.paths.indices.contains(index) { first = index }
        let client = try await QUICEndpoint.client(host: LabRealRunner.clientHosts[first],
                                                   configuration: self.configuration)
        startTheClock()
        let origin = ContinuousClock.now
        let workloads = LabRealWorkloads(origin: origin, stallThreshold: self.scenario.stallThreshold)
        // A handshake that cannot complete (the first path down for good) ends with the run.
        let watchdog = Task {
            try await Task.sleep(until: origin + .milliseconds(Int64(deadline * 1_000) + 1_000), clock: .continuous)
            await client.close()
        }
        defer { watchdog.cancel() }
        var options = QUICClientOptions()
        options.serverName = "localhost"
        options.verification = .roots(TrustRoots(self.identity.chain.certificates))
        let connection: QUICConnection
        do {
            connection = try await client.connect(host: LabRealRunner.relayHosts[first], port: self.relayPorts[first],
                                                  options: options)
        } catch {
            await client.close()
            throw LabRelayError.setupFailed("the client could not connect through path "
                + "\(self.scenario.paths[first].name): \(error)")
        }
        var tasks = self.start(workloads, on: connection)
        let monitor = LabRealMonitor(connection: connection, paths: self.scenario.paths,
                                     clientHosts: LabRealRunner.clientHosts)
        var migratedAt: Double?
        var finishedAt: Double?
        while true {
            let now = workloads.now()
            await monitor.sample(at: now)
            finishedAt = workloads.finishedAt(bulk: self.scenario.workload.bulk != nil,
                                              requests: self.scenario.workload.requests != nil)
            if finishedAt != nil || now >= deadline || tasks.contains(where: \.failed) { break }
            if case .migration = self.strategy, migratedAt == nil,
               monitor.migrationDue(at: now, waitingSince: workloads.waitingStart) {
                migratedAt = now
                // Off the sampling loop, so that the run's deadline holds however long the move takes.
                let (host, remote) = (LabRealRunner.clientHosts[1 - first], self.relayAddress(1 - first))
                tasks.append(LabRealTask(optional: true) {
                    try await connection.migrate(toLocalHost: host, remote: remote)
                })
            }
            try? await Task.sleep(for: .milliseconds(Int64(LabRealRunner.samplingInterval * 1_000)))
        }
        let end = finishedAt ?? max(workloads.now(), deadline)
        await connection.close()
        for task in tasks { await task.finish() }
        await client.close()
        return workloads.result(
            scenario: self.scenario, strategy: self.strategy, seed: self.seed, completed: finishedAt != nil, end: end,
            bytesPerPath: [], migratedAt: migratedAt, series: monitor.result)
    }

    /// Starts the workload's parts, and the second path for multipath.
    private func start(_ workloads: LabRealWorkloads, on connection: QUICConnection) -> [LabRealTask] {
        var tasks: [LabRealTask] = []
        if case .multipath = self.strategy {
            let second = self.scenario.paths[1]
            let remote = self.relayAddress(1)
            tasks.append(LabRealTask(optional: true) {
                try await connection.openPath(localHost: LabRealRunner.clientHosts[1], remote: remote,
                                              cost: second.cost, label: second.name)
            })
        }
        if let bulk = self.scenario.workload.bulk {
            tasks.append(LabRealTask { try await workloads.bulk(bulk, on: connection) })
        }
        if let requests = self.scenario.workload.requests {
            tasks.append(LabRealTask { try await workloads.requests(requests, on: connection) })
        }
        return tasks
    }

    private func relayAddress(_ index: Int) -> NetworkAddress? {
        NetworkAddress(parsing: LabRealRunner.relayHosts[index], defaultPort: UInt16(self.relayPorts[index]))
    }
}

/// A task of a real run, and whether it failed: a workload that fails (the connection closed) ends the run early;
/// an optional task's failure (a second path that cannot open) does not.
final class LabRealTask: Sendable {
    private final class Flag: Sendable {
        let value = Mutex(false)
    }

    private let task: Task<Void, Never>
    private let failure = Flag()

    init(optional: Bool = false, _ body: @escaping @Sendable () async throws -> Void) {
        let failure = self.failure
        self.task = Task {
            do {
                try await body()
            } catch {
                if !optional { failure.value.withLock { $0 = true } }
            }
        }
    }

    /// Whether a required task ended with an error.
    var failed: Bool { self.failure.value.withLock { $0 } }

    func finish() async {
        await self.task.value
    }
}
