import Foundation
import SCSScoring

/// A linear map from data values to SVG coordinates.
public struct LinearScale: Sendable {
    public let domain: (Double, Double)
    public let range: (Double, Double)

    public init(domain: (Double, Double), range: (Double, Double)) {
        // A degenerate domain (all values equal) would divide by zero: widen it by one unit.
        self.domain = domain.0 == domain.1 ? (domain.0 - 1, domain.1 + 1) : domain
        self.range = range
    }

    public func callAsFunction(_ v: Double) -> Double {
        range.0 + (v - domain.0) / (domain.1 - domain.0) * (range.1 - range.0)
    }
}

/// Axis ticks at "nice" steps (1, 2, 2.5 or 5 times a power of ten), covering a data range.
public enum Ticks {
    /// About `count` ticks spanning [lo, hi]: the first at or below lo, the last at or above hi,
    /// so that the axis can be drawn from the first tick to the last.
    public static func nice(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite else { return [] }
        // A range that is rounding noise (scores all 100 but for the last bits) gets a unit either side.
        if hi - lo <= 1e-9 * max(1, abs(lo), abs(hi)) { return nice(lo - 1, hi + 1, count: count) }
        let raw = (hi - lo) / Double(max(count - 1, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = floor(lo / step + 1e-9) * step, last = ceil(hi / step - 1e-9) * step
        let n = Int(((last - first) / step).rounded())
        // Multiply rather than accumulate, so 0.1 + 0.2 never shows as 0.30000000000000004.
        return (0...n).map { first + Double($0) * step }
    }

    /// Whole-number ticks from lo to hi, about 8 of them, for an axis of counts (images,
    /// prompts), where `nice`'s 2.5 steps would fall between two counts.
    public static func integers(_ lo: Int, _ hi: Int) -> [Double] {
        let step = max(1, Int((Double(hi - lo) / 8).rounded(.up)))
        let first = lo - lo % step
        return stride(from: first, through: hi + (hi % step == 0 ? 0 : step - hi % step), by: step).map(Double.init)
    }

    /// A tick label with as many decimals as the step needs.
    public static func label(_ v: Double, step: Double) -> String {
        // The fewest decimals that write the step exactly (2.5 needs one, 0.05 two).
        var decimals = 0
        while decimals < 6 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 { break }
            decimals += 1
        }
        let text = String(format: "%.\(decimals)f", v)
        return text == "-0" ? "0" : text
    }
}

/// An SVG document built element by element. Text is escaped; numbers are written with two
/// decimals, plenty at these sizes and compact for many points.
public struct SVGDocument {
    public let width: Double
    public let height: Double
    private var elements: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public static func n(_ v: Double) -> String {
        let s = String(format: "%.2f", v)
        return s.hasSuffix(".00") ? String(s.dropLast(3)) : s
    }

    public mutating func raw(_ element: String) { elements.append(element) }

    /// The elements so far, without the document around them (to nest them in a link).
    public var body: String { elements.joined() }

    public mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#000",
        width: Double = 1, dash: String? = nil, cls: String? = nil
    ) {
        elements.append(
            "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
                + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + (cls.map { " class=\"\($0)\"" } ?? "") + "/>")
    }

    public mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = "#000",
        extra: String = ""
    ) {
        elements.append(
            "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"\(fill)\""
                + (stroke.map { " stroke=\"\($0)\"" } ?? "") + extra + "/>")
    }

    public mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, stroke: String = "#000", title: String? = nil) {
        let tag = "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\" stroke=\"\(stroke)\""
        elements.append(title.map { tag + "><title>\(HTML.escape($0))</title></circle>" } ?? tag + "/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String = "#000", width: Double = 1.5, dash: String? = nil) {
        let p = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        elements.append(
            "<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
                + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    public mutating func text(
        _ s: String, x: Double, y: Double, anchor: String = "middle", size: Double = 12,
        weight: String? = nil, rotate: Bool = false
    ) {
        let transform = rotate ? " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" : ""
        elements.append(
            "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Self.n(size))\""
                + (weight.map { " font-weight=\"\($0)\"" } ?? "") + transform + ">\(HTML.escape(s))</text>")
    }

    /// A vertical axis at `x` with ticks and labels, and a rotated title.
    public mutating func yAxis(x: Double, scale: LinearScale, ticks: [Double], title: String, grid: Double? = nil) {
        line(x, scale(ticks.first!), x, scale(ticks.last!))
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for t in ticks {
            let y = scale(t)
            if let grid { line(x, y, grid, y, stroke: "#ddd", width: 0.6) }
            line(x - 4, y, x, y)
            text(Ticks.label(t, step: step), x: x - 6, y: y + 4, anchor: "end", size: 11)
        }
        text(title, x: x - 42, y: (scale(ticks.first!) + scale(ticks.last!)) / 2, size: 12, rotate: true)
    }

    /// A horizontal axis at `y` with ticks and labels, and a title below.
    public mutating func xAxis(y: Double, scale: LinearScale, ticks: [Double], title: String) {
        line(scale(ticks.first!), y, scale(ticks.last!), y)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for t in ticks {
            let x = scale(t)
            line(x, y, x, y + 4)
            text(Ticks.label(t, step: step), x: x, y: y + 17, size: 11)
        }
        text(title, x: (scale(ticks.first!) + scale(ticks.last!)) / 2, y: y + 34, size: 12)
    }

    /// The document: standalone (XML declaration, namespace), white background, a sans font.
    public func rendered(title: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.n(width))" height="\(Self.n(height))" viewBox="0 0 \(Self.n(width)) \(Self.n(height))" font-family="Helvetica, Arial, sans-serif">
        <title>\(HTML.escape(title))</title>
        <rect width="100%" height="100%" fill="#fff"/>
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }
}
