import Foundation
import Testing

@testable import QUICLab

/// Aggregation over seeds and the choice of a scenario's winner.
@Suite("Lab report aggregation")
struct LabAggregateTests {
    private typealias F = LabReportFixtures

    @Test("mean, extremes and sample standard deviation")
    func statistic() throws {
        let statistic = try #require(LabStatistic([4, 1, 3, 2]))
        #expect(statistic.count == 4)
        #expect(statistic.mean == 2.5)
        #expect(statistic.min == 1)
        #expect(statistic.max == 4)
        // Squares of the deviations: 2.25 + 0.25 + 0.25 + 2.25 = 5, over n - 1 = 3.
        #expect(abs(statistic.standardDeviation - (5.0 / 3).squareRoot()) < 1e-12)
        #expect(LabStatistic([7])?.standardDeviation == 0)
        #expect(LabStatistic([7])?.mean == 7)
        #expect(LabStatistic([]) == nil)
    }

    @Test("an aggregate counts completions and summarizes every value and measure")
    func aggregate() throws {
        let runs = [
            F.result("s", "minrtt", seed: 1, p95: 0.3, measures: ["late-frames": 2]),
            F.result("s", "minrtt", seed: 2, completed: false, p95: 0.5, measures: ["late-frames": 4]),
            F.result("s", "minrtt", seed: 3, p95: 0.4),
        ]
        let aggregate = LabAggregate(scenario: "s", strategy: "minrtt", objective: F.p95, results: runs)
        #expect(aggregate.runs == 3)
        #expect(aggregate.completedRuns == 2)
        #expect(!aggregate.allCompleted)
        #expect(aggregate.completionText == "2/3 completed")
        let objective = try #require(aggregate.objective)
        #expect(abs(objective.mean - 0.4) < 1e-12)
        #expect(objective.min == 0.3 && objective.max == 0.5)
        #expect(abs(objective.standardDeviation - 0.1) < 1e-12)
        #expect(aggregate.values["late-frames"]?.count == 2, "a measure only some runs report")
        #expect(aggregate.values["late-frames"]?.mean == 3)
        #expect(aggregate.values[LabMeasure.goodput]?.mean == 8_000_000)
        #expect(aggregate.values[LabMeasure.p99]?.max == 0.75)
    }

    @Test("the winner has the best mean in the objective's direction among strategies that always completed")
    func winnerLowerIsBetter() throws {
        let scenario = F.scenario("voice", objective: F.p95)
        let runs = F.requestRuns("voice", p95s: [
            "single-wifi": [3, 3, 3], "single-lte": [0.6, 0.7, 0.8], "migration": [1.2, 1.3, 1.21],
            "minrtt": [0.3, 0.4, 0.5], "redundant": [0.1, 0.1, 0.1],
        ], incomplete: ["redundant"])
        let report = LabReport(scenarios: [scenario], results: runs, seeds: [1, 2, 3], scale: 1, command: "x")
        let winner = try #require(report.winner(of: "voice"))
        #expect(winner.strategy == "minrtt", "redundant is faster but did not always complete")
        #expect(abs(winner.objective.mean - 0.4) < 1e-12)
        let margin = try #require(winner.margin)
        let migrationMean = (1.2 + 1.3 + 1.21) / 3
        #expect(abs(margin.absolute - (0.4 - migrationMean)) < 1e-12)
        #expect(abs((margin.relative ?? 0) - (migrationMean - 0.4) / migrationMean) < 1e-12)
        #expect(margin.better)
        #expect(winner.marginText(F.p95) == "p95 0.400 s vs 1.24 s: 68% lower")
        #expect(winner.bestSinglePath == "single-lte")
        #expect(abs((winner.bestSinglePathObjective?.mean ?? 0) - 0.7) < 1e-12)
        #expect(winner.meteredBytes?.mean == 2_000_000)
        #expect(report.aggregates.map(\.strategy) == F.strategies)
    }

    @Test("higher is better: the largest mean wins, and migration winning has no margin")
    func winnerHigherIsBetter() throws {
        let scenario = F.scenario("rail", objective: F.goodput)
        let rates: [String: [Double]] = ["single-wifi": [2e6, 2e6], "single-lte": [5e6, 7e6],
                                         "migration": [9e6, 9.5e6], "minrtt": [8e6, 9e6], "redundant": [1e6, 1e6]]
        let runs = F.strategies.flatMap { strategy in
            (rates[strategy] ?? []).enumerated().map {
                F.result("rail", strategy, seed: UInt64($0.offset + 1), goodput: $0.element)
            }
        }
        let report = LabReport(scenarios: [scenario], results: runs, seeds: [1, 2], scale: 1, command: "x")
        let winner = try #require(report.winner(of: "rail"))
        #expect(winner.strategy == "migration")
        #expect(winner.margin == nil)
        #expect(winner.bestSinglePath == "single-lte")
        #expect(report.summaryRows.first?[2] == "migration")
        #expect(report.summaryRows.first?[5] == "winner")
        #expect(report.summaryRows.first?[3] == "9.25 Mbit/s [9.00–9.50]")
    }

    @Test("when no strategy always completed, every one competes; a tie goes to the first")
    func noneCompleted() {
        let make = { (strategy: String, mean: Double, done: Bool) in
            LabAggregate(scenario: "s", strategy: strategy, runs: 2, completedRuns: done ? 2 : 1,
                         objective: LabStatistic(count: 2, mean: mean, min: mean, max: mean, standardDeviation: 0),
                         values: [:])
        }
        let partial = [make("a", 2, false), make("b", 1, false), make("c", 1, false)]
        #expect(LabAggregate.best(of: partial, lowerIsBetter: true)?.strategy == "b")
        #expect(LabAggregate.best(of: partial, lowerIsBetter: false)?.strategy == "a")
        let mixed = [make("a", 5, true), make("b", 1, false)]
        #expect(LabAggregate.best(of: mixed, lowerIsBetter: true)?.strategy == "a")
        #expect(LabAggregate.best(of: [], lowerIsBetter: true) == nil)
    }

    @Test("on a tie the strategy that used fewer metered bytes wins")
    func tieGoesToTheCheaper() {
        let make = { (strategy: String, metered: Double) in
            LabAggregate(scenario: "s", strategy: strategy, runs: 1, completedRuns: 1,
                         objective: LabStatistic(count: 1, mean: 0, min: 0, max: 0, standardDeviation: 0),
                         values: [LabMeasure.meteredBytes: LabStatistic(count: 1, mean: metered, min: metered,
                                                                        max: metered, standardDeviation: 0)])
        }
        let tied = [make("single-lte", 5e6), make("migration", 2.5e6), make("costaware", 1.9e6), make("x", 1.9e6)]
        #expect(LabAggregate.best(of: tied, lowerIsBetter: true)?.strategy == "costaware")
    }

    @Test("margins in both directions")
    func margins() {
        let lower = LabMargin(winner: 0.38, reference: 1.24, lowerIsBetter: true)
        #expect(lower.better)
        #expect(abs((lower.relative ?? 0) - 0.86 / 1.24) < 1e-12)
        let higher = LabMargin(winner: 20, reference: 10, lowerIsBetter: false)
        #expect(higher.better && higher.absolute == 10 && higher.relative == 1)
        let worse = LabMargin(winner: 20, reference: 10, lowerIsBetter: true)
        #expect(!worse.better)
        #expect(LabMargin(winner: 1, reference: 0, lowerIsBetter: true).relative == nil)
    }

    @Test("units come from the objective label or the key")
    func units() {
        #expect(F.p95.unit == .seconds)
        #expect(F.p95.name == "p95 request time")
        #expect(F.p95.describe(0.38312) == "p95 request time 0.383 s")
        #expect(F.goodput.unit.format(18_234_000) == "18.2 Mbit/s")
        #expect(LabUnit(label: nil, key: LabMeasure.meteredBytes).format(3_410_000) == "3.41 MB")
        #expect(LabUnit(label: "late frames (frames)", key: "late-frames").format(12) == "12 frames")
        #expect(LabUnit(label: nil, key: "rebuffer-seconds") == .seconds)
        #expect(LabUnit(label: nil, key: "lte-share").format(0.25) == "0.250")
        #expect(LabUnit.seconds.format(12.346) == "12.35 s")
        #expect(LabFormat.percent(0.686) == "69%")
        #expect(LabUnit.bitsPerSecond.number(1.9e-10) == "0")
    }
}
