import Foundation
import SCSScoring
import SCSStats

extension Plots {
    /// One point per prompt of one model, `x` against `y`, each linking to its prompt's page.
    /// With `quadrants`, dashed lines at the medians of x and y split the plot, and the four
    /// corners are labelled (top-left, top-right, bottom-left, bottom-right).
    public static func scatter(
        prompts: [String], x: [Double], y: [Double], xTitle: String, yTitle: String,
        quadrants: [String]? = nil, href: (String) -> String?, title: String
    ) -> String {
        var svg = SVGDocument(width: 640, height: 480)
        let left = 80.0, right = 620.0, top = 44.0, bottom = 420.0
        svg.text(title, x: 320, y: 22, size: 14, weight: "bold")
        let xTicks = Ticks.nice(x.min() ?? 0, x.max() ?? 1), yTicks = Ticks.nice(y.min() ?? 0, y.max() ?? 1)
        let sx = LinearScale(domain: (xTicks.first!, xTicks.last!), range: (left, right))
        let sy = LinearScale(domain: (yTicks.first!, yTicks.last!), range: (bottom, top))
        svg.yAxis(x: left - 10, scale: sy, ticks: yTicks, title: yTitle, grid: right)
        svg.xAxis(y: bottom + 10, scale: sx, ticks: xTicks, title: xTitle)
        if let quadrants, quadrants.count == 4, !x.isEmpty {
            let mx = NumPy.median(sorted: x.sorted()), my = NumPy.median(sorted: y.sorted())
            svg.line(sx(mx), top, sx(mx), bottom, stroke: "#999", width: 1, dash: "5 4")
            svg.line(left, sy(my), right, sy(my), stroke: "#999", width: 1, dash: "5 4")
            svg.text(quadrants[0], x: left + 6, y: top + 14, anchor: "start", size: 12, weight: "bold")
            svg.text(quadrants[1], x: right - 6, y: top + 14, anchor: "end", size: 12)
            svg.text(quadrants[2], x: left + 6, y: bottom - 8, anchor: "start", size: 12)
            svg.text(quadrants[3], x: right - 6, y: bottom - 8, anchor: "end", size: 12)
        }
        for i in prompts.indices {
            var point = SVGDocument(width: 0, height: 0)
            point.circle(
                sx(x[i]), sy(y[i]), r: prompts.count > 100 ? 2.5 : 4, fill: "#333",
                title: "\(prompts[i]): \(xTitle) \(String(format: "%.2f", x[i])), \(yTitle) \(String(format: "%.2f", y[i]))")
            if let link = href(prompts[i]) { svg.raw("<a href=\"\(HTML.escape(link))\">\(point.body)</a>") } else { svg.raw(point.body) }
        }
        return svg.rendered(title: title)
    }

    /// Consistency (SCS, y) against alignment (CLIPScore, x) for one model's prompts: the corner of
    /// high SCS and low CLIPScore holds the prompts the model draws the same wrong picture for.
    public static func consistencyVsAlignment(
        model: String, prompts: [String], scs: [Double], clipscore: [Double],
        href: (String) -> String?
    ) -> String {
        scatter(
            prompts: prompts, x: clipscore, y: scs, xTitle: "CLIPScore (alignment with the prompt)", yTitle: "SCS (consistency)",
            quadrants: ["consistently off-prompt", "consistently on-prompt", "varied, off-prompt", "varied, on-prompt"],
            href: href, title: "\(model): consistency against alignment, per prompt")
    }

    /// The Vendi Score (effective number of distinct images, y) beside the SCS (x), per prompt.
    public static func vendiBesideSCS(model: String, prompts: [String], scs: [Double], vendi: [Double], href: (String) -> String?) -> String {
        scatter(
            prompts: prompts, x: scs, y: vendi, xTitle: "SCS (mean pair similarity)", yTitle: "Vendi Score (distinct images)",
            href: href, title: "\(model): Vendi Score beside SCS, per prompt")
    }
}
