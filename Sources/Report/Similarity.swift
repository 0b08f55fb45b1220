import Foundation
import SCSScoring

/// The N x N pairwise similarities of one group's images, max(100·cos, 0) as the score uses
/// them, and the image that agrees least with the others.
public struct SimilarityMatrix: Sendable {
    public let n: Int
    /// Row-major, n·n; the diagonal is 100.
    public let values: [Double]
    /// Per image, the mean similarity to the other images.
    public let meanToOthers: [Double]
    /// The image with the lowest mean similarity to the others (the first on ties).
    public let leastAgreeing: Int
    /// The group's SCS recomputed from these pairs: equal to scores.csv's when the images are
    /// the ones that were scored.
    public let scs: Double

    /// From the group's embeddings, through `ConsistencyScore.pairSimilarities` so the pairs are
    /// exactly those of the score.
    public init?(embeddings: [[Float]]) {
        guard embeddings.count >= 2 else { return nil }
        let n = embeddings.count
        let pairs = ConsistencyScore.pairSimilarities(embeddings)
        var m = [Double](repeating: 100, count: n * n)
        var k = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                m[i * n + j] = pairs[k]; m[j * n + i] = pairs[k]
                k += 1
            }
        }
        self.n = n
        values = m
        let means = (0..<n).map { i in (0..<n).filter { $0 != i }.reduce(0) { $0 + m[i * n + $1] } / Double(n - 1) }
        meanToOthers = means
        leastAgreeing = means.indices.min { means[$0] < means[$1] }!
        scs = pairs.reduce(0, +) / Double(pairs.count)
    }

    public subscript(i: Int, j: Int) -> Double { values[i * n + j] }
}

/// The similarity heatmap of one group as SVG: darker is more alike, the least-agreeing image's
/// row and column outlined, each cell titled with its value.
public enum Heatmap {
    public static func svg(_ m: SimilarityMatrix, labels: [String], title: String, gradientID: String = "g") -> String {
        let cell = m.n <= 12 ? 24.0 : m.n <= 24 ? 16.0 : max(4, 384 / Double(m.n))
        let left = 40.0, top = 40.0
        let side = cell * Double(m.n)
        var svg = SVGDocument(width: left + side + 110, height: top + side + 30)
        svg.text(title, x: left, y: 20, anchor: "start", size: 13, weight: "bold")
        // Grayscale from the group's lowest off-diagonal pair (white) to 100 (black), so the
        // contrast within a group is visible; the legend gives the numbers.
        let off = (0..<m.n).flatMap { i in (0..<m.n).filter { $0 != i }.map { m[i, $0] } }
        // Rounded down to a multiple of 10, at least 5 below the lowest pair: a two-image group's
        // single pair must not come out white, as if its images had nothing in common.
        let lo = max(0, ((min(off.min() ?? 0, 99) - 5) / 10).rounded(.down) * 10), hi = 100.0
        func gray(_ v: Double) -> String {
            let t = max(0, min(1, (v - lo) / (hi - lo)))
            let level = Int((255 * (1 - t)).rounded())
            return String(format: "#%02x%02x%02x", level, level, level)
        }
        // With two images both agree equally little: flag only from three up.
        let flagged = m.n >= 3 ? m.leastAgreeing : -1
        for i in 0..<m.n {
            for j in 0..<m.n {
                svg.raw(
                    "<rect x=\"\(SVGDocument.n(left + Double(j) * cell))\" y=\"\(SVGDocument.n(top + Double(i) * cell))\" width=\"\(SVGDocument.n(cell))\" height=\"\(SVGDocument.n(cell))\" fill=\"\(gray(m[i, j]))\"><title>\(HTML.escape(labels[i])) · \(HTML.escape(labels[j])): \(String(format: "%.1f", m[i, j]))</title></rect>"
                )
            }
            if m.n <= 24 {
                svg.text(
                    "\(i + 1)", x: left - 4, y: top + (Double(i) + 0.5) * cell + 4, anchor: "end", size: 10,
                    weight: i == flagged ? "bold" : nil)
                svg.text(
                    "\(i + 1)", x: left + (Double(i) + 0.5) * cell, y: top - 4, size: 10,
                    weight: i == flagged ? "bold" : nil)
            }
        }
        if flagged >= 0 {
            let k = Double(flagged)
            svg.rect(left, top + k * cell, side, cell, fill: "none", stroke: "#d00", extra: " stroke-width=\"2\" class=\"least\"")
            svg.rect(left + k * cell, top, cell, side, fill: "none", stroke: "#d00", extra: " stroke-width=\"2\" stroke-dasharray=\"4 2\"")
        }
        // Legend: a gradient bar from lo to 100.
        let lx = left + side + 20
        svg.raw(
            "<defs><linearGradient id=\"\(gradientID)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\"><stop offset=\"0\" stop-color=\"#fff\"/><stop offset=\"1\" stop-color=\"#000\"/></linearGradient></defs>"
        )
        svg.rect(lx, top, 14, side, fill: "url(#\(gradientID))")
        svg.text("100", x: lx + 18, y: top + 8, anchor: "start", size: 10)
        svg.text(String(format: "%.0f", lo), x: lx + 18, y: top + side, anchor: "start", size: 10)
        svg.text("cos·100", x: lx, y: top + side + 20, anchor: "start", size: 10)
        return svg.rendered(title: title)
    }
}
