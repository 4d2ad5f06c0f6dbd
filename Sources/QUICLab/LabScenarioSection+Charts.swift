/// The charts of a scenario's section.
extension LabScenarioSection {
    /// At most this many points per CDF line (quantiles beyond it), to keep the page small.
    static let cdfPoints = 400

    /// The seed the time-series charts show: 1 if it ran, else the first.
    var chartSeed: UInt64? { self.report.seeds.contains(1) ? 1 : self.report.seeds.first }

    /// The strategies whose runs the time-series charts show: the best single path, migration and the winner.
    var chartStrategies: [String] {
        var names: [String] = []
        for name in [self.winner?.bestSinglePath, LabScenarioDescription.migration, self.winner?.strategy] {
            if let name, !names.contains(name), self.scenario.strategies.contains(name) { names.append(name) }
        }
        return names
    }

    /// Whether the workload mostly flows from the server to the client, over every run of the scenario.
    var mainlyDownstream: Bool {
        var down = 0
        var up = 0
        for result in self.report.results(of: self.scenario.name) {
            for path in result.series.paths {
                down += path.down.reduce(0, +)
                up += path.up.reduce(0, +)
            }
        }
        return down >= up
    }

    /// Mbit/s per bin of `bins` bytes, averaged over the four bins around each (1 s at 0.25 s bins).
    static func smoothedMegabits(_ bins: [Int], binSeconds: Double) -> [(Double, Double)] {
        guard binSeconds > 0 else { return [] }
        let window = max(Int((1 / binSeconds).rounded()), 1)
        return bins.indices.map { index in
            let from = max(index - window / 2, 0)
            let to = min(index - window / 2 + window, bins.count)
            let bytes = bins[from..<to].reduce(0, +)
            let megabits = Double(bytes) * 8 / (Double(to - from) * binSeconds) / 1e6
            return ((Double(index) + 0.5) * binSeconds, megabits)
        }
    }

    func goodputCharts() -> String {
        guard let seed = self.chartSeed else { return "" }
        let down = self.mainlyDownstream
        let runs = self.chartStrategies.compactMap { name in
            self.report.results(of: self.scenario.name, strategy: name).first { $0.seed == seed }
        }
        guard !runs.isEmpty else { return "<p class=\"meta\">No runs to chart.</p>\n" }
        let panels = runs.map { run -> (LabResult, [LabChartLine]) in
            // A path that fell silent before the others shows zeros to the end of the run.
            let length = run.series.paths.map { down ? $0.down.count : $0.up.count }.max() ?? 0
            let lines = run.series.paths.enumerated().map { index, path in
                let bins = down ? path.down : path.up
                let padded = bins + repeatElement(0, count: max(length - bins.count, 0))
                return LabChartLine(name: path.name, color: Self.pathColors[index % Self.pathColors.count],
                                    dash: nil, points: Self.smoothedMegabits(padded, binSeconds: run.series.binSeconds))
            }
            return (run, lines)
        }
        let xMax = runs.map { run in
            Double(run.series.paths.map { down ? $0.down.count : $0.up.count }.max() ?? 0) * run.series.binSeconds
        }.max() ?? self.scenario.durationLimit
        let yMax = panels.flatMap { $0.1.flatMap { $0.points.map(\.1) } }.max() ?? 1
        let bands = self.timelineBands(until: xMax)
        var html = ""
        for (run, lines) in panels {
            let role = self.role(of: run.strategy)
            let title = "\(run.strategy)\(role)" + (run.completed ? "" : " (did not complete)")
            html += "<figure>" + LabCharts.timeSeries(title: title, lines: lines, bands: bands, xMax: xMax,
                                                      yMax: yMax, yTitle: "Mbit/s") + "</figure>\n"
        }
        let direction = down ? "server to client" : "client to server"
        html += "<p class=\"meta\" style=\"flex-basis:100%\">Seed \(seed). UDP payload delivered per path, \(direction)"
            + " (the workload's main direction), 1 s moving average of 0.25 s bins. Shaded: the path of that colour is"
            + " down; dashed line: another change to it (see the timeline above).</p>\n"
        return html
    }

    /// " — winner", " — best single path" and so on, for the chart titles.
    private func role(of strategy: String) -> String {
        var roles: [String] = []
        if strategy == self.winner?.bestSinglePath { roles.append("best single path") }
        if strategy == self.winner?.strategy { roles.append("winner") }
        return roles.isEmpty ? "" : " — " + roles.joined(separator: ", ")
    }

    /// Down periods of each path as shaded bands, other changes as marks.
    func timelineBands(until end: Double) -> [LabChartBand] {
        var bands: [LabChartBand] = []
        var downSince: [String: Double] = [:]
        let color = { (path: String) -> String in
            let index = self.scenario.paths.firstIndex { $0.name == path } ?? 0
            return Self.pathColors[index % Self.pathColors.count]
        }
        for event in self.scenario.events.sorted(by: { $0.at < $1.at }) {
            switch event.kind {
            case .down:
                if downSince[event.path] == nil { downSince[event.path] = event.at }
            case .up:
                if let since = downSince.removeValue(forKey: event.path) {
                    bands.append(LabChartBand(from: since, to: event.at, color: color(event.path)))
                }
            case .change:
                bands.append(LabChartBand(from: event.at, to: event.at, color: color(event.path)))
            }
        }
        for (path, since) in downSince.sorted(by: { $0.key < $1.key }) {
            bands.append(LabChartBand(from: since, to: max(end, since), color: color(path)))
        }
        return bands
    }

    func cdfChart() -> String {
        let lines = self.scenario.strategies.compactMap { strategy -> LabChartLine? in
            let times = self.report.results(of: self.scenario.name, strategy: strategy).flatMap(\.completionTimes)
                .sorted()
            guard !times.isEmpty else { return nil }
            let count = Double(times.count)
            var points = times.enumerated().map { ($1, Double($0 + 1) / count) }
            if points.count > Self.cdfPoints {
                let step = Double(points.count - 1) / Double(Self.cdfPoints - 1)
                points = (0..<Self.cdfPoints).map { points[Int((Double($0) * step).rounded())] }
            }
            return LabChartLine(name: strategy, color: self.color(of: strategy), dash: self.dash(of: strategy),
                                points: points)
        }
        guard !lines.isEmpty else { return "" }
        let svg = LabCharts.cdf(title: "Completion times (all seeds)", lines: lines, xTitle: "completion time (s)")
        return "<figure>" + svg + "<figcaption>Share of requests completed within each time, over every seed"
            + " (a request still open at the end counts with the time it had waited).</figcaption></figure>\n"
    }

    func barChart() -> String {
        let objective = self.scenario.objective
        let unit = objective.unit
        let bars = self.aggregates.compactMap { aggregate -> LabChartBar? in
            guard let statistic = aggregate.objective else { return nil }
            return LabChartBar(name: aggregate.strategy, color: self.color(of: aggregate.strategy),
                               mean: unit.scaled(statistic.mean), min: unit.scaled(statistic.min),
                               max: unit.scaled(statistic.max),
                               note: aggregate.allCompleted ? "" : aggregate.completionText,
                               highlighted: aggregate.strategy == self.winner?.strategy)
        }
        guard !bars.isEmpty else { return "<p class=\"meta\">No strategy has a value of the objective.</p>\n" }
        let symbol = unit.symbol
        let svg = LabCharts.bars(
            title: "\(objective.name): mean and range over seeds", bars: bars,
            valueTitle: objective.name + (symbol.isEmpty ? "" : " (\(symbol))") + ", "
                + (objective.lowerIsBetter ? "lower is better" : "higher is better"),
            format: { unit.number(scaled: $0) })
        return "<figure>" + svg + "<figcaption>Bar: mean over seeds; whiskers: lowest and highest run; outlined:"
            + " the winner; pale: not every run completed.</figcaption></figure>\n"
    }
}
