import ArgumentParser
import Dispatch
import Glibc
import QUICRelay

/// `mpquic relay`: forwards UDP between clients and a target through emulated paths.
struct Relay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forward UDP to a target through emulated paths (rate, queue, delay, jitter, loss, outages).",
        discussion: """
            Each --path listens on its own address; every client source seen there gets its own upstream \
            socket, so the target sees one source per path and client. Settings apply to both directions \
            unless prefixed with up. (client to target) or down. (target to client).

            Example: mpquic relay --target 127.0.0.1:4433 \
              --path wifi=127.0.0.1:5001,rate=20mbit,delay=15ms,jitter=2ms,loss=0.5%,queue=64kb \
              --path lte=127.0.0.1:5002,rate=10mbit,down.delay=40ms \
              --at 10s:wifi=down --at 12s:wifi=up --at 5s:lte.rate=5mbit
            """
    )

    @Option(name: .customLong("path"), help: ArgumentHelp(
        "A path: NAME=HOST:PORT[,rate=..,delay=..,jitter=..,loss=..%,queue=..]; repeat for more paths.",
        valueName: "spec"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("Where datagrams go: HOST:PORT (loopback only by default).", valueName: "address"))
    var target: String

    @Option(name: .customLong("at"), help: ArgumentHelp(
        "A timeline change: TIME:PATH=up|down or TIME:PATH[.up|.down].KEY=VALUE, e.g. 10s:wifi=down.",
        valueName: "change"))
    var changes: [String] = []

    @Option(help: ArgumentHelp("A file of timeline changes, one per line (or a JSON array).", valueName: "file"))
    var scenario: String?

    @Option(help: "Seed for the loss and jitter draws.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Print statistics every this many seconds.", valueName: "seconds"))
    var reportInterval: Double?

    @Option(help: ArgumentHelp("Stop after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Flag(help: "Allow listening and target addresses outside 127.0.0.0/8 and ::1.")
    var allowNonLoopback = false

    func validate() throws {
        _ = try self.relayConfiguration()
        if let interval = self.reportInterval, !(interval > 0) {
            throw ValidationError("--report-interval must be a positive number of seconds")
        }
        if let duration = self.duration, !(duration > 0) {
            throw ValidationError("--duration must be a positive number of seconds")
        }
    }

    /// The engine configuration from the flags; a bad flag becomes a validation error with the fix in it.
    func relayConfiguration() throws -> RelayConfiguration {
        do {
            guard !self.paths.isEmpty else {
                throw ValidationError("give at least one --path NAME=HOST:PORT")
            }
            var paths: [RelayPathConfiguration] = []
            for spec in self.paths {
                paths.append(try RelayPathConfiguration(parsing: spec))
            }
            var changes: [RelayChange] = []
            if let scenario = self.scenario {
                changes += try RelayTimeline.loadScenario(path: scenario)
            }
            for change in self.changes {
                changes.append(try RelayChange(parsing: change))
            }
            let configuration = RelayConfiguration(
                paths: paths, target: try RelaySocketAddress(parsing: self.target), seed: self.seed,
                timeline: RelayTimeline(changes), allowNonLoopback: self.allowNonLoopback)
            try configuration.validate()
            return configuration
        } catch let error as RelayError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let configuration = try self.relayConfiguration()
        let relay: QUICRelay.Relay
        do {
            relay = try QUICRelay.Relay(configuration: configuration)
        } catch {
            throw ValidationError(error.description)
        }
        for (path, address) in zip(configuration.paths, relay.listeningAddresses) {
            print("relay: \(path.name) listening on \(address) -> \(configuration.target)")
            print("  up:   \(Self.describe(path.up))")
            print("  down: \(Self.describe(path.down))")
        }
        fflush(nil)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { relay.stop() }
            source.resume()
            sources.append(source)
        }
        relay.start(reportInterval: self.reportInterval, duration: self.duration) { text in
            print(text)
            fflush(nil)
        }
        let statistics = relay.waitUntilStopped()
        sources.forEach { $0.cancel() }
        print("--- final")
        for path in statistics {
            print(path.report)
        }
    }

    static func describe(_ parameters: RelayDirectionParameters) -> String {
        let rate = parameters.rate == 0 ? "unlimited" : "\(Double(parameters.rate) / 1e6) Mbit/s"
        let queue = parameters.queue.map { "\($0) B" } ?? "unlimited"
        return "rate \(rate), delay \(Double(parameters.delay) / 1e6) ms, "
            + "jitter \(Double(parameters.jitter) / 1e6) ms, "
            + "loss \(parameters.loss * 100)%, queue \(queue)"
    }
}
