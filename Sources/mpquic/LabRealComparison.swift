import Foundation
import QUICLab
import QUICLabRelay

/// `mpquic lab run SCENARIO --real`: each strategy in the simulator and then over real sockets through the relay,
/// side by side, with the relative difference (real - simulated) / simulated of the scenario's objective, goodput
/// and seconds.
enum LabRealComparison {
    /// One strategy's pair of results, as `--json` prints them.
    struct Pair: Codable {
        var strategy: String
        var simulated: LabResult
        var real: LabResult
    }

    static func run(_ scenario: LabScenario, strategies: [LabStrategy], seed: UInt64, json: Bool) async throws {
        // Refuses what the relay or the real runner cannot do before anything runs.
        try LabRealRunner.validate(scenario)
        var pairs: [Pair] = []
        if !json { Console.out(self.header(scenario)) }
        for strategy in strategies {
            let simulated = try LabRunner.run(scenario, strategy: strategy, seed: seed)
            let real = try await LabRealRunner.run(scenario, strategy: strategy, seed: seed)
            let pair = Pair(strategy: strategy.name(in: scenario), simulated: simulated, real: real)
            pairs.append(pair)
            if !json { Console.out(self.row(pair, objective: scenario.objective)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Console.out(String(decoding: try encoder.encode(pairs), as: UTF8.self))
        }
    }

    static func header(_ scenario: LabScenario) -> String {
        let objective = scenario.objective.measure
        return "simulator (sim) vs real sockets through the relay (real); diff = (real - sim) / sim\n"
            + self.pad("strategy", 13) + self.pad("done", 9)
            + self.triple(objective) + self.triple("Mbit/s") + self.triple("seconds")
            + self.pad("max stall sim/real", 20) + self.pad("metered MB sim/real", 21) + "migrated at sim/real"
    }

    static func row(_ pair: Pair, objective: LabObjective) -> String {
        let (sim, real) = (pair.simulated, pair.real)
        return self.pad(pair.strategy, 13)
            + self.pad((sim.completed ? "yes" : "no") + "/" + (real.completed ? "yes" : "no"), 9)
            + self.values(sim.value(of: objective.measure).map { self.scaled($0, objective.measure) },
                          real.value(of: objective.measure).map { self.scaled($0, objective.measure) })
            + self.values(sim.goodputBitsPerSecond / 1e6, real.goodputBitsPerSecond / 1e6)
            + self.values(sim.seconds, real.seconds)
            + self.pad(self.format(sim.longestStall) + "/" + self.format(real.longestStall), 20)
            + self.pad(self.format(Double(sim.meteredBytes) / 1e6) + "/" + self.format(Double(real.meteredBytes) / 1e6),
                       21)
            + (sim.migratedAt.map { self.format($0) } ?? "-") + "/" + (real.migratedAt.map { self.format($0) } ?? "-")
    }

    /// (real - simulated) / simulated, nil when either is missing or the simulated value is 0.
    static func difference(simulated: Double?, real: Double?) -> Double? {
        guard let simulated, let real, simulated != 0 else { return nil }
        return (real - simulated) / simulated
    }

    /// Goodput in Mbit/s, the other values as they are.
    private static func scaled(_ value: Double, _ measure: String) -> Double {
        measure == LabMeasure.goodput ? value / 1e6 : value
    }

    private static func triple(_ name: String) -> String {
        self.pad(name + " sim", 12) + self.pad("real", 10) + self.pad("diff", 9)
    }

    private static func values(_ simulated: Double?, _ real: Double?) -> String {
        let difference = self.difference(simulated: simulated, real: real).map { String(format: "%+.1f%%", $0 * 100) }
        return self.pad(simulated.map { self.format($0) } ?? "-", 12) + self.pad(real.map { self.format($0) } ?? "-", 10)
            + self.pad(difference ?? "-", 9)
    }

    private static func format(_ value: Double) -> String {
        String(format: abs(value) < 10 ? "%.3f" : "%.2f", value)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
