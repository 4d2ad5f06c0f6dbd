/// Escaping of text put into HTML and SVG (both element content and quoted attribute values).
public enum LabHTML {
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// An inline SVG drawing built element by element; every text goes through ``LabHTML/escape(_:)``.
struct LabSVG {
    let width: Double
    let height: Double
    private var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    static func coordinate(_ value: Double) -> String { LabFormat.fixed(value, 1) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        let c = Self.coordinate
        self.elements.append(
            "<line x1=\"\(c(x1))\" y1=\"\(c(y1))\" x2=\"\(c(x2))\" y2=\"\(c(y2))\" stroke=\"\(stroke)\""
                + " stroke-width=\"\(LabFormat.number(width))\"" + Self.dashAttribute(dash) + "/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        guard points.count > 1 else { return }
        let list = points.map { "\(Self.coordinate($0.0)),\(Self.coordinate($0.1))" }.joined(separator: " ")
        self.elements.append(
            "<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(LabFormat.number(width))\""
                + " stroke-linejoin=\"round\"" + Self.dashAttribute(dash) + " points=\"\(list)\"/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String,
                       opacity: Double = 1, stroke: String? = nil, tooltip: String? = nil) {
        let c = Self.coordinate
        let strokeAttribute = stroke.map { " stroke=\"\($0)\"" } ?? ""
        let opacityAttribute = opacity < 1 ? " fill-opacity=\"\(LabFormat.number(opacity))\"" : ""
        let open = "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(max(width, 0)))\" height=\"\(c(max(height, 0)))\""
            + " fill=\"\(fill)\"" + opacityAttribute + strokeAttribute
        if let tooltip {
            self.elements.append(open + "><title>\(LabHTML.escape(tooltip))</title></rect>")
        } else {
            self.elements.append(open + "/>")
        }
    }

    enum Anchor: String {
        case start, middle, end
    }

    mutating func text(_ x: Double, _ y: Double, _ text: String, anchor: Anchor = .start, size: Int = 12,
                       bold: Bool = false, fill: String = "#222", rotated: Bool = false) {
        let c = Self.coordinate
        let rotation = rotated ? " transform=\"rotate(-90 \(c(x)) \(c(y)))\"" : ""
        let weight = bold ? " font-weight=\"bold\"" : ""
        self.elements.append(
            "<text x=\"\(c(x))\" y=\"\(c(y))\" text-anchor=\"\(anchor.rawValue)\" font-size=\"\(size)\""
                + " fill=\"\(fill)\"" + weight + rotation + ">\(LabHTML.escape(text))</text>")
    }

    /// The drawing as an `<svg>` element with an accessible title.
    func render(title: String) -> String {
        let w = LabFormat.number(self.width)
        let h = LabFormat.number(self.height)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\""
            + " role=\"img\" font-family=\"sans-serif\"><title>\(LabHTML.escape(title))</title>\n"
            + self.elements.joined(separator: "\n") + "\n</svg>"
    }

    private static func dashAttribute(_ dash: String?) -> String {
        dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
    }
}

/// The plotting area of a chart inside its ``LabSVG``: axes, grid, tick labels and axis titles, and where a
/// value lands in pixels.
struct LabPlotArea {
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    var x: LabAxis
    var y: LabAxis

    func px(_ value: Double) -> Double { self.left + self.x.fraction(of: value) * self.width }
    func py(_ value: Double) -> Double { self.top + self.height - self.y.fraction(of: value) * self.height }

    /// A point clamped to the plotting area.
    func point(_ x: Double, _ y: Double) -> (Double, Double) {
        (min(max(self.px(x), self.left), self.left + self.width),
         min(max(self.py(y), self.top), self.top + self.height))
    }

    /// Grid lines, the frame, tick labels and the two axis titles.
    func drawAxes(on svg: inout LabSVG, xTitle: String, yTitle: String) {
        let bottom = self.top + self.height
        for tick in self.y.ticks {
            let y = self.py(tick)
            svg.line(self.left, y, self.left + self.width, y, stroke: "#e3e3e3")
            svg.text(self.left - 6, y + 4, self.y.label(tick), anchor: .end, size: 11, fill: "#444")
        }
        for tick in self.x.ticks {
            let x = self.px(tick)
            svg.line(x, self.top, x, bottom, stroke: "#eeeeee")
            svg.line(x, bottom, x, bottom + 4, stroke: "#666")
            svg.text(x, bottom + 17, self.x.label(tick), anchor: .middle, size: 11, fill: "#444")
        }
        svg.line(self.left, bottom, self.left + self.width, bottom, stroke: "#666")
        svg.line(self.left, self.top, self.left, bottom, stroke: "#666")
        svg.text(self.left + self.width / 2, bottom + 34, xTitle, anchor: .middle, size: 12)
        svg.text(self.left - 40, self.top + self.height / 2, yTitle, anchor: .middle, size: 12, rotated: true)
    }
}
