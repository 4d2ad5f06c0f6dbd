/// One scenario's part of the HTML report: what it models, a table of every strategy, and its charts.
struct LabScenarioSection {
    let report: LabReport
    let scenario: LabScenarioDescription
    let aggregates: [LabAggregate]
    let winner: LabWinner?

    /// Path colours, apart from each other and from the grey of the frame.
    static let pathColors = ["#1f5f9e", "#e07b00", "#2e8b57", "#8e44ad"]

    init(report: LabReport, scenario: LabScenarioDescription) {
        self.report = report
        self.scenario = scenario
        self.aggregates = report.aggregates(of: scenario.name)
        self.winner = report.winner(of: scenario.name)
    }

    func render() -> String {
        let e = LabHTML.escape
        var html = "<section id=\"\(LabHTMLReport.anchor(self.scenario.name))\">\n"
        html += "<h2>\(e(self.scenario.name))</h2>\n<p>\(e(self.scenario.summary))</p>\n"
        html += "<ul class=\"paths\">" + self.scenario.paths.map { "<li>\(e($0.text))</li>" }.joined() + "</ul>\n"
        let events = self.scenario.events.map(\.text).joined(separator: "; ")
        html += "<p class=\"meta\">Timeline: \(e(events.isEmpty ? "no link changes" : events)). Time limit "
            + "\(e(LabFormat.number(self.scenario.durationLimit))) s. Objective: \(e(self.scenario.objective.label)),"
            + " \(self.scenario.objective.lowerIsBetter ? "lower" : "higher") is better.</p>\n"
        html += self.strategyTable()
        html += "<h3>Goodput per path over time</h3>\n<div class=\"charts\">\n" + self.goodputCharts() + "</div>\n"
        html += "<div class=\"charts\">\n" + self.cdfChart() + self.barChart() + "</div>\n</section>\n"
        return html
    }

    // MARK: Strategy styles

    func color(of strategy: String) -> String {
        LabCharts.color(self.scenario.strategies.firstIndex(of: strategy) ?? self.scenario.strategies.count)
    }

    /// Single paths dashed, migration dash-dotted, multipath solid.
    func dash(of strategy: String) -> String? {
        if self.scenario.singlePathStrategies.contains(strategy) { return "7 4" }
        return strategy == LabScenarioDescription.migration ? "10 3 2 3" : nil
    }

    // MARK: Table

    /// Measure keys beyond the common values that any run of the scenario reported.
    private var measureKeys: [String] {
        let common = Set(LabMeasure.common)
        return Set(self.aggregates.flatMap(\.values.keys)).subtracting(common).sorted()
    }

    private func strategyTable() -> String {
        let objective = self.scenario.objective
        let unit = objective.unit
        let hasRequests = self.aggregates.contains { $0.values[LabMeasure.p95] != nil }
        var columns: [(String, (LabAggregate) -> String)] = [
            ("completed", { "\($0.completedRuns)/\($0.runs)" }),
            ("\(objective.name)\(unit.symbol.isEmpty ? "" : " (\(unit.symbol))") mean", { $0.objective.map { unit.number($0.mean) } ?? "n/a" }),
            ("[min–max]", { $0.objective.map { "[\(unit.number($0.min))–\(unit.number($0.max))]" } ?? "" }),
            ("sd", { $0.objective.map { unit.number($0.standardDeviation) } ?? "" }),
            ("goodput Mbit/s", { Self.mean($0, LabMeasure.goodput) }),
            ("seconds", { Self.mean($0, LabMeasure.seconds) }),
        ]
        if hasRequests {
            columns += [LabMeasure.p50, LabMeasure.p95, LabMeasure.p99].map { key in
                Self.column("\(key) s", key)
            }
        }
        columns += [
            ("total stall s", { Self.mean($0, LabMeasure.totalStall) }),
            ("longest stall s", { Self.mean($0, LabMeasure.longestStall) }),
            ("metered MB", { Self.mean($0, LabMeasure.meteredBytes) }),
        ]
        columns += self.measureKeys.map { Self.column($0, $0) }
        var html = "<table>\n<thead><tr><th>strategy</th>"
            + columns.map { "<th>\(LabHTML.escape($0.0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for aggregate in self.aggregates {
            let isWinner = aggregate.strategy == self.winner?.strategy
            let rowClass = isWinner ? " class=\"win\"" : (aggregate.allCompleted ? "" : " class=\"partial\"")
            html += "<tr\(rowClass)><td>\(LabHTML.escape(aggregate.strategy))\(isWinner ? " ★" : "")</td>"
                + columns.map { "<td class=\"num\">\(LabHTML.escape($0.1(aggregate)))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n<p class=\"meta\">Means over \(self.report.seeds.count) seed(s); "
            + "★ the winner. Stall: a gap longer than the scenario's threshold in the data reaching the application"
            + " while it waited.</p>\n"
    }

    /// A column showing the mean of `key`.
    private static func column(_ title: String, _ key: String) -> (String, (LabAggregate) -> String) {
        (title, { Self.mean($0, key) })
    }

    private static func mean(_ aggregate: LabAggregate, _ key: String) -> String {
        guard let statistic = aggregate.values[key] else { return "-" }
        return LabUnit(label: nil, key: key).number(statistic.mean)
    }
}
