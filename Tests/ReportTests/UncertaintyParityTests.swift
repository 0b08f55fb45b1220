import Foundation
import SCSScoring
import SCSStats
import TestSupport
import XCTest

/// ScoreUncertainty, the 95% interval and the model means' standard errors against
/// scripts/oracle/make_uncertainty_fixtures.py, which recomputes every number by brute force
/// (each leave-one-out SCS, every ordered triple and quadruple of images) with numpy and scipy.
final class UncertaintyParityTests: XCTestCase {
    static let tolerance = 1e-9
    /// The largest scaled difference seen, printed for the record.
    nonisolated(unsafe) static var worst = 0.0

    struct Group {
        let name: String
        let embeddings: [[Float]]
        let json: [String: Any]
    }

    func groups() throws -> (groups: [Group], models: [String: [String: Any]]) {
        let url = TestPaths.fixtures.appendingPathComponent("stats/uncertainty.json")
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let list = try XCTUnwrap(root["groups"] as? [[String: Any]])
        let groups = try list.map { g in
            let rows = try XCTUnwrap(g["embeddings"] as? [[Double]])
            return Group(name: try XCTUnwrap(g["name"] as? String), embeddings: rows.map { $0.map(Float.init) }, json: g)
        }
        return (groups, try XCTUnwrap(root["models"] as? [String: [String: Any]]))
    }

    /// Relative error 1e-9, or absolute 1e-9 on values near 0 (an SCS scale of 0–100).
    func close(_ ours: Double?, _ ref: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let ref = ref as? Double else {
            XCTAssertNil(ours, "\(what): expected no value", file: file, line: line)
            return
        }
        guard let ours else { return XCTFail("\(what): no value, expected \(ref)", file: file, line: line) }
        Self.worst = max(Self.worst, abs(ours - ref) / max(1, abs(ref)))
        XCTAssertLessThanOrEqual(abs(ours - ref), Self.tolerance * max(1, abs(ref)), "\(what): \(ours) against \(ref)", file: file, line: line)
    }

    func testGroupsMatchBruteForce() throws {
        let (groups, _) = try groups()
        XCTAssertGreaterThanOrEqual(groups.count, 6)
        for g in groups {
            let u = try XCTUnwrap(ScoreUncertainty(embeddings: g.embeddings), g.name)
            XCTAssertEqual(u.n, g.json["n"] as? Int)
            close(u.scs, g.json["scs"], "\(g.name) scs")
            close(u.jackknifeSE, g.json["se"], "\(g.name) jackknife se")
            let loo = g.json["leave_one_out"] as? [Double] ?? []
            XCTAssertEqual(u.leaveOneOut.count, loo.count, g.name)
            for (i, (ours, ref)) in zip(u.leaveOneOut, loo).enumerated() { close(ours, ref, "\(g.name) U_-\(i)") }
            close(u.zeta1, g.json["zeta1"], "\(g.name) zeta1")
            close(u.zeta2, g.json["zeta2"], "\(g.name) zeta2")
            close(u.unbiasedVariance, g.json["unbiased_variance"], "\(g.name) unbiased variance")
            for (m, ref) in g.json["projected"] as? [String: Double] ?? [:] {
                close(u.projectedStandardError(images: Int(m)!), ref, "\(g.name) projected SE at m = \(m)")
            }
            // The 95% interval as scs score writes it: t_{0.975, n−1} from SCSStats.
            let t = g.json["t"] as? Double
            close(u.jackknifeSE == nil ? nil : StudentT.quantile(0.975, df: Double(u.n - 1)), t, "\(g.name) t quantile")
            let columns = u.columns { StudentT.quantile(0.975, df: Double($0 - 1)) }
            close(columns[.scsSE], g.json["se"], "\(g.name) scs_se")
            close(columns[.scsLow], g.json["lo"], "\(g.name) scs_lo")
            close(columns[.scsHigh], g.json["hi"], "\(g.name) scs_hi")
        }
        print("UncertaintyParityTests: largest |ours − brute force| / max(1, |ref|) = \(Self.worst)")
    }

    func testModelMeansMatchNumPy() throws {
        let (groups, models) = try groups()
        let byName = Dictionary(uniqueKeysWithValues: groups.map { ($0.name, $0) })
        XCTAssertEqual(models.count, 2)
        for (model, ref) in models {
            let names = try XCTUnwrap(ref["prompts"] as? [String])
            let u = try names.map { try XCTUnwrap(ScoreUncertainty(embeddings: byName[$0]!.embeddings)) }
            let m = try XCTUnwrap(ModelMeanUncertainty(model: model, scores: u.map(\.scs), standardErrors: u.map(\.jackknifeSE)))
            XCTAssertEqual(m.prompts, names.count)
            close(m.mean, ref["mean"], "\(model) mean")
            close(m.sePrompts, ref["se_prompts"], "\(model) SE from the prompts")
            close(m.seSeeds, ref["se_seeds"], "\(model) seed part")
            close(m.low, ref["low"], "\(model) interval's low end")
            close(m.high, ref["high"], "\(model) interval's high end")
        }
    }

    /// StudentT.quantile, which the interval uses, against scipy.stats.t.ppf: relative 1e-9
    /// (absolute where the quantile is 0).
    func testStudentTQuantile() throws {
        let url = TestPaths.fixtures.appendingPathComponent("stats/uncertainty.json")
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let grid = try XCTUnwrap(root["t_ppf"] as? [[Double]])
        XCTAssertGreaterThan(grid.count, 100)
        var worst = 0.0
        for row in grid {
            let ours = StudentT.quantile(row[0], df: row[1])
            worst = max(worst, abs(ours - row[2]) / max(abs(row[2]), 1e-300))
            close(ours, row[2], "t.ppf(\(row[0]), \(row[1]))")
        }
        print("StudentT.quantile: largest relative difference from scipy.stats.t.ppf \(worst) over \(grid.count) points")
    }

    /// The committed fixture is what the script writes today (numpy and scipy in the oracle venv).
    func testFixtureRegenerates() throws {
        try assertFixtureRegenerates(script: "make_uncertainty_fixtures.py", fixture: "stats/uncertainty.json")
    }

    /// Edge cases the fixture cannot carry: one value missing, a count that is not C(n, 2).
    func testEdges() {
        XCTAssertNil(ScoreUncertainty(pairValues: [1, 2], images: 3), "3 images have 3 pairs")
        XCTAssertNil(ScoreUncertainty(pairValues: [], images: 1))
        let two = ScoreUncertainty(pairValues: [40], images: 2)
        XCTAssertEqual(two?.scs, 40)
        XCTAssertNil(two?.jackknifeSE)
        XCTAssertEqual(two?.columns { _ in 2 }, [:], "no SE for two images: empty cells")
        XCTAssertNil(ModelMeanUncertainty(model: "m", scores: [1, 2], standardErrors: [1, nil])?.seSeeds)
        XCTAssertNil(ModelMeanUncertainty(model: "m", scores: [1], standardErrors: [1])?.sePrompts)
        XCTAssertEqual(StudentT.quantile(0.5, df: 3), 0)
        // Symmetric up to 1 − 0.975 ≠ 0.025 in binary (2e-17 apart).
        XCTAssertEqual(StudentT.quantile(0.025, df: 7), -StudentT.quantile(0.975, df: 7), accuracy: 1e-13)
    }
}
