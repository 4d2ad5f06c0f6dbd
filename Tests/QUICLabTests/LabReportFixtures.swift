@testable import QUICLab

/// Hand-made results and scenario descriptions for the report tests: no simulator involved.
enum LabReportFixtures {
    static func result(_ scenario: String, _ strategy: String, seed: UInt64, completed: Bool = true,
                       p95: Double? = nil, goodput: Double = 8_000_000, meteredBytes: Int = 0,
                       measures: [String: Double] = [:], times: [Double] = [],
                       down: [[Int]] = [[0, 0], [0, 0]]) -> LabResult {
        let names = ["wifi", "lte"]
        return LabResult(
            scenario: scenario, strategy: strategy, seed: seed, completed: completed, seconds: 10,
            goodputBitsPerSecond: goodput, bytesReceived: Int(goodput * 10 / 8), requestsIssued: times.count,
            requestsCompleted: times.count, completionP50: p95.map { $0 / 2 }, completionP95: p95,
            completionP99: p95.map { $0 * 1.5 }, totalStall: 0, longestStall: 0, stallCount: 0,
            bytesPerPath: names.map { LabPathBytes(name: $0, bytes: 1_000, metered: $0 == "lte") },
            meteredBytes: meteredBytes, migratedAt: nil, completionTimes: times, measures: measures,
            series: LabSeries(binSeconds: 0.25, paths: zip(names, down).map { LabSeries.Path(name: $0, down: $1) }))
    }

    static let strategies = ["single-wifi", "single-lte", "migration", "minrtt", "redundant"]

    static func scenario(_ name: String, objective: LabObjective, summary: String = "a test scenario",
                         events: [LabEventDescription] = []) -> LabScenarioDescription {
        var wifi = LabPath.symmetric("wifi", megabits: 30, oneWayMilliseconds: 10)
        wifi.downlink.rate = 4_000_000
        let lte = LabPath.symmetric("lte", megabits: 10, oneWayMilliseconds: 25, cost: .metered(costPerByte: 1))
        return LabScenarioDescription(
            name: name, summary: summary, objective: objective,
            paths: [LabPathDescription(wifi), LabPathDescription(lte)], events: events, durationLimit: 20,
            strategies: Self.strategies, singlePathStrategies: ["single-wifi", "single-lte"])
    }

    static let p95 = LabObjective(measure: LabMeasure.p95, label: "p95 request time (s)", lowerIsBetter: true)
    static let goodput = LabObjective(measure: LabMeasure.goodput, label: "goodput (bit/s)", lowerIsBetter: false)

    /// Three seeds of every strategy in a request scenario: `p95s[strategy]` gives each seed's p95.
    static func requestRuns(_ scenario: String, p95s: [String: [Double]], incomplete: Set<String> = [])
        -> [LabResult] {
        Self.strategies.flatMap { strategy in
            (p95s[strategy] ?? []).enumerated().map { index, p95 in
                Self.result(scenario, strategy, seed: UInt64(index + 1), completed: !incomplete.contains(strategy),
                            p95: p95, meteredBytes: strategy == "single-wifi" ? 0 : 2_000_000,
                            measures: ["late-frames": Double(index)], times: [p95 / 3, p95 / 2, p95],
                            down: [[31_250, 62_500, 0, 31_250], [0, 31_250, 31_250, 31_250]])
            }
        }
    }
}
