import ArgumentParser
import Foundation
import QUICLab

/// `mpquic lab report --out DIR`: every scenario x strategy x seed, run in parallel, written as `results.json` and a
/// self-contained `report.html`; the summary table goes to stdout.
struct LabReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Run every scenario with every strategy and several seeds; write results.json and report.html.")

    @Option(help: "The directory for results.json and report.html (created if missing).")
    var out: String

    @Option(help: "Run with seeds 1 through N (default 3).")
    var seeds: Int?

    @Option(name: .customLong("seed-list"), help: "Run with these seeds, comma-separated (e.g. 1,2,5).")
    var seedList: String?

    @Option(name: .customLong("scenario"), help: "A scenario to include (repeatable; default: every scenario).")
    var scenarios: [String] = []

    @Option(help: "Multiply the scenarios' times and sizes by this factor (shorter runs).")
    var scale: Double = 1

    @Option(help: "Runs at a time, each on its own thread (default: the number of processors).")
    var jobs: Int?

    func validate() throws {
        guard self.scale > 0, self.scale <= 10 else { throw ValidationError("--scale must be in (0, 10]") }
        if let jobs = self.jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        do {
            _ = try LabSeeds.parse(count: self.seeds, list: self.seedList)
            _ = try self.selectedScenarios()
        } catch let error as LabSeeds.ParseError {
            throw ValidationError(error.description)
        } catch let error as LabError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let seeds = try LabSeeds.parse(count: self.seeds, list: self.seedList)
        let scenarios = try self.selectedScenarios().map { $0.scaled(by: self.scale) }
        try LabReport.prepare(directory: self.out)
        let batch = LabBatch(scenarios: scenarios, seeds: seeds)
        let clock = ContinuousClock()
        let origin = clock.now
        let elapsed: @Sendable () -> Double = { Console.seconds(clock.now - origin) }
        let progress = LabProgressPrinter(batch: batch)
        let results = try batch.run(workers: self.jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                    clock: elapsed) { Console.error(progress.line($0)) }
        let report = LabReport(scenarios: scenarios.map(LabScenarioDescription.init), results: results,
                               seeds: seeds, scale: self.scale, command: self.reproduction(seeds: seeds))
        let files = try report.write(to: self.out)
        Console.out(LabTextTable.render(header: LabReport.summaryHeader, rows: report.summaryRows))
        for file in files { Console.out("wrote \(file)") }
        Console.error("\(results.count) runs in \(LabFormat.fixed(elapsed(), 1)) s")
    }

    private func selectedScenarios() throws(LabError) -> [LabScenario] {
        guard !self.scenarios.isEmpty else { return LabCatalog.scenarios }
        var selected: [LabScenario] = []
        for name in self.scenarios {
            let scenario = try LabCatalog.scenario(named: name)
            if !selected.contains(where: { $0.name == scenario.name }) { selected.append(scenario) }
        }
        return selected
    }

    /// The command that gives the same report (the number of jobs does not change it).
    private func reproduction(seeds: [UInt64]) -> String {
        var words = ["mpquic", "lab", "report", "--out", self.out, "--seed-list",
                     seeds.map(String.init).joined(separator: ",")]
        if self.scale != 1 { words += ["--scale", LabFormat.number(self.scale)] }
        for name in self.scenarios { words += ["--scenario", name] }
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    private static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./,=:".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// The seeds of a report: 1 through `--seeds`, or the `--seed-list`.
enum LabSeeds {
    static let defaultCount = 3

    enum ParseError: Error, CustomStringConvertible {
        case both
        case count(Int)
        case notASeed(String)
        case duplicate(UInt64)

        var description: String {
            switch self {
            case .both: return "give either --seeds N or --seed-list A,B,..., not both"
            case .count(let count): return "--seeds must be between 1 and 1000, not \(count)"
            case .notASeed(let text): return "--seed-list: \"\(text)\" is not a seed (a whole number from 0 to 2^64-1)"
            case .duplicate(let seed): return "--seed-list names seed \(seed) twice"
            }
        }
    }

    static func parse(count: Int?, list: String?) throws(ParseError) -> [UInt64] {
        if count != nil, list != nil { throw .both }
        guard let list else {
            let count = count ?? Self.defaultCount
            guard (1...1_000).contains(count) else { throw .count(count) }
            return (1...UInt64(count)).map { $0 }
        }
        var seeds: [UInt64] = []
        for word in list.split(separator: ",", omittingEmptySubsequences: false) {
            let text = word.trimmingCharacters(in: .whitespaces)
            guard let seed = UInt64(text) else { throw .notASeed(text) }
            guard !seeds.contains(seed) else { throw .duplicate(seed) }
            seeds.append(seed)
        }
        return seeds
    }
}

/// "[ 12/216] voice-assistant  minrtt      seed 2  p95 request time 0.383 s  (0.8 s)".
struct LabProgressPrinter {
    let scenarioWidth: Int
    let strategyWidth: Int
    let totalWidth: Int

    init(batch: LabBatch) {
        let plan = batch.plan
        self.scenarioWidth = plan.map(\.scenario.name.count).max() ?? 0
        self.strategyWidth = plan.map(\.strategyName.count).max() ?? 0
        self.totalWidth = String(plan.count).count
    }

    func line(_ progress: LabProgress) -> String {
        let objective = progress.spec.scenario.objective
        let done = progress.result.completed ? "" : "  (did not complete)"
        let wall = progress.elapsed.map { "  (\(LabFormat.fixed($0, 1)) s)" } ?? ""
        return "[\(LabTextTable.pad(String(progress.finished), self.totalWidth, left: true))/\(progress.total)] "
            + LabTextTable.pad(progress.spec.scenario.name, self.scenarioWidth) + "  "
            + LabTextTable.pad(progress.spec.strategyName, self.strategyWidth) + "  seed \(progress.spec.seed)  "
            + objective.describe(progress.objectiveValue) + done + wall
    }
}

/// A plain-text table with columns as wide as their widest cell.
enum LabTextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { column in
            ([header] + rows).map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        let line = { (cells: [String]) -> String in
            var text = cells.enumerated().map { self.pad($1, widths[$0]) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(width - text.count, 0))
        return left ? padding + text : text + padding
    }
}
