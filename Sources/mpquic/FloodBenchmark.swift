import Foundation
import QUICBench
import QUICTransport
import Synchronization

/// The run behind `mpquic bench flood`: an unflooded phase, a flooded phase, the recovery check, the report.
struct FloodBenchmark {
    struct Settings {
        var counts: [Flooder.Kind: Int]
        var rate: Double
        var floodSeconds: Double
        var sourceAddresses: Int
        var socketsPerAddress: Int
        var legitRate: Double
        var legitInFlight: Int
        var handshakeTimeout: Double
        var minSuccess: Double
        var timeout: Double
        var server: String?
        var serverPID: Int32?
        var json: Bool
    }

    /// What the legitimate clients saw in one phase.
    struct Phase: Codable {
        var seconds: Double
        var attempted: Int
        var succeeded: Int
        var successRatio: Double
        var handshake: LatencySummary?
        var failureReasons: [String]
        var serverCPUSeconds: Double?

        init(_ outcome: HandshakeProbe.Outcome, serverCPUSeconds: Double?) {
            self.seconds = outcome.seconds
            self.attempted = outcome.attempted
            self.succeeded = outcome.succeeded
            self.successRatio = outcome.successRatio
            self.handshake = outcome.handshakes.summary
            self.failureReasons = ConnectionsBenchmark.reasons(outcome.failures)
            self.serverCPUSeconds = serverCPUSeconds
        }

        var text: String {
            let share = BenchFormat.percent(self.succeeded, of: self.attempted)
            return "\(self.succeeded) of \(self.attempted) handshakes (\(share))"
                + " in \(BenchFormat.fixed(self.seconds, decimals: 1)) s; " + (self.handshake?.text ?? "none completed")
        }
    }

    struct Report: Codable {
        var ok: Bool
        var verdict: String
        var legitRate: Double
        var unflooded: Phase
        var flooded: Phase
        var flood: Flooder.Result
        var forgedInitialsSent: Int
        var validFlightsBuilt: Int
        var validFlightsBuildSeconds: Double
        var recovered: Bool
        var serverAlive: Bool
        var serverRSSStartBytes: UInt64?
        var serverRSSBeforeFloodBytes: UInt64?
        var serverRSSPeakBytes: UInt64?
        var serverRSSAfterBytes: UInt64?
        var serverCPUSecondsTotal: Double?
        var serverCPUMicrosecondsPerFloodDatagram: Double?
        /// Datagrams the server read and wrote during the flooded phase (legitimate ones included): fewer read
        /// than sent means the socket's receive buffer overflowed.
        var serverDatagramsFlooded: DatagramCounts?
        var debugBuild: Bool

        var lines: [String] {
            func rss(_ value: UInt64?) -> String { value.map { BenchFormat.bytes(Double($0)) } ?? "-" }
            var lines = [
                "unflooded   " + self.unflooded.text,
                "flooded     " + self.flooded.text,
            ]
            for reason in self.flooded.failureReasons.prefix(3) {
                lines.append("  failed    " + reason)
            }
            let kinds = Flooder.Kind.allCases.map { "\($0.rawValue) \(self.flood.datagramsSent[$0.rawValue] ?? 0)" }
            lines.append("flood       \(self.flood.datagramsTotal) datagrams in "
                + "\(BenchFormat.fixed(self.flood.seconds, decimals: 2)) s "
                + "(\(BenchFormat.fixed(self.flood.datagramsPerSecond, decimals: 0))/s) from \(self.flood.sources) "
                + "sources: " + kinds.joined(separator: ", "))
            lines.append("  replies   \(self.flood.repliesReceived) datagrams back to the flood's sockets; "
                + "\(self.flood.sendErrors) send errors; \(self.validFlightsBuilt) distinct valid first flights")
            if let perDatagram = self.serverCPUMicrosecondsPerFloodDatagram {
                lines.append("  server    \(BenchFormat.fixed(perDatagram, decimals: 1)) µs CPU per flood datagram "
                    + "(flooded phase CPU minus unflooded)")
            }
            if let counts = self.serverDatagramsFlooded {
                lines.append("  server    read \(counts.received) datagrams and wrote \(counts.sent) during the "
                    + "flooded phase")
            }
            lines.append("server RSS  start \(rss(self.serverRSSStartBytes)), before the flood "
                + "\(rss(self.serverRSSBeforeFloodBytes)), peak \(rss(self.serverRSSPeakBytes)), after "
                + "\(rss(self.serverRSSAfterBytes))")
            lines.append("recovered   " + (self.recovered ? "yes: a handshake right after the flood succeeded"
                                              : "no: the handshake right after the flood failed")
                + (self.serverAlive ? "" : " (the server died)"))
            lines.append("verdict     " + self.verdict)
            return lines
        }
    }

    let settings: Settings

    func run() async throws -> Report {
        let server = try self.startServer()
        let stage = Shared("starting")
        let watchdog = Watchdog.start(seconds: self.settings.timeout, serverPID: server.isChild ? server.pid : nil,
                                      what: "bench flood", json: self.settings.json) { stage.value }
        defer { watchdog.cancel() }
        guard let target = NetworkAddress(parsing: server.host, defaultPort: UInt16(clamping: server.port)),
              BenchTarget.isLoopback(target), case .v4 = target.ip else {
            _ = server.stop()
            throw BenchFailure("the flood only targets an IPv4 loopback server (127.0.0.0/8), not "
                + "\(server.host):\(server.port)")
        }
        let rssStart = server.sample()
        stage.set("building \(self.settings.counts[.validInitial] ?? 0) client first flights")
        let building = monotonicSeconds()
        let replayed: [[UInt8]]
        let valid: [[[UInt8]]]
        do {
            replayed = try ClientFirstFlight().datagrams(from: .ipv4(127, 0, 0, 2, port: 40_000), to: target,
                                                         seed: UInt64.random(in: .min ... .max))
            valid = try await Self.firstFlights(count: self.settings.counts[.validInitial] ?? 0, to: target)
        } catch {
            _ = server.stop()
            throw BenchFailure("cannot build client first flights: \(error)")
        }
        let buildSeconds = monotonicSeconds() - building
        let probe: HandshakeProbe
        do {
            probe = try await HandshakeProbe.make(host: server.host, port: server.port, endpoints: 4,
                                                  timeout: self.settings.handshakeTimeout)
        } catch {
            _ = server.stop()
            throw error
        }
        let total = self.settings.counts.values.reduce(0, +)
        let planned = self.settings.rate > 0 ? Double(total) / self.settings.rate : 5
        let phaseSeconds = min(max(planned, 2), self.settings.floodSeconds)
        let ticker = ProgressTicker()
        let flooder = Flooder()
        let phaseName = stage
        stage.set("unflooded")
        ticker.start { [total] in
            let outcome = probe.current
            return "\(phaseName.value): \(outcome.succeeded)/\(outcome.attempted) legit handshakes, "
                + "\(probe.pending) in flight; flood \(flooder.sentSoFar)/\(total) datagrams"
        }

        let quietStart = server.sample()
        let quiet = await probe.run(rate: self.settings.legitRate, seconds: phaseSeconds,
                                    maxInFlight: self.settings.legitInFlight)
        let quietEnd = server.sample()

        phaseName.set("flooded")
        let rssBefore = server.sample()
        let countsBefore = server.counters()
        let floodDone = Shared(false)
        let peak = Shared<UInt64>(rssBefore?.residentBytes ?? 0)
        let sampler = Task { [reader = server.reader] in
            while !Task.isCancelled {
                if let resident = reader?.sample()?.residentBytes {
                    peak.withLock { $0 = max($0, resident) }
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        let plan = Flooder.Plan(
            target: target, counts: self.settings.counts, rate: self.settings.rate,
            maxSeconds: self.settings.floodSeconds, sourceAddresses: self.settings.sourceAddresses,
            socketsPerAddress: self.settings.socketsPerAddress, replayed: replayed, validFlights: valid)
        let floodTask = Task { () -> Result<Flooder.Result, BenchFailure> in
            defer { floodDone.set(true) }
            do throws(BenchFailure) {
                return .success(try await flooder.run(plan))
            } catch {
                return .failure(error)
            }
        }
        let flooded = await probe.run(rate: self.settings.legitRate, seconds: phaseSeconds,
                                      maxInFlight: self.settings.legitInFlight,
                                      keepGoing: { !floodDone.value })
        let floodEnd = server.sample()
        let countsAfter = server.counters()
        let floodResult = await floodTask.value
        let recovered = await probe.attempt()
        sampler.cancel()
        ticker.stop()
        let rssAfter = server.sample()
        let alive = server.isRunning
        await probe.shutdown()
        let exit = server.stop()
        let flood: Flooder.Result
        switch floodResult {
        case .success(let result): flood = result
        case .failure(let failure): throw failure
        }

        let quietCPU = ProcessReader.cpuSeconds(from: quietStart, to: quietEnd)
        let floodCPU = ProcessReader.cpuSeconds(from: rssBefore, to: floodEnd)
        var report = Report(
            ok: false, verdict: "", legitRate: self.settings.legitRate,
            unflooded: Phase(quiet, serverCPUSeconds: quietCPU), flooded: Phase(flooded, serverCPUSeconds: floodCPU),
            flood: flood,
            forgedInitialsSent: [Flooder.Kind.forgedInitial, .replayedInitial, .validInitial]
                .reduce(0) { $0 + (flood.datagramsSent[$1.rawValue] ?? 0) },
            validFlightsBuilt: valid.count, validFlightsBuildSeconds: buildSeconds, recovered: recovered,
            serverAlive: alive, serverRSSStartBytes: rssStart?.residentBytes,
            serverRSSBeforeFloodBytes: rssBefore?.residentBytes,
            serverRSSPeakBytes: server.reader == nil ? nil : peak.value,
            serverRSSAfterBytes: rssAfter?.residentBytes, serverCPUSecondsTotal: exit?.cpuSeconds,
            debugBuild: ConnectionsBenchmark.isDebugBuild)
        if let countsBefore, let countsAfter {
            report.serverDatagramsFlooded = countsAfter - countsBefore
        }
        if let quietCPU, let floodCPU, flood.datagramsTotal > 0, quiet.seconds > 0 {
            // The legitimate load's share, scaled to the flooded phase's length, is taken out.
            let legitimate = quietCPU / quiet.seconds * flooded.seconds
            report.serverCPUMicrosecondsPerFloodDatagram = max(floodCPU - legitimate, 0) * 1e6
                / Double(flood.datagramsTotal)
        }
        let ratio = flooded.successRatio
        let enough = ratio >= self.settings.minSuccess
        report.ok = enough && recovered && alive
        let share = BenchFormat.percent(flooded.succeeded, of: flooded.attempted)
        report.verdict = (enough ? "passed" : "failed") + ": \(share)"
            + " of legitimate handshakes succeeded during \(report.forgedInitialsSent) forged Initials (required "
            + "\(BenchFormat.fixed(self.settings.minSuccess * 100, decimals: 1))%)"
            + (recovered ? "" : "; the server did not recover") + (alive ? "" : "; the server died")
        return report
    }

    private func startServer() throws(BenchFailure) -> BenchServer {
        if let address = self.settings.server {
            return try BenchServer(external: address, pid: self.settings.serverPID)
        }
        return try BenchServer(maxConnections: 10_000)
    }

    /// `count` first flights of distinct fresh clients, built on every core.
    static func firstFlights(count: Int, to target: NetworkAddress) async throws -> [[[UInt8]]] {
        guard count > 0 else { return [] }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return try await withThrowingTaskGroup(of: [[[UInt8]]].self) { group in
            for worker in 0..<workers {
                let share = count / workers + (worker < count % workers ? 1 : 0)
                group.addTask {
                    var random = ConnectionRandom.system()
                    var flights: [[[UInt8]]] = []
                    flights.reserveCapacity(share)
                    for index in 0..<share {
                        let source = NetworkAddress.ipv4(127, 0, 0, 2, port: UInt16(truncatingIfNeeded: 1_024 + index))
                        flights.append(try ClientFirstFlight().datagrams(from: source, to: target,
                                                                         seed: random.next()))
                    }
                    return flights
                }
            }
            var all: [[[UInt8]]] = []
            for try await flights in group {
                all += flights
            }
            return all
        }
    }
}
