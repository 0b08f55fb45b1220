import Foundation
import SCSReport
import SCSStats
import XCTest

final class PlotGeometryTests: XCTestCase {
    func testNiceTicksCoverTheRangeAtRoundSteps() {
        XCTAssertEqual(Ticks.nice(38.3, 93.3, count: 6), [20, 40, 60, 80, 100])
        XCTAssertEqual(Ticks.nice(0, 0.0237, count: 5), [0, 0.01, 0.02, 0.03].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(Ticks.nice(5, 5), [4, 4.5, 5, 5.5, 6], accuracy: 1e-12)
        XCTAssertEqual(Ticks.label(0.30000000000000004, step: 0.1), "0.3")
        XCTAssertEqual(Ticks.label(2.5, step: 2.5), "2.5")
        XCTAssertEqual(Ticks.label(-0.0, step: 1), "0")
    }

    func testScaleMapsDomainOntoRangeInvertedForSVG() {
        let y = LinearScale(domain: (20, 100), range: (270, 40))
        XCTAssertEqual(y(20), 270)
        XCTAssertEqual(y(100), 40)
        XCTAssertEqual(y(60), 155)
    }

    func testBoxGeometryFollowsTheStatistics() throws {
        let s = try XCTUnwrap(BoxPlotStats([1, 2, 3, 4, 5, 6, 7, 8, 30]))
        XCTAssertEqual(s.q1, 3); XCTAssertEqual(s.median, 5); XCTAssertEqual(s.q3, 7)
        XCTAssertEqual(s.whiskerHigh, 8, "30 is beyond q3 + 1.5 IQR = 13")
        XCTAssertEqual(s.outliers, [30])
        let g = BoxGeometry(s, scale: LinearScale(domain: (0, 40), range: (400, 0)))
        XCTAssertEqual(g.boxTop, 330); XCTAssertEqual(g.boxBottom, 370); XCTAssertEqual(g.median, 350)
        XCTAssertEqual(g.whiskerTop, 320); XCTAssertEqual(g.whiskerBottom, 390); XCTAssertEqual(g.outliers, [100])
        XCTAssertLessThan(g.whiskerTop, g.boxTop, "SVG y grows downwards: the upper whisker is above the box")
    }

    func testFigure2DrawsBothBoxesAndBothCurves() throws {
        let a = [60.0, 64, 66, 70, 71, 75], b = [50.0, 52, 57, 58, 61, 90]
        let svg = Plots.figure2(labelA: "pixart", labelB: "SDXL", a: a, b: b, title: "pixart vs SDXL")
        XCTAssertTrue(svg.hasPrefix("<?xml"))
        XCTAssertEqual(svg.components(separatedBy: "class=\"box\"").count - 1, 2)
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2, "two KDE curves")
        let sb = try XCTUnwrap(BoxPlotStats(b))
        XCTAssertTrue(svg.contains("data-q1=\"\(sb.q1)\" data-median=\"\(sb.median)\" data-q3=\"\(sb.q3)\""))
        XCTAssertTrue(svg.contains("stroke-dasharray"), "B's curve is dashed, for grayscale print")
        XCTAssertTrue(svg.contains(">SDXL</text>") && svg.contains(">Density</text>"))
        XCTAssertFalse(svg.contains("nan") || svg.contains("inf"))
    }

    func testSimilarityMatrixFlagsTheOddImageOut() throws {
        // Three near-identical vectors and one orthogonal: the fourth agrees least.
        let e: [[Float]] = [[1, 0, 0], [0.99, 0.1, 0], [0.98, 0, 0.1], [0, 1, 0]]
        let m = try XCTUnwrap(SimilarityMatrix(embeddings: e))
        XCTAssertEqual(m.leastAgreeing, 3)
        XCTAssertEqual(m[0, 0], 100)
        XCTAssertEqual(m[1, 3], m[3, 1])
        let svg = Heatmap.svg(m, labels: ["a", "b", "c", "d"], title: "t")
        XCTAssertEqual(svg.components(separatedBy: "<rect x=").count - 1, 16 + 2 + 1, "16 cells, the flag's row and column, the legend")
        XCTAssertTrue(svg.contains("class=\"least\""))
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Every figure is well-formed XML, so it opens in Inkscape and LaTeX toolchains, not only browsers.
final class SVGWellFormedTests: XCTestCase {
    func testFiguresParseAsXML() throws {
        let a = [60.0, 64, 66, 70, 71, 75, 40], b = [50.0, 52, 57, 58, 61, 90, 55]
        let prompts = (1...7).map { "prompt <\($0)> & \"quotes\"" }
        let m = try XCTUnwrap(SimilarityMatrix(embeddings: [[1, 0], [0.9, 0.1], [0, 1]]))
        let figures = [
            Plots.figure2(labelA: "A & B", labelB: "<B>", a: a, b: b, title: "t"),
            Plots.paired(labelA: "A", labelB: "B", prompts: prompts, a: a, b: b, href: { "p?x=\($0)&y" }, title: "t"),
            Plots.allModels([("A", a), ("B", b), ("C", [1, 2, 3])], title: "t"),
            Heatmap.svg(m, labels: ["1 & 2", "<2>", "3"], title: "h")
        ]
        for svg in figures {
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "")\n\(svg.prefix(400))")
        }
    }
}

final class DegenerateScoresTests: XCTestCase {
    /// Groups of identical images score 100 up to rounding: the plots must stay readable.
    func testScoresThatDifferOnlyByRoundingDrawNoSpike() {
        XCTAssertEqual(Ticks.nice(99.99999999999997, 100.00000000000003).first, 99)
        let a = (0..<20).map { 100 + Double($0 % 3 - 1) * 1e-14 }, b = (0..<20).map { 100 - Double($0 % 2) * 1.4e-14 }
        let svg = Plots.figure2(labelA: "A", labelB: "B", a: a, b: b, title: "t")
        XCTAssertTrue(svg.contains("no KDE: no spread"))
        // Labels, not the exact values kept in data- attributes: no tick at rounding noise, no huge density.
        let labels = svg.components(separatedBy: "</text>").compactMap { $0.components(separatedBy: ">").last }
        XCTAssertFalse(labels.contains { $0.contains("00000") }, "\(labels)")
    }
}
