import Crypto
import Foundation
import QUIC
import QUICInterop
import QUICTransport
import Synchronization

/// The work behind `mpquic client`: connections, parallel fetches, resumption, migration and the report.
struct ClientTransfer: Sendable {
    /// Everything the transfer needs from the command line.
    struct Settings: Sendable {
        var urls: [InteropURL]
        var outputs: [String?]
        var configuration: QUICConfiguration
        var options: QUICClientOptions
        var resume: Bool
        var zeroRTT: Bool
        var keyUpdate: Bool
        var migrate: Bool
        var migrateTo: String?
        var hash: Bool
        var handshakeOnly: Bool
        var progress: Bool
        var summary: Bool
        /// `--local`: the endpoint binds each and, with multipath, opens a path from each.
        var localPaths: [LocalPathEndpoint] = []
    }

    /// A failure with the URL or step it concerns, printed as is.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let settings: Settings
    /// What the transfer is doing, for the timeout message.
    let phase: ClientPhase

    init(settings: Settings, phase: ClientPhase) {
        self.settings = settings
        self.phase = phase
    }

    private var authority: HostPort { self.settings.urls[0].authority }

    /// Fetches every URL once (twice with --resume / --zero-rtt) and reports the last connection.
    func fetch() async throws -> ClientReport {
        let endpoint = try await self.makeEndpoint()
        var options = self.settings.options
        var report = try await self.run(on: endpoint, options: options, keepResumption: self.settings.resume)
        if self.settings.resume {
            guard let resumption = report.resumption else {
                throw Failure(description: "the server sent no session ticket, so the connection cannot be resumed")
            }
            options.resumption = resumption
            options.earlyData = self.settings.zeroRTT
            report = try await self.run(on: endpoint, options: options, keepResumption: false)
        }
        await endpoint.close()
        if self.settings.summary {
            report.summary.lines.forEach(Console.error)
        }
        return report.client
    }

    /// Connects `count` times in a row, each a full handshake followed by a close, and reports the rate.
    func handshakes(count: Int) async throws -> ClientReport {
        let endpoint = try await self.makeEndpoint()
        let clock = ContinuousClock()
        let start = clock.now
        var handshakeTotal = 0.0
        for index in 0..<count {
            let connection: QUICConnection
            self.phase.set("connecting to \(self.authority) (handshake \(index + 1) of \(count))")
            do {
                connection = try await endpoint.connect(host: self.authority.host, port: self.authority.port,
                                                        options: self.settings.options)
            } catch {
                throw Failure(description: "handshake \(index + 1) of \(count) with \(self.authority): \(error)")
            }
            if let duration = try? await connection.statistics().handshakeDuration {
                handshakeTotal += Console.seconds(duration)
            }
            await connection.close()
        }
        let seconds = Console.seconds(clock.now - start)
        await endpoint.close()
        var report = ClientReport(ok: true)
        report.seconds = seconds
        report.handshakes = count
        report.handshakesPerSecond = Double(count) / max(seconds, 1e-9)
        report.handshakeMs = handshakeTotal / Double(count) * 1_000
        if self.settings.summary {
            Console.error("\(count) handshakes in " + String(format: "%.3f s: %.1f handshakes/s, %.2f ms each",
                                                           seconds, report.handshakesPerSecond ?? 0,
                                                           report.handshakeMs ?? 0))
        }
        return report
    }

    /// A client endpoint on the --local addresses, or on a system-picked one.
    private func makeEndpoint() async throws -> QUICEndpoint {
        if self.settings.localPaths.isEmpty {
            return try await QUICEndpoint.client(configuration: self.settings.configuration)
        }
        return try await QUICEndpoint.client(localPaths: self.settings.localPaths,
                                             configuration: self.settings.configuration)
    }

    /// One connection's results.
    struct ConnectionResult {
        var client: ClientReport
        var summary: TransferSummary
        var resumption: QUICResumption?
    }

    /// Connects, fetches every URL in parallel, and closes.
    private func run(on endpoint: QUICEndpoint, options: QUICClientOptions, keepResumption: Bool)
        async throws -> ConnectionResult {
        let clock = ContinuousClock()
        let start = clock.now
        let connection: QUICConnection
        let attempt = options.resumption == nil ? "" : " again, resuming"
        self.phase.set("connecting to \(self.authority)\(attempt)")
        do {
            connection = try await endpoint.connect(host: self.authority.host, port: self.authority.port,
                                                    options: options)
        } catch {
            throw Failure(description: "cannot connect to \(self.authority): \(error)")
        }
        let progress = TransferProgress()
        self.phase.set("fetching \(self.settings.urls.map(\.description).joined(separator: ", "))", progress: progress)
        let background = self.startBackgroundWork(connection, progress: progress, start: start)
        let files: [ClientReport.File]
        do {
            if self.settings.handshakeOnly {
                try await connection.waitForHandshake()
                files = []
            } else {
                files = try await self.fetchAll(on: connection, progress: progress)
                try await connection.waitForHandshake()
            }
        } catch {
            background.forEach { $0.cancel() }
            await connection.close(errorCode: HQErrorCode.internalError, reason: "client failure")
            throw error
        }
        let seconds = Console.seconds(clock.now - start)
        background.forEach { $0.cancel() }
        if self.settings.progress {
            // Clears the progress line and the per-path lines below it.
            Console.status("\r\u{1B}[J")
        }
        if let migrationError = progress.migrationError {
            await connection.close(errorCode: HQErrorCode.internalError, reason: "migration failed")
            throw Failure(description: "migration failed: \(migrationError)")
        }
        self.phase.set("closing the connection")
        let statistics = try await connection.statistics()
        var resumption: QUICResumption?
        if keepResumption {
            resumption = await Self.waitForResumption(connection)
        }
        await connection.close(errorCode: self.settings.handshakeOnly ? HQErrorCode.h3NoError : 0)
        return self.result(files: files, seconds: seconds, statistics: statistics, migrated: progress.migrated,
                           earlyDataAttempted: options.earlyData, resumption: resumption)
    }

    /// The progress bar, the key update and the migration, each in its own task.
    private func startBackgroundWork(_ connection: QUICConnection, progress: TransferProgress,
                                     start: ContinuousClock.Instant) -> [Task<Void, Never>] {
        var tasks: [Task<Void, Never>] = []
        let total = self.expectedTotal
        if self.settings.progress {
            let paths = self.settings.configuration.multipath != nil ? connection : nil
            tasks.append(Task { await PathProgress.draw(progress, total: total, start: start, paths: paths) })
        }
        if self.settings.keyUpdate {
            tasks.append(Task {
                guard (try? await connection.waitForHandshake()) != nil else { return }
                for _ in 0..<200 where !Task.isCancelled {
                    if await connection.requestKeyUpdate() { return }
                    try? await Task.sleep(for: .milliseconds(5))
                }
            })
        }
        if self.settings.migrate {
            let host = self.settings.migrateTo
            tasks.append(Task {
                // A third of the bytes when the sizes are known; otherwise the first 64 KiB, so that most of even a
                // small transfer crosses the new path.
                let threshold = total.map { $0 / 3 } ?? 65_536
                while progress.bytes < threshold, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(1))
                }
                guard !Task.isCancelled else { return }
                do {
                    try await connection.migrate(toLocalHost: host)
                    progress.markMigrated()
                } catch {
                    progress.markMigrationFailed("\(error)")
                }
            })
        }
        return tasks
    }

    /// The sum of the sizes when every URL is `/N`; nil when some size is unknown.
    private var expectedTotal: UInt64? {
        var total: UInt64 = 0
        for url in self.settings.urls {
            guard case .generated(let length)? = try? HQResourceResolver(root: nil).resolve(url.path) else {
                return nil
            }
            total += length
        }
        return total
    }

    /// Fetches every URL on its own stream, all at once; results in URL order.
    private func fetchAll(on connection: QUICConnection, progress: TransferProgress) async throws
        -> [ClientReport.File] {
        try await withThrowingTaskGroup(of: (Int, ClientReport.File).self) { group in
            for (index, url) in self.settings.urls.enumerated() {
                let output = self.settings.outputs[index]
                group.addTask {
                    do {
                        return (index, try await self.fetch(url, output: output, on: connection, progress: progress))
                    } catch let error as QUICError {
                        throw Failure(description: "\(url): \(Self.explain(error))")
                    } catch {
                        throw Failure(description: "\(url): \(error)")
                    }
                }
            }
            var files = [ClientReport.File?](repeating: nil, count: self.settings.urls.count)
            for try await (index, file) in group {
                files[index] = file
            }
            return files.compactMap { $0 }
        }
    }

    /// Sends one request and streams its response into `output` (or nowhere), counting and hashing it.
    private func fetch(_ url: InteropURL, output: String?, on connection: QUICConnection,
                       progress: TransferProgress) async throws -> ClientReport.File {
        var sink: FileHandle?
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil),
                  let handle = FileHandle(forWritingAtPath: output)
            else { throw Failure(description: "cannot write \(output)") }
            sink = handle
        }
        defer { try? sink?.close() }
        let stream = try await connection.openStream()
        try await stream.write(HQRequest(path: url.path).encode())
        try await stream.finish()
        var hasher = SHA256()
        var bytes: UInt64 = 0
        while let chunk = try await stream.read() {
            bytes += UInt64(chunk.count)
            progress.add(chunk.count)
            if self.settings.hash {
                hasher.update(data: chunk)
            }
            try sink?.write(contentsOf: chunk)
        }
        let digest = self.settings.hash ? hasher.finalize().map { String(format: "%02x", $0) }.joined() : ""
        return ClientReport.File(url: url.description, bytes: bytes, sha256: digest)
    }

    /// A stream error in words, naming the server's reset code.
    private static func explain(_ error: QUICError) -> String {
        guard case .streamReset(let code) = error else { return "\(error)" }
        let meaning: String
        switch code {
        case HQErrorCode.badRequest: meaning = "bad request"
        case HQErrorCode.notFound: meaning = "not found"
        case HQErrorCode.forbidden: meaning = "forbidden"
        case HQErrorCode.internalError: meaning = "server error"
        default: meaning = "unknown code"
        }
        return "the server reset the stream with code 0x\(String(code, radix: 16)) (\(meaning))"
    }

    /// The session ticket usually arrives with the first response; waits up to a second for it.
    private static func waitForResumption(_ connection: QUICConnection) async -> QUICResumption? {
        for _ in 0..<100 {
            if let resumption = await connection.resumption() { return resumption }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    private func result(files: [ClientReport.File], seconds: Double, statistics: QUICConnectionStatistics,
                        migrated: Bool, earlyDataAttempted: Bool, resumption: QUICResumption?) -> ConnectionResult {
        let bytes = files.reduce(0) { $0 + $1.bytes }
        var report = ClientReport(ok: true)
        report.bytes = bytes
        report.seconds = seconds
        report.mbps = Formatting.megabitsPerSecond(bytes: bytes, seconds: seconds)
        report.handshakeMs = statistics.handshakeDuration.map { Console.seconds($0) * 1_000 }
        report.resumed = statistics.resumed
        switch statistics.earlyDataAccepted {
        case .some(true): report.zeroRTT = "accepted"
        case .some(false): report.zeroRTT = "rejected"
        case .none: report.zeroRTT = earlyDataAttempted ? "rejected" : "none"
        }
        report.retry = statistics.retried
        report.cipherSuite = statistics.cipherSuite
        report.keyUpdates = statistics.keyUpdates
        report.migrated = migrated
        report.files = files
        report.paths = statistics.paths.map { TransferSummary.Path($0, multipath: statistics.isMultipath) }
        var notes: [String] = []
        if report.resumed { notes.append("resumed") }
        if report.zeroRTT != "none" { notes.append("0-RTT \(report.zeroRTT)") }
        if report.retry { notes.append("retry") }
        if migrated { notes.append("migrated") }
        if report.keyUpdates > 0 { notes.append("\(report.keyUpdates) key updates") }
        notes.append(report.cipherSuite)
        let summary = TransferSummary(bytes: bytes, seconds: seconds, handshakeMilliseconds: report.handshakeMs,
                                      paths: report.paths, notes: notes)
        return ConnectionResult(client: report, summary: summary, resumption: resumption)
    }
}

/// Counters the fetch tasks, the progress bar and the migration task share.
final class TransferProgress: Sendable {
    private struct State {
        var bytes: UInt64 = 0
        var migrated = false
        var migrationError: String?
    }

    private let state = Mutex(State())

    var bytes: UInt64 { self.state.withLock { $0.bytes } }
    var migrated: Bool { self.state.withLock { $0.migrated } }
    var migrationError: String? { self.state.withLock { $0.migrationError } }

    func add(_ count: Int) {
        self.state.withLock { $0.bytes += UInt64(count) }
    }

    func markMigrated() {
        self.state.withLock { $0.migrated = true }
    }

    func markMigrationFailed(_ reason: String) {
        self.state.withLock { $0.migrationError = reason }
    }
}

/// What the client is doing now, so that a timeout can say where it stopped.
final class ClientPhase: Sendable {
    private let state = Mutex<(text: String, progress: TransferProgress?)>(("starting", nil))

    func set(_ text: String, progress: TransferProgress? = nil) {
        self.state.withLock { $0 = (text, progress) }
    }

    /// The phase, with the bytes received so far while fetching.
    var current: String {
        let (text, progress) = self.state.withLock { $0 }
        guard let progress else { return text }
        return "\(text) (\(progress.bytes) bytes received)"
    }
}
