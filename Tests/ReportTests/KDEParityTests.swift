import Foundation
import SCSStats
import TestSupport
import XCTest

/// Figure 2's numbers against the oracle (scripts/oracle/make_report_fixtures.py):
/// `scipy.stats.gaussian_kde` on seaborn's default grid, and matplotlib's box plot statistics.
final class KDEParityTests: XCTestCase {
    static let tolerance = 1e-9

    struct Case {
        let name: String, x: [Double], factor: Double, bandwidth: Double, grid: [Double], density: [Double]
        let box: [String: Any]
    }

    static func number(_ v: Any?) -> Double? {
        // Linux JSONSerialization gives long decimals as NSDecimalNumber: read the text.
        v.flatMap { Double(String(describing: $0)) }
    }

    static func cases() throws -> [Case] {
        let root = try XCTUnwrap(try loadJSON(TestPaths.fixtures.appendingPathComponent("report/kde_box.json")) as? [String: Any])
        return try XCTUnwrap(root["cases"] as? [[String: Any]]).map { c in
            let nums = { (k: String) in (c[k] as? [Any] ?? []).compactMap { number($0) } }
            return Case(
                name: c["name"] as! String, x: nums("x"), factor: number(c["factor"])!, bandwidth: number(c["bandwidth"])!,
                grid: nums("grid"), density: nums("density"), box: c["box"] as! [String: Any])
        }
    }

    static func rel(_ a: Double, _ b: Double) -> Double { a == b ? 0 : abs(a - b) / max(abs(b), 1e-300) }

    func testKDEEqualsSciPyOnSeabornGrid() throws {
        var worst = 0.0
        for c in try Self.cases() {
            let kde = try XCTUnwrap(KernelDensity(c.x), c.name)
            XCTAssertLessThan(Self.rel(kde.factor, c.factor), Self.tolerance, c.name)
            XCTAssertLessThan(Self.rel(kde.bandwidth, c.bandwidth), Self.tolerance, c.name)
            let curve = kde.curve()
            XCTAssertEqual(curve.count, c.grid.count, c.name)
            for (i, point) in curve.enumerated() {
                let e = max(Self.rel(point.x, c.grid[i]), Self.rel(point.y, c.density[i]))
                worst = max(worst, e)
                XCTAssertLessThan(e, Self.tolerance, "\(c.name) grid point \(i): \(point) vs (\(c.grid[i]), \(c.density[i]))")
            }
        }
        print("KDE vs scipy.stats.gaussian_kde: worst relative error \(worst)")
    }

    func testBoxStatsEqualNumPyAndMatplotlibConventions() throws {
        var worst = 0.0
        for c in try Self.cases() {
            let s = try XCTUnwrap(BoxPlotStats(c.x), c.name)
            let ours = ["q1": s.q1, "median": s.median, "q3": s.q3, "whislo": s.whiskerLow, "whishi": s.whiskerHigh, "mean": s.mean]
            for (k, v) in ours {
                let ref = try XCTUnwrap(Self.number(c.box[k]), "\(c.name).\(k)")
                worst = max(worst, Self.rel(v, ref))
                XCTAssertLessThan(Self.rel(v, ref), Self.tolerance, "\(c.name).\(k): \(v) vs \(ref)")
            }
            let fliers = (c.box["fliers"] as? [Any] ?? []).compactMap { Self.number($0) }
            XCTAssertEqual(s.outliers, fliers, c.name)
        }
        print("box plot stats vs numpy/matplotlib: worst relative error \(worst)")
    }

    func testTheFixtureExercisesOutliersAndWhiskerSnapBack() throws {
        let cases = try Self.cases()
        XCTAssertTrue(cases.contains { !($0.box["fliers"] as? [Any] ?? []).isEmpty }, "no case with outliers")
        XCTAssertNil(KernelDensity([3, 3, 3]), "no spread: SciPy raises, we draw nothing")
        XCTAssertNil(KernelDensity([1]))
    }
}
