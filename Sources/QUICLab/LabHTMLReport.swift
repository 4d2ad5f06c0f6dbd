/// The report as one self-contained HTML page: inline style, inline SVG charts, no script, nothing fetched.
public struct LabHTMLReport {
    public let report: LabReport

    public init(_ report: LabReport) {
        self.report = report
    }

    public func render() -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>Multipath QUIC lab report</title>\n<style>\n\(Self.style)</style>\n</head>\n<body>\n"
        html += "<h1>Multipath QUIC lab report</h1>\n"
        html += self.introduction()
        html += "<h2 id=\"summary\">Summary</h2>\n" + self.summaryTable()
        for scenario in self.report.scenarios {
            html += LabScenarioSection(report: self.report, scenario: scenario).render()
        }
        html += "</body>\n</html>\n"
        return html
    }

    private func introduction() -> String {
        let seeds = self.report.seeds.map(String.init).joined(separator: ", ")
        let e = LabHTML.escape
        return "<p class=\"meta\">\(self.report.results.count) simulated runs: every scenario × every strategy that"
            + " applies × seeds \(e(seeds)), scale \(e(LabFormat.number(self.report.scale))) (times and transfer"
            + " sizes multiplied by it). Virtual time: the same command gives the same numbers.</p>\n"
            + "<p class=\"meta\">Reproduce: <code>\(e(self.report.command))</code></p>\n"
            + "<p><b>Strategies.</b> <i>single-X</i>: QUIC v1 on interface X only. <i>migration</i>: QUIC v1 on the"
            + " first interface, moving the connection to the other one when the first goes quiet while the"
            + " application waits (RFC 9000 §9). Every other name is multipath QUIC on both interfaces with that"
            + " packet scheduler on both endpoints. The <b>winner</b> of a scenario has the best mean of the"
            + " scenario's objective over the seeds among the strategies whose runs all completed; the margin"
            + " compares it with migration, the best a single-path QUIC v1 connection can do.</p>\n"
    }

    private func summaryTable() -> String {
        var html = "<table class=\"summary\">\n<thead><tr>"
        html += LabReport.summaryHeader.map { "<th>\(LabHTML.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for (scenario, row) in zip(self.report.scenarios, self.report.summaryRows) {
            let cells = row.enumerated().map { index, text -> String in
                let escaped = LabHTML.escape(text)
                switch index {
                case 0: return "<td><a href=\"#\(Self.anchor(scenario.name))\">\(escaped)</a></td>"
                case 2: return "<td class=\"win\">\(escaped)</td>"
                case 3, 4, 6: return "<td class=\"num\">\(escaped)</td>"
                default: return "<td>\(escaped)</td>"
                }
            }
            html += "<tr>" + cells.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    /// An id for a scenario's section: letters, digits and dashes only.
    static func anchor(_ name: String) -> String {
        "scenario-" + String(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    }

    static let style = """
        body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1d;
               margin: 24px auto; max-width: 1360px; padding: 0 16px; }
        h1 { font-size: 26px; margin-bottom: 4px; }
        h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        p.meta { color: #555; margin: 4px 0; }
        code { background: #f3f3f3; padding: 1px 4px; border-radius: 3px; font-size: 13px; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
        th, td { border: 1px solid #d6d6d6; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #f2f4f7; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.win, tr.win td { font-weight: 600; }
        tr.win td { background: #eef6ee; }
        tr.partial td { color: #8a5a00; }
        .charts { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
        figure { margin: 0; }
        figcaption { font-size: 12px; color: #555; max-width: 660px; }
        ul.paths { margin: 4px 0; }
        svg { background: #fff; border: 1px solid #e5e5e5; }
        svg text { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }

        """
}
