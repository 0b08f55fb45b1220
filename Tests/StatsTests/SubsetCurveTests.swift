import Foundation
import SCSStats
import TestSupport
import XCTest

/// `scs seeds`'s curve against scripts/oracle/make_seeds_fixtures.py: every subset enumerated
/// with itertools.combinations where there are at most `draws`, the same xoshiro256**-drawn
/// subsets elsewhere, means and numpy percentiles to 1e-9, the shares within ±δ and the n needed
/// exactly.
final class SubsetCurveTests: XCTestCase {
    func fixture() throws -> [String: Any] {
        let url = TestPaths.fixtures.appendingPathComponent("seeds/curves.json")
        return try XCTUnwrap(try loadJSON(url) as? [String: Any])
    }

    func curve(_ g: [String: Any]) throws -> SubsetCurve {
        try XCTUnwrap(
            SubsetCurve(
                pairValues: Oracle.numbers(g["pair_values"]), draws: try XCTUnwrap(g["draws"] as? Int),
                delta: try XCTUnwrap(Oracle.number(g["delta"])), seed: UInt64(try XCTUnwrap(g["seed"] as? Int))))
    }

    /// The largest |ours − reference| seen, printed at the end of the group test.
    var worst = 0.0

    func close(_ ours: Double, _ ref: Any?, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let ref = Oracle.number(ref) else { return XCTFail("\(context): no reference", file: file, line: line) }
        worst = max(worst, abs(ours - ref))
        XCTAssertEqual(ours, ref, accuracy: 1e-9, context, file: file, line: line)
    }

    func testGroupCurvesMatchBruteForce() throws {
        let groups = try XCTUnwrap(try fixture()["groups"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(groups.count, 4)
        var exhaustive = 0, sampled = 0
        for g in groups {
            let name = g["name"] as? String ?? "?"
            let c = try curve(g)
            XCTAssertEqual(c.total, g["n_images"] as? Int, name)
            close(c.full, g["full"], "\(name) full")
            let points = try XCTUnwrap(g["points"] as? [[String: Any]])
            XCTAssertEqual(c.points.count, points.count, name)
            for (ours, ref) in zip(c.points, points) {
                let at = "\(name) n=\(ours.n)"
                XCTAssertEqual(ours.n, ref["n"] as? Int, at)
                XCTAssertEqual(ours.subsets, ref["subsets"] as? Int, at)
                XCTAssertEqual(ours.exhaustive, ref["exhaustive"] as? Bool, at)
                close(ours.mean, ref["mean"], "\(at) mean")
                close(ours.low, ref["low"], "\(at) low")
                close(ours.high, ref["high"], "\(at) high")
                XCTAssertEqual(ours.withinDelta, Oracle.number(ref["within_delta"]), at)
                if ours.exhaustive { exhaustive += 1 } else { sampled += 1 }
            }
            XCTAssertEqual(c.nNeeded, g["n_needed"] as? Int, name)
        }
        print("SubsetCurve against numpy/itertools: worst |Δ| \(worst) over \(exhaustive) exhaustive and \(sampled) sampled points")
        // Both branches are exercised.
        XCTAssertGreaterThan(exhaustive, 5)
        XCTAssertGreaterThan(sampled, 5)
    }

    func testModelCurveAveragesTheGroupsThatReachEachN() throws {
        let f = try fixture()
        let groups = try XCTUnwrap(f["groups"] as? [[String: Any]])
        let expected = try XCTUnwrap(f["model_of_first_three"] as? [[String: Any]])
        let model = AveragedCurve(try groups.prefix(3).map(curve))
        XCTAssertEqual(model.points.count, expected.count)
        for (ours, ref) in zip(model.points, expected) {
            XCTAssertEqual(ours.n, ref["n"] as? Int)
            XCTAssertEqual(ours.prompts, ref["prompts"] as? Int)
            for (value, key) in [(ours.mean, "mean"), (ours.low, "low"), (ours.high, "high"), (ours.withinDelta, "within_delta")] {
                close(value, ref[key], "model n=\(ours.n) \(key)")
            }
        }
    }

    /// The subset score is an unbiased estimate at every n: over all subsets (exhaustive), the
    /// mean equals the full score; and a different seed changes only the sampled n.
    func testExhaustiveMeansEqualTheFullScoreAndSeedsMoveOnlySampledPoints() throws {
        let g = try XCTUnwrap((try fixture()["groups"] as? [[String: Any]])?.first { $0["name"] as? String == "ten images, draws 200" })
        let values = Oracle.numbers(g["pair_values"])
        let a = try XCTUnwrap(SubsetCurve(pairValues: values, draws: 200, delta: 1, seed: 1))
        let b = try XCTUnwrap(SubsetCurve(pairValues: values, draws: 200, delta: 1, seed: 2))
        for (p, q) in zip(a.points, b.points) {
            if p.exhaustive {
                XCTAssertEqual(p.mean, a.full, accuracy: 1e-9, "n=\(p.n)")
                XCTAssertEqual(p, q)
            } else {
                XCTAssertNotEqual(p.mean, q.mean, "n=\(p.n): the seed must matter where subsets are drawn")
            }
        }
        XCTAssertNil(SubsetCurve(pairValues: [1, 2], draws: 10, delta: 1, seed: 0), "2 values are not C(N, 2) for any N")
    }
}
