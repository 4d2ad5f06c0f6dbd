/// A line of a chart: its legend entry, colour, dash pattern and points in data units.
struct LabChartLine {
    var name: String
    var color: String
    var dash: String?
    var points: [(Double, Double)]
}

/// A shaded stretch of a time axis (a path that is down), or a mark at one instant when `from == to`.
struct LabChartBand {
    var from: Double
    var to: Double
    var color: String
}

/// A bar of a bar chart: the mean with whiskers from the minimum to the maximum.
struct LabChartBar {
    var name: String
    var color: String
    var mean: Double
    var min: Double
    var max: Double
    /// Shown after the value: "2/3 completed".
    var note: String
    var highlighted: Bool
}

/// The report's three kinds of charts as inline SVG.
enum LabCharts {
    /// Colours that stay apart from each other on white and for the common colour-vision deficiencies
    /// (Tableau 10 with a darker yellow).
    static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#76b7b2", "#b07aa1", "#9c755f", "#b6992d", "#ff9da7",
        "#79706e",
    ]

    static func color(_ index: Int) -> String { Self.palette[index % Self.palette.count] }

    /// Mbit/s per path over time in one run: a line per path, down periods shaded, other link changes as dashed
    /// vertical lines. Small multiples share `xMax` and `yMax` so they compare at a glance.
    static func timeSeries(title: String, lines: [LabChartLine], bands: [LabChartBand], xMax: Double, yMax: Double,
                           yTitle: String, width: Double = 430, height: Double = 280) -> String {
        var svg = LabSVG(width: width, height: height)
        let area = LabPlotArea(left: 58, top: 50, width: width - 74, height: height - 100,
                               x: .linear(0, max(xMax, 1e-3), targetTicks: 6), y: .linear(0, max(yMax, 1e-3)))
        svg.text(area.left, 17, title, size: 13, bold: true)
        for band in bands where band.from < area.x.upper {
            let from = area.px(max(band.from, 0))
            if band.to > band.from {
                let to = area.px(min(band.to, area.x.upper))
                svg.rect(from, area.top, to - from, area.height, fill: band.color, opacity: 0.16)
            } else {
                svg.line(from, area.top, from, area.top + area.height, stroke: band.color, width: 1.5, dash: "4 3")
            }
        }
        area.drawAxes(on: &svg, xTitle: "time (s)", yTitle: yTitle)
        for line in lines {
            svg.polyline(line.points.map { area.point($0.0, $0.1) }, stroke: line.color, width: 1.8, dash: line.dash)
        }
        Self.legendRow(lines, x: area.left, y: 36, on: &svg)
        return svg.render(title: title)
    }

    /// The share of requests completed within each time, one step line per strategy; a logarithmic time axis
    /// when the times span more than two decades.
    static func cdf(title: String, lines: [LabChartLine], xTitle: String, width: Double = 660, height: Double = 340)
        -> String {
        var svg = LabSVG(width: width, height: height)
        let xs = lines.flatMap { $0.points.map(\.0) }
        let low = xs.filter { $0 > 0 }.min() ?? 0
        let high = xs.max() ?? 1
        let axis: LabAxis = LabAxis.spansDecades(low, high) ? .logarithmic(low, high) : .linear(0, high)
        let legendWidth = min(Double(lines.map(\.name.count).max() ?? 8) * 7 + 34, 190)
        let area = LabPlotArea(left: 58, top: 30, width: width - 80 - legendWidth, height: height - 80, x: axis,
                               y: .linear(0, 1))
        svg.text(area.left, 17, title, size: 13, bold: true)
        area.drawAxes(on: &svg, xTitle: xTitle + (axis.logarithmic ? ", log scale" : ""),
                      yTitle: "fraction of requests")
        for line in lines {
            svg.polyline(Self.steps(line.points).map { area.point($0.0, $0.1) }, stroke: line.color, width: 2,
                         dash: line.dash)
        }
        Self.legendColumn(lines, x: area.left + area.width + 16, y: area.top + 8, on: &svg)
        return svg.render(title: title)
    }

    /// Horizontal bars of each strategy's mean with min–max whiskers, the highlighted one (the winner) outlined.
    static func bars(title: String, bars: [LabChartBar], valueTitle: String, format: (Double) -> String,
                     width: Double = 660) -> String {
        let nameWidth = Double(bars.map(\.name.count).max() ?? 8) * 7 + 16
        let row = 26.0
        let height = 30 + Double(bars.count) * row + 52
        var svg = LabSVG(width: width, height: height)
        let values = bars.flatMap { [$0.min, $0.max, $0.mean] }
        let area = LabPlotArea(left: nameWidth, top: 30, width: width - nameWidth - 150,
                               height: Double(bars.count) * row, x: .linear(values.min() ?? 0, values.max() ?? 1), y: .linear(0, 1))
        svg.text(8, 17, title, size: 13, bold: true)
        for tick in area.x.ticks {
            svg.line(area.px(tick), area.top, area.px(tick), area.top + area.height, stroke: "#eeeeee")
        }
        for (index, bar) in bars.enumerated() {
            let middle = area.top + (Double(index) + 0.5) * row
            let zero = area.px(max(area.x.lower, 0))
            let end = area.px(bar.mean)
            svg.text(area.left - 8, middle + 4, bar.name, anchor: .end, size: 12, bold: bar.highlighted)
            svg.rect(min(zero, end), middle - 8, abs(end - zero), 16, fill: bar.color,
                     opacity: bar.note.isEmpty ? 0.85 : 0.4, stroke: bar.highlighted ? "#111" : nil,
                     tooltip: "\(bar.name): mean \(format(bar.mean)), min \(format(bar.min)), max \(format(bar.max))")
            let low = area.px(bar.min)
            let high = area.px(bar.max)
            svg.line(low, middle, high, middle, stroke: "#222", width: 1.2)
            svg.line(low, middle - 5, low, middle + 5, stroke: "#222", width: 1.2)
            svg.line(high, middle - 5, high, middle + 5, stroke: "#222", width: 1.2)
            let label = format(bar.mean) + (bar.note.isEmpty ? "" : " (\(bar.note))")
            svg.text(max(high, end) + 6, middle + 4, label, size: 11, fill: "#333")
        }
        let bottom = area.top + area.height
        svg.line(area.left, bottom, area.left + area.width, bottom, stroke: "#666")
        for tick in area.x.ticks {
            svg.line(area.px(tick), bottom, area.px(tick), bottom + 4, stroke: "#666")
            svg.text(area.px(tick), bottom + 17, area.x.label(tick), anchor: .middle, size: 11, fill: "#444")
        }
        svg.text(area.left + area.width / 2, bottom + 36, valueTitle, anchor: .middle, size: 12)
        return svg.render(title: title)
    }

    /// The points of an empirical distribution function drawn as steps: up at each value.
    static func steps(_ points: [(Double, Double)]) -> [(Double, Double)] {
        var result: [(Double, Double)] = []
        var previous = 0.0
        for (x, y) in points {
            result.append((x, previous))
            result.append((x, y))
            previous = y
        }
        return result
    }

    private static func legendRow(_ lines: [LabChartLine], x: Double, y: Double, on svg: inout LabSVG) {
        var position = x
        for line in lines {
            svg.line(position, y - 4, position + 18, y - 4, stroke: line.color, width: 2.5, dash: line.dash)
            svg.text(position + 23, y, line.name, size: 12)
            position += 23 + Double(line.name.count) * 7 + 16
        }
    }

    private static func legendColumn(_ lines: [LabChartLine], x: Double, y: Double, on svg: inout LabSVG) {
        for (index, line) in lines.enumerated() {
            let top = y + Double(index) * 18
            svg.line(x, top - 4, x + 20, top - 4, stroke: line.color, width: 2.5, dash: line.dash)
            svg.text(x + 26, top, line.name, size: 12)
        }
    }
}
