import Foundation
import SCSScoring
import SCSStats

/// The report's "How many seeds" section, from an `scs seeds --json` file: per model, the SCS
/// against the number of images with its band (a shaded polygon between the 2.5 and 97.5
/// percentiles), and per prompt the n needed to pin its score to ±δ.
public enum SeedsSection {
    /// SCS against n, one panel per model stacked vertically.
    public static func curves(_ figure: SeedsFile.Figure) -> String {
        let panel = 260.0
        var svg = SVGDocument(width: 800, height: 30 + panel * Double(max(figure.models.count, 1)))
        let title = "SCS against the number of images per prompt, with the 95% band of one prompt's score"
        svg.text(title, x: 400, y: 20, size: 14, weight: "bold")
        let allN = figure.models.flatMap(\.n)
        let xTicks = Ticks.integers(allN.min() ?? 2, allN.max() ?? 3)
        let x = LinearScale(domain: (xTicks.first!, xTicks.last!), range: (90, 770))
        for (i, m) in figure.models.enumerated() where !m.n.isEmpty {
            let top = 40 + panel * Double(i), bottom = top + panel - 70
            let yTicks = Ticks.nice((m.low + m.mean).min()!, (m.high + m.mean).max()!, count: 5)
            let y = LinearScale(domain: (yTicks.first!, yTicks.last!), range: (bottom, top + 16))
            svg.yAxis(x: 80, scale: y, ticks: yTicks, title: "SCS", grid: 770)
            svg.xAxis(y: bottom, scale: x, ticks: xTicks, title: "images per prompt (n)")
            let band =
                zip(m.n, m.high).map { (x(Double($0)), y($1)) } + zip(m.n, m.low).reversed().map { (x(Double($0)), y($1)) }
            let points = band.map { "\(SVGDocument.n($0.0)),\(SVGDocument.n($0.1))" }.joined(separator: " ")
            svg.raw("<polygon class=\"seeds-band\" points=\"\(points)\" fill=\"#d9d9d9\" stroke=\"#bdbdbd\"/>")
            // Solid while every prompt has n images; dashed beyond, where fewer prompts are averaged
            // and the curve moves because the prompts change, not because n does.
            let all = m.prompts.max() ?? 0
            let line = m.n.indices.map { (x(Double(m.n[$0])), y(m.mean[$0])) }
            let complete = m.prompts.prefix { $0 == all }.count
            svg.polyline(Array(line.prefix(complete)), width: 2)
            if complete < line.count { svg.polyline(Array(line[max(complete - 1, 0)...]), width: 2, dash: "5 4") }
            for (k, point) in line.enumerated() {
                svg.circle(
                    point.0, point.1, r: 3, fill: k < complete ? "#000" : "#fff",
                    title:
                        "n = \(m.n[k]): \(String(format: "%.2f", m.mean[k])) [\(String(format: "%.2f", m.low[k])), \(String(format: "%.2f", m.high[k]))], \(m.prompts[k]) prompts"
                )
            }
            svg.text(m.model, x: 90, y: top + 8, anchor: "start", size: 12, weight: "bold")
        }
        return svg.rendered(title: title)
    }

    /// Per prompt, the n needed: a dot at the subsample figure and a cross at the projected one
    /// (an arrow at the edge when it lies beyond the axis), one row per group.
    public static func needed(_ figure: SeedsFile.Figure) -> String {
        let rows = figure.groups
        let rowHeight = 16.0
        let height = 90 + rowHeight * Double(max(rows.count, 1))
        var svg = SVGDocument(width: 800, height: height)
        let title = "Images needed per prompt to pin its SCS to ±\(SeedsStudy.number(figure.delta))"
        svg.text(title, x: 400, y: 20, size: 14, weight: "bold")
        let largest = rows.flatMap { g in [g.images, g.nNeeded] + (g.nNeededProjected.map { [min($0, 4 * g.images)] } ?? []) }.max() ?? 2
        let ticks = Ticks.integers(0, largest)
        let x = LinearScale(domain: (ticks.first!, ticks.last!), range: (330, 770))
        let bottom = 40 + rowHeight * Double(rows.count)
        svg.xAxis(y: bottom, scale: x, ticks: ticks, title: "images per prompt (n)")
        for (i, g) in rows.enumerated() {
            let cy = 40 + rowHeight * (Double(i) + 0.5)
            let label = "\(g.model) · \(g.prompt)"
            svg.text(label.count > 48 ? String(label.prefix(47)) + "…" : label, x: 320, y: cy + 4, anchor: "end", size: 10)
            svg.line(x(Double(g.images)), cy - 6, x(Double(g.images)), cy + 6, stroke: "#888")
            svg.circle(x(Double(g.nNeeded)), cy, r: 3.5, fill: "#000", title: "\(label): \(g.nNeeded) (subsampled)")
            if let p = g.nNeededProjected {
                let px = x(min(Double(p), ticks.last!))
                // The mark and its tooltip in one group, so hovering the mark shows the value.
                var mark = SVGDocument(width: 0, height: 0)
                mark.text(p > Int(ticks.last!) ? "→" : "×", x: px, y: cy + 4, size: 12)
                svg.raw("<g class=\"projected\"><title>\(HTML.escape("\(label): \(p) (projected)"))</title>\(mark.body)</g>")
            }
        }
        return svg.rendered(title: title)
    }

    /// The section's HTML, with the figures at `curvesPath` and `neededPath`.
    public static func html(_ figure: SeedsFile.Figure, curvesPath: String, neededPath: String) -> String {
        var html = "<h2 id=\"seeds\">How many seeds</h2>\n"
        for m in figure.models where !m.summary.isEmpty { html += "<p class=\"seeds-summary\">\(HTML.escape(m.summary))</p>\n" }
        html +=
            "<figure><img src=\"\(curvesPath)\" alt=\"SCS against the number of images per prompt, per model\" width=\"800\"><figcaption>The line is the mean over prompts of the subset scores (flat, since the SCS is unbiased at every n; dashed, with open points, where only the prompts with that many images are averaged); the shaded band is the prompts' mean 2.5–97.5 percentile band of a score from n of their images. <a href=\"\(curvesPath)\">SVG</a></figcaption></figure>\n"
        html +=
            "<figure><img src=\"\(neededPath)\" alt=\"Images needed per prompt\" width=\"800\"><figcaption>Dots: the smallest n from which 95% of the n-subsets of a prompt's images score within ±\(SeedsStudy.number(figure.delta)) of all of them (at most the images there are; grey tick). Crosses: the n at which the projected standard error is δ/1.96 (an arrow when beyond the axis). See docs/seeds.md. <a href=\"\(neededPath)\">SVG</a></figcaption></figure>\n"
        return html
    }
}
