import Foundation
import Testing

@testable import QUICLab

/// The HTML page checked without a browser: balanced tags, escaped data, one summary row per scenario, no
/// external resources; and the chart arithmetic.
@Suite("Lab HTML report")
struct LabHTMLReportTests {
    private typealias F = LabReportFixtures

    private func report() -> LabReport {
        let summary = "Wi-Fi <b>dies</b> & \"LTE\" <script>x</script>"
        let hostile = F.scenario("voice", objective: F.p95, summary: summary,
                                 events: [LabEventDescription(at: 0.5, path: "wifi", kind: .down, change: "down"),
                                          LabEventDescription(at: 0.25, path: "lte", kind: .change, change: "a<b")])
        let rail = F.scenario("rail", objective: F.goodput)
        let runs = F.requestRuns("voice", p95s: [
            "single-wifi": [3, 3, 3], "single-lte": [0.6, 0.7, 0.8], "migration": [1.2, 1.3, 1.2],
            "minrtt": [0.3, 0.4, 0.5], "redundant": [0.1, 0.2, 0.3],
        ]) + F.strategies.map { F.result("rail", $0, seed: 1, goodput: 1e6, down: [[100, 0], [0, 100]]) }
        return LabReport(scenarios: [hostile, rail], results: runs, seeds: [1, 2, 3], scale: 0.5,
                         command: "mpquic lab report --out '/tmp/a <b>'")
    }

    /// Every element opened is closed in order; `<...>` only ever delimits tags (so no data leaked unescaped).
    private func checkBalanced(_ html: String) {
        let voids: Set<String> = ["meta", "br", "!DOCTYPE"]
        var stack: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else {
                Issue.record("a '<' without a '>'")
                return
            }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            #expect(!tag.contains("<"), "a '<' inside a tag: \(tag)")
            let name = String(tag.prefix { !$0.isWhitespace && $0 != "/" || $0 == "/" && tag.first == "/" })
            if name.hasPrefix("/") {
                let expected = stack.popLast()
                #expect(expected == String(name.dropFirst()), "</\(name.dropFirst())> closes <\(expected ?? "nothing")>")
            } else if !tag.hasSuffix("/"), !voids.contains(name) {
                stack.append(name)
            }
        }
        #expect(stack.isEmpty, "unclosed: \(stack)")
    }

    private func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("the page is balanced, self-contained and escapes every piece of data")
    func wellFormed() throws {
        let html = LabHTMLReport(self.report()).render()
        self.checkBalanced(html)
        #expect(self.count("<svg", in: html) == self.count("</svg>", in: html))
        #expect(self.count("<svg", in: html) >= 4)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>dies"))
        #expect(html.contains("Wi-Fi &lt;b&gt;dies&lt;/b&gt; &amp; &quot;LTE&quot; &lt;script&gt;"))
        #expect(html.contains("&#39;/tmp/a &lt;b&gt;&#39;"))
        #expect(html.contains("lte a&lt;b"))
        let external = html.components(separatedBy: "http").dropFirst()
        #expect(external.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg\"") }, "only the SVG namespace")
        #expect(!html.contains("=\"nan") && !html.contains("=\"inf") && !html.contains("n/a\""))
    }

    @Test("the summary table has one row per scenario, naming its winner")
    func summaryRows() throws {
        let html = LabHTMLReport(self.report()).render()
        let start = try #require(html.range(of: "<table class=\"summary\">"))
        let end = try #require(html.range(of: "</table>", range: start.upperBound..<html.endIndex))
        let table = html[start.upperBound..<end.lowerBound]
        #expect(self.count("<tr>", in: String(table)) == 3, "a header and two scenarios")
        #expect(table.contains("<td class=\"win\">redundant</td>"))
        #expect(table.contains("p95 0.200 s vs 1.23 s: 84% lower"))
        #expect(table.contains("<td class=\"win\">single-wifi</td>"), "equal means: the first strategy wins")
        #expect(html.contains("<th>late-frames</th>"), "a measure gets its own column")
    }

    @Test("axes: 1-2-5 steps widened to round numbers, decades on a log axis")
    func axes() {
        #expect(LabAxis.niceStep(0.3) == 0.5)
        #expect(LabAxis.niceStep(1.5) == 2)
        #expect(LabAxis.niceStep(7) == 10)
        #expect(LabAxis.niceStep(2) == 2)
        let axis = LabAxis.linear(0, 9.3)
        #expect(axis.ticks == [0, 2, 4, 6, 8, 10])
        #expect(axis.upper == 10 && axis.lower == 0)
        #expect(axis.fraction(of: 5) == 0.5)
        #expect(axis.ticks.map(axis.label) == ["0", "2", "4", "6", "8", "10"])
        let small = LabAxis.linear(0, 0.37)
        #expect(small.ticks.count == 5)
        #expect(small.ticks.map(small.label) == ["0.0", "0.1", "0.2", "0.3", "0.4"])
        let offset = LabAxis.linear(12, 31, includeZero: false)
        #expect(offset.lower == 10 && offset.upper == 35 && offset.ticks.count == 6)
        let zero = LabAxis.linear(0, 0)
        #expect(zero.lower == 0 && zero.upper == 1)
        let single = LabAxis.linear(3, 3, includeZero: false)
        #expect(single.lower < 3 && single.upper > 3)
        let log = LabAxis.logarithmic(0.02, 30)
        #expect(log.ticks.map(log.label) == ["0.01", "0.1", "1", "10", "100"])
        #expect(log.lower == 0.01 && log.upper == 100)
        #expect(abs(log.fraction(of: 1) - 0.5) < 1e-12)
        #expect(LabAxis.spansDecades(0.01, 5))
        #expect(!LabAxis.spansDecades(0.1, 5))
    }

    @Test("goodput lines average four 0.25 s bins; down periods become bands")
    func timeSeries() throws {
        let points = LabScenarioSection.smoothedMegabits([31_250, 31_250, 31_250, 31_250, 31_250], binSeconds: 0.25)
        #expect(points.map(\.1) == [1, 1, 1, 1, 1])
        #expect(points.map(\.0) == [0.125, 0.375, 0.625, 0.875, 1.125])
        let edge = LabScenarioSection.smoothedMegabits([125_000, 0, 0, 0, 0, 0], binSeconds: 0.25)
        #expect(edge[0].1 == 2, "the first bin averages over the two it has")
        #expect(abs(edge[1].1 - 4.0 / 3) < 1e-12 && edge[2].1 == 1 && edge[5].1 == 0)
        let events = [
            LabEventDescription(at: 5, path: "wifi", kind: .down, change: "down"),
            LabEventDescription(at: 7, path: "wifi", kind: .up, change: "up"),
            LabEventDescription(at: 10, path: "lte", kind: .change, change: "rate 2 Mbit/s"),
            LabEventDescription(at: 20, path: "lte", kind: .down, change: "down"),
        ]
        let section = LabScenarioSection(report: self.report(),
                                         scenario: F.scenario("voice", objective: F.p95, events: events))
        let bands = section.timelineBands(until: 30).map { [$0.from, $0.to] }
        #expect(bands == [[5, 7], [10, 10], [20, 30]])
    }
}
