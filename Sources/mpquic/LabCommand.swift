import ArgumentParser
import Foundation
import QUICLab

/// `mpquic lab`: the named scenarios of the lab, run in the simulator (virtual time, reproducible from a seed).
struct Lab: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare single-path QUIC, migration and multipath schedulers on simulated use cases.",
        subcommands: [LabListCommand.self, LabRunCommand.self, LabReportCommand.self]
    )
}

/// `mpquic lab list`: each scenario with a one-line description and its strategies.
struct LabListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the scenarios.")

    func run() {
        for scenario in LabCatalog.scenarios {
            Console.out("\(scenario.name): \(scenario.summary)")
            Console.out("  strategies: " + scenario.strategies.map { $0.name(in: scenario) }.joined(separator: ", "))
        }
    }
}

/// `mpquic lab run SCENARIO`: runs one scenario with one or every strategy and prints the metrics.
struct LabRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a scenario with one strategy or all that apply, and print its metrics.")

    @Argument(help: "The scenario (see `mpquic lab list`).")
    var scenario: String

    @Option(help: "single-<path> or a path name, migration, or a scheduler (minrtt, roundrobin, ...); default: all.")
    var strategy: String?

    @Option(help: "The seed every random choice derives from.")
    var seed: UInt64 = 1

    @Option(help: "Multiply the scenario's times and sizes by this factor (shorter runs).")
    var scale: Double = 1

    @Flag(help: "Print the results as a JSON array instead of a table.")
    var json = false

    @Flag(help: "Also run each strategy over real sockets through the relay on loopback, beside the simulator.")
    var real = false

    func validate() throws {
        guard self.scale > 0, self.scale <= 10 else { throw ValidationError("--scale must be in (0, 10]") }
    }

    func run() async throws {
        let scenario: LabScenario
        let strategies: [LabStrategy]?
        do {
            scenario = try LabCatalog.scenario(named: self.scenario).scaled(by: self.scale)
            strategies = try self.strategy.map { name throws(LabError) in [try LabStrategy(parsing: name, in: scenario)] }
        } catch {
            throw ValidationError(error.description)
        }
        if self.real {
            try await LabRealComparison.run(scenario, strategies: strategies ?? scenario.strategies, seed: self.seed,
                                            json: self.json)
            return
        }
        var results: [LabResult] = []
        if !self.json { Console.out(LabTable.header(scenario)) }
        for strategy in strategies ?? scenario.strategies {
            let result = try LabRunner.run(scenario, strategy: strategy, seed: self.seed)
            results.append(result)
            if !self.json { Console.out(LabTable.row(result)) }
        }
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Console.out(String(decoding: try encoder.encode(results), as: UTF8.self))
        }
    }
}

/// The table `mpquic lab run` prints: one row per strategy.
enum LabTable {
    static func header(_ scenario: LabScenario) -> String {
        let paths = scenario.paths.map { self.pad("MB " + $0.name, 14) }.joined()
        return self.pad("strategy", 13) + self.pad("done", 6) + self.pad("seconds", 9) + self.pad("Mbit/s", 9)
            + self.pad("p50 s", 8) + self.pad("p95 s", 8) + self.pad("p99 s", 8) + self.pad("stall s", 9)
            + self.pad("max stall", 10) + paths + self.pad("metered MB", 12) + self.pad("migrated at s", 14)
            + "measures"
    }

    static func row(_ result: LabResult) -> String {
        let paths = result.bytesPerPath.map { self.pad(self.format(Double($0.bytes) / 1e6, 2), 14) }.joined()
        return self.pad(result.strategy, 13) + self.pad(result.completed ? "yes" : "no", 6)
            + self.pad(self.format(result.seconds, 2), 9) + self.pad(self.format(result.goodputBitsPerSecond / 1e6, 2), 9)
            + self.pad(result.completionP50.map { self.format($0, 3) } ?? "-", 8)
            + self.pad(result.completionP95.map { self.format($0, 3) } ?? "-", 8)
            + self.pad(result.completionP99.map { self.format($0, 3) } ?? "-", 8)
            + self.pad(self.format(result.totalStall, 2), 9) + self.pad(self.format(result.longestStall, 2), 10)
            + paths + self.pad(self.format(Double(result.meteredBytes) / 1e6, 2), 12)
            + self.pad(result.migratedAt.map { self.format($0, 2) } ?? "-", 14) + self.measures(result)
    }

    /// The run's workload measures as "key=value", sorted by key.
    private static func measures(_ result: LabResult) -> String {
        result.measures.keys.sorted().map { key in
            let value = result.measures[key] ?? 0
            return key + "=" + self.format(value, abs(value) >= 1_000 ? 0 : 3)
        }.joined(separator: " ")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func format(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
