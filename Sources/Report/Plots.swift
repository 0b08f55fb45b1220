import Foundation
import SCSScoring
import SCSStats

/// Where a box plot's parts fall on a vertical axis: what `drawBox` draws, exposed for tests.
public struct BoxGeometry: Equatable, Sendable {
    public let boxTop: Double, boxBottom: Double, median: Double, whiskerTop: Double, whiskerBottom: Double
    public let outliers: [Double]

    public init(_ s: BoxPlotStats, scale: LinearScale) {
        boxTop = scale(s.q3); boxBottom = scale(s.q1); median = scale(s.median)
        whiskerTop = scale(s.whiskerHigh); whiskerBottom = scale(s.whiskerLow)
        outliers = s.outliers.map { scale($0) }
    }
}

/// The report's figures as standalone SVG, in grayscale like the paper's: side A light gray
/// and solid, side B white and dashed, so they stay apart when printed.
public enum Plots {
    static let fills = ["#bdbdbd", "#ffffff", "#7a7a7a", "#e6e6e6", "#4d4d4d", "#f5f5f5"]
    static let dashes: [String?] = [nil, "6 4", "2 3", "10 3 2 3", "1 2", "8 2"]

    /// One box in matplotlib's style: box from q1 to q3, median line, whiskers with caps,
    /// outliers as open circles.
    static func drawBox(
        _ svg: inout SVGDocument, _ s: BoxPlotStats, centre x: Double, width w: Double,
        scale: LinearScale, fill: String
    ) {
        let g = BoxGeometry(s, scale: scale)
        svg.line(x, g.whiskerTop, x, g.boxTop)
        svg.line(x, g.boxBottom, x, g.whiskerBottom)
        svg.line(x - w / 4, g.whiskerTop, x + w / 4, g.whiskerTop)
        svg.line(x - w / 4, g.whiskerBottom, x + w / 4, g.whiskerBottom)
        svg.rect(
            x - w / 2, g.boxTop, w, max(g.boxBottom - g.boxTop, 0.5), fill: fill, stroke: "#000",
            extra: " class=\"box\" data-q1=\"\(s.q1)\" data-median=\"\(s.median)\" data-q3=\"\(s.q3)\"")
        svg.line(x - w / 2, g.median, x + w / 2, g.median, width: 2)
        for (v, y) in zip(s.outliers, g.outliers) {
            svg.circle(x, y, r: 3, fill: "none", title: String(format: "%.2f", v))
        }
    }

    /// The KDE to draw: none when the scores have no spread beyond rounding noise (all 100 but
    /// for the last bits), whose density would be a spike of height ~1e13.
    static func plottableKDE(_ x: [Double]) -> KernelDensity? {
        guard let kde = KernelDensity(x) else { return nil }
        let scale = x.map(abs).max() ?? 1
        return kde.bandwidth > 1e-9 * max(1, scale) ? kde : nil
    }

    /// The range every value and KDE tail of `samples` needs, with nice ticks.
    static func scoreTicks(_ samples: [[Double]]) -> [Double] {
        let all = samples.flatMap { $0 }
        return Ticks.nice(all.min() ?? 0, all.max() ?? 100, count: 6)
    }

    /// The paper's Figure 2, one row: box plots of the per-prompt scores of each side (left) and
    /// Gaussian KDE curves of their distributions (right; Scott's bandwidth, grid cut at 3
    /// bandwidths, as seaborn's kdeplot).
    public static func figure2(labelA: String, labelB: String, a: [Double], b: [Double], title: String) -> String {
        var svg = SVGDocument(width: 800, height: 340)
        let top = 40.0, bottom = 270.0
        svg.text(title, x: 400, y: 22, size: 14, weight: "bold")

        // Left: box plots on a vertical score axis.
        let yTicks = scoreTicks([a, b])
        let y = LinearScale(domain: (yTicks.first!, yTicks.last!), range: (bottom, top))
        svg.yAxis(x: 70, scale: y, ticks: yTicks, title: "SCS", grid: 330)
        for (i, (label, values)) in [(labelA, a), (labelB, b)].enumerated() {
            guard let s = BoxPlotStats(values) else { continue }
            let cx = 70 + 65 + Double(i) * 130
            drawBox(&svg, s, centre: cx, width: 70, scale: y, fill: fills[i])
            svg.text(label, x: cx, y: bottom + 18, size: 12)
            svg.text("n = \(values.count)", x: cx, y: bottom + 33, size: 10)
        }

        // Right: KDE curves on a horizontal score axis.
        let kdes = [a, b].map { plottableKDE($0) }
        let curves = kdes.map { $0?.curve() ?? [] }
        let xs = curves.flatMap { $0.map(\.x) } + a + b
        let xTicks = Ticks.nice(xs.min() ?? 0, xs.max() ?? 100, count: 6)
        let x = LinearScale(domain: (xTicks.first!, xTicks.last!), range: (450, 780))
        // Headroom above the highest peak keeps the legend (top right) clear of the curves.
        let densityTicks = Ticks.nice(0, 1.3 * (curves.flatMap { $0.map(\.y) }.max() ?? 1), count: 5)
        let dy = LinearScale(domain: (0, densityTicks.last!), range: (bottom, top))
        svg.yAxis(x: 450, scale: dy, ticks: densityTicks, title: "Density")
        svg.xAxis(y: bottom, scale: x, ticks: xTicks, title: "SCS")
        for (i, curve) in curves.enumerated() where !curve.isEmpty {
            svg.polyline(curve.map { (x($0.x), dy($0.y)) }, width: 2, dash: dashes[i])
        }
        // Legend, top right of the KDE panel.
        for (i, label) in [labelA, labelB].enumerated() {
            let ly = top + 8 + Double(i) * 18
            svg.line(640, ly, 670, ly, width: 2, dash: dashes[i])
            svg.text(label + (kdes[i] == nil ? " (no KDE: no spread)" : ""), x: 676, y: ly + 4, anchor: "start", size: 11)
        }
        return svg.rendered(title: title)
    }

    /// Per prompt, A's and B's score joined by a line, prompts sorted by the difference A − B.
    /// `prompts` link each point to its gallery through `href`.
    public static func paired(
        labelA: String, labelB: String, prompts: [String], a: [Double], b: [Double],
        href: (String) -> String?, title: String
    ) -> String {
        let order = prompts.indices.sorted { (a[$0] - b[$0], prompts[$0]) < (a[$1] - b[$1], prompts[$1]) }
        var svg = SVGDocument(width: 800, height: 340)
        let top = 40.0, bottom = 280.0
        svg.text(title, x: 400, y: 22, size: 14, weight: "bold")
        let yTicks = scoreTicks([a, b])
        let y = LinearScale(domain: (yTicks.first!, yTicks.last!), range: (bottom, top))
        let x = LinearScale(domain: (-0.5, Double(max(order.count, 1)) - 0.5), range: (80, 780))
        svg.yAxis(x: 70, scale: y, ticks: yTicks, title: "SCS", grid: 780)
        svg.line(70, bottom, 780, bottom)
        svg.text("prompts, sorted by \(labelA) − \(labelB)", x: 425, y: bottom + 22, size: 12)
        let r = order.count > 60 ? 2.5 : 3.5
        for (rank, i) in order.enumerated() {
            let cx = x(Double(rank))
            svg.line(cx, y(a[i]), cx, y(b[i]), stroke: "#888")
            let tip = "\(prompts[i]): \(labelA) \(String(format: "%.2f", a[i])), \(labelB) \(String(format: "%.2f", b[i]))"
            var point = SVGDocument(width: 0, height: 0)
            point.circle(cx, y(b[i]), r: r, fill: "#fff", title: tip)
            point.circle(cx, y(a[i]), r: r, fill: "#000", title: tip)
            let body = point.body
            if let link = href(prompts[i]) { svg.raw("<a href=\"\(HTML.escape(link))\">\(body)</a>") } else { svg.raw(body) }
        }
        svg.circle(560, top - 14, r: 4, fill: "#000")
        svg.text(labelA, x: 568, y: top - 10, anchor: "start", size: 11)
        svg.circle(670, top - 14, r: 4, fill: "#fff")
        svg.text(labelB, x: 678, y: top - 10, anchor: "start", size: 11)
        return svg.rendered(title: title)
    }

    /// Every model's per-prompt scores on one axis: a box plot each, with the KDE as a
    /// mirrored outline (a violin) behind it, cut at the axis.
    public static func allModels(_ models: [(name: String, scores: [Double])], title: String) -> String {
        let width = max(800, 120 + 110 * Double(models.count))
        var svg = SVGDocument(width: width, height: 340)
        let top = 40.0, bottom = 270.0
        svg.text(title, x: width / 2, y: 22, size: 14, weight: "bold")
        let curves = models.map { plottableKDE($0.scores)?.curve() ?? [] }
        // The axis spans the scores (SCS lies in 0...100); KDE tails beyond it are cut off, so a
        // few models with wide tails do not squash every box.
        let yTicks = scoreTicks(models.map(\.scores))
        let y = LinearScale(domain: (yTicks.first!, yTicks.last!), range: (bottom, top))
        svg.yAxis(x: 70, scale: y, ticks: yTicks, title: "SCS", grid: width - 20)
        let slot = (width - 100) / Double(max(models.count, 1))
        for (i, m) in models.enumerated() {
            let cx = 80 + slot * (Double(i) + 0.5)
            if let peak = curves[i].map(\.y).max(), peak > 0 {
                let half = slot * 0.42
                let inside = curves[i].filter { $0.x >= yTicks.first! && $0.x <= yTicks.last! }
                let outline = inside.map { (cx + half * $0.y / peak, y($0.x)) } + inside.reversed().map { (cx - half * $0.y / peak, y($0.x)) }
                svg.polyline(outline + outline.prefix(1), stroke: "#999", width: 1)
            }
            if let s = BoxPlotStats(m.scores) { drawBox(&svg, s, centre: cx, width: min(40, slot * 0.3), scale: y, fill: fills[i % fills.count]) }
            svg.text(m.name, x: cx, y: bottom + 18, size: 12)
            svg.text("n = \(m.scores.count)", x: cx, y: bottom + 33, size: 10)
        }
        return svg.rendered(title: title)
    }
}
