/// The runs of one scenario x strategy over every seed, summarized: how many completed, and the spread of the
/// objective and of every other value a run reports.
public struct LabAggregate: Sendable, Hashable, Codable {
    public var scenario: String
    public var strategy: String
    public var runs: Int
    public var completedRuns: Int
    /// The scenario's objective over the runs that have it; nil when none has it.
    public var objective: LabStatistic?
    /// The common values (``LabMeasure`` keys) and every workload measure, by key.
    public var values: [String: LabStatistic]

    public init(scenario: String, strategy: String, runs: Int, completedRuns: Int, objective: LabStatistic?,
                values: [String: LabStatistic]) {
        self.scenario = scenario
        self.strategy = strategy
        self.runs = runs
        self.completedRuns = completedRuns
        self.objective = objective
        self.values = values
    }

    /// Summarizes `results` (the runs of one strategy in one scenario) for `objective`.
    public init(scenario: String, strategy: String, objective: LabObjective, results: [LabResult]) {
        var keys = Set(LabMeasure.common)
        for result in results { keys.formUnion(result.measures.keys) }
        var values: [String: LabStatistic] = [:]
        for key in keys {
            values[key] = LabStatistic(results.compactMap { $0.value(of: key) })
        }
        self.init(scenario: scenario, strategy: strategy, runs: results.count,
                  completedRuns: results.filter(\.completed).count,
                  objective: LabStatistic(results.compactMap { $0.value(of: objective.measure) }), values: values)
    }

    /// Whether every run finished its workload in time.
    public var allCompleted: Bool { self.runs > 0 && self.completedRuns == self.runs }

    /// "3/3 completed".
    public var completionText: String { "\(self.completedRuns)/\(self.runs) completed" }

    /// The best of `aggregates` on the objective's mean (lower or higher as `lowerIsBetter` says). Only strategies
    /// whose runs all completed compete, unless none did; on a tie the one that used fewer metered bytes wins (the
    /// same result for less money), then the first in `aggregates`' order.
    public static func best(of aggregates: [LabAggregate], lowerIsBetter: Bool) -> LabAggregate? {
        let measured = aggregates.filter { $0.objective != nil }
        let completed = measured.filter(\.allCompleted)
        var best: LabAggregate?
        for candidate in completed.isEmpty ? measured : completed {
            guard let mean = candidate.objective?.mean else { continue }
            guard let incumbent = best, let current = incumbent.objective?.mean else {
                best = candidate
                continue
            }
            if mean == current {
                let metered = candidate.values[LabMeasure.meteredBytes]?.mean ?? 0
                if metered < incumbent.values[LabMeasure.meteredBytes]?.mean ?? 0 { best = candidate }
            } else if lowerIsBetter ? mean < current : mean > current {
                best = candidate
            }
        }
        return best
    }
}

extension LabMeasure {
    /// The values every run has (or has whenever the scenario has requests), in the order tables show them.
    public static let common = [goodput, seconds, p50, p95, p99, totalStall, longestStall, meteredBytes]
}

/// How far the winner's objective mean is from migration's: the comparison the lab exists to make.
public struct LabMargin: Sendable, Hashable, Codable {
    /// Winner mean minus migration mean.
    public var absolute: Double
    /// `absolute` as a fraction of migration's mean, without its sign; nil when migration's mean is 0.
    public var relative: Double?
    /// Whether the winner is strictly better in the objective's direction.
    public var better: Bool

    public init(winner: Double, reference: Double, lowerIsBetter: Bool) {
        self.absolute = winner - reference
        self.relative = reference != 0 ? abs(winner - reference) / abs(reference) : nil
        self.better = lowerIsBetter ? winner < reference : winner > reference
    }
}

/// The strategy that won a scenario, with its margin over migration and what it cost.
public struct LabWinner: Sendable, Hashable, Codable {
    public var scenario: String
    public var strategy: String
    public var objective: LabStatistic
    public var completedRuns: Int
    public var runs: Int
    /// Migration's objective, if migration ran and has the value.
    public var migration: LabStatistic?
    /// Nil when migration itself won or has no value.
    public var margin: LabMargin?
    /// Bytes on metered interfaces, over the winner's runs.
    public var meteredBytes: LabStatistic?
    /// The best single-path strategy (chosen the same way as the winner), for context.
    public var bestSinglePath: String?
    public var bestSinglePathObjective: LabStatistic?

    /// The winner of `scenario` among `aggregates` (that scenario's, in strategy order); nil when no strategy has
    /// the objective.
    public init?(scenario: LabScenarioDescription, aggregates: [LabAggregate]) {
        let lower = scenario.objective.lowerIsBetter
        guard let best = LabAggregate.best(of: aggregates, lowerIsBetter: lower),
              let objective = best.objective else { return nil }
        self.scenario = scenario.name
        self.strategy = best.strategy
        self.objective = objective
        self.completedRuns = best.completedRuns
        self.runs = best.runs
        self.meteredBytes = best.values[LabMeasure.meteredBytes]
        let migration = aggregates.first { $0.strategy == LabScenarioDescription.migration }?.objective
        self.migration = migration
        if let migration, best.strategy != LabScenarioDescription.migration {
            self.margin = LabMargin(winner: objective.mean, reference: migration.mean, lowerIsBetter: lower)
        } else {
            self.margin = nil
        }
        let singles = aggregates.filter { scenario.singlePathStrategies.contains($0.strategy) }
        let single = LabAggregate.best(of: singles, lowerIsBetter: lower)
        self.bestSinglePath = single?.strategy
        self.bestSinglePathObjective = single?.objective
    }
}
