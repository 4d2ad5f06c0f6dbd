import Foundation

/// Everything a batch of lab runs found: every result, their aggregates per scenario x strategy, and the winner
/// of each scenario. Encodes to the report's `results.json` and renders as its HTML page.
public struct LabReport: Sendable, Hashable, Codable {
    /// The seeds every scenario x strategy ran with.
    public var seeds: [UInt64]
    /// The factor the scenarios' times and sizes were multiplied by.
    public var scale: Double
    /// The command line that reproduces the report.
    public var command: String
    public var scenarios: [LabScenarioDescription]
    /// In scenario order, then strategy order, then seed order.
    public var results: [LabResult]
    /// In scenario order, then strategy order.
    public var aggregates: [LabAggregate]
    /// One per scenario that has a winner, in scenario order.
    public var winners: [LabWinner]

    /// Aggregates `results` (runs of `scenarios`, which were already scaled by `scale`).
    public init(scenarios: [LabScenarioDescription], results: [LabResult], seeds: [UInt64], scale: Double,
                command: String) {
        self.seeds = seeds
        self.scale = scale
        self.command = command
        self.scenarios = scenarios
        self.results = results
        var aggregates: [LabAggregate] = []
        var winners: [LabWinner] = []
        for scenario in scenarios {
            let runs = results.filter { $0.scenario == scenario.name }
            let own = scenario.strategies.compactMap { strategy -> LabAggregate? in
                let mine = runs.filter { $0.strategy == strategy }
                guard !mine.isEmpty else { return nil }
                return LabAggregate(scenario: scenario.name, strategy: strategy, objective: scenario.objective,
                                    results: mine)
            }
            aggregates += own
            if let winner = LabWinner(scenario: scenario, aggregates: own) { winners.append(winner) }
        }
        self.aggregates = aggregates
        self.winners = winners
    }

    /// The pretty-printed JSON with sorted keys: the same runs give the same bytes.
    public func json() throws(LabReportError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw .encodingFailed("\(error)")
        }
    }

    public func aggregates(of scenario: String) -> [LabAggregate] {
        self.aggregates.filter { $0.scenario == scenario }
    }

    public func results(of scenario: String, strategy: String? = nil) -> [LabResult] {
        self.results.filter { $0.scenario == scenario && (strategy == nil || $0.strategy == strategy) }
    }

    public func winner(of scenario: String) -> LabWinner? {
        self.winners.first { $0.scenario == scenario }
    }

    /// The columns of ``summaryRows``.
    public static let summaryHeader = [
        "scenario", "objective", "winner", "mean [min–max]", "migration", "margin over migration",
        "metered MB", "best single path",
    ]

    /// One row per scenario: the winner, its objective mean and spread, migration's mean, the margin, the winner's
    /// metered megabytes and the best single path's mean.
    public var summaryRows: [[String]] {
        self.scenarios.map { scenario in
            let objective = scenario.objective
            let unit = objective.unit
            guard let winner = self.winner(of: scenario.name) else {
                return [scenario.name, objective.label, "none", "-", "-", "-", "-", "-"]
            }
            let spread = "\(unit.format(winner.objective.mean)) [\(unit.number(winner.objective.min))"
                + "–\(unit.number(winner.objective.max))]"
            let done = winner.completedRuns == winner.runs ? "" : " (\(winner.completedRuns)/\(winner.runs) done)"
            let single = winner.bestSinglePath.map { name in
                name + (winner.bestSinglePathObjective.map { " " + unit.format($0.mean) } ?? "")
            }
            return [
                scenario.name, objective.label, winner.strategy + done, spread,
                winner.migration.map { unit.format($0.mean) } ?? "-",
                winner.marginText(objective) ?? (winner.strategy == LabScenarioDescription.migration ? "winner" : "-"),
                winner.meteredBytes.map { LabFormat.fixed($0.mean / 1e6, 2) } ?? "-", single ?? "-",
            ]
        }
    }
}

extension LabWinner {
    /// "p95 0.383 s vs 1.24 s: 69% lower"; nil without a margin.
    public func marginText(_ objective: LabObjective) -> String? {
        guard let margin = self.margin, let migration = self.migration else { return nil }
        let unit = objective.unit
        let comparison = "\(objective.measure) \(unit.format(self.objective.mean)) vs \(unit.format(migration.mean))"
        if margin.absolute == 0 { return comparison + ": the same" }
        let direction = margin.absolute < 0 ? "lower" : "higher"
        guard let relative = margin.relative else { return comparison + ": \(direction)" }
        return comparison + ": \(LabFormat.percent(relative)) \(direction)"
    }
}
