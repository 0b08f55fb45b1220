import Foundation
import SCSStats
import XCTest

/// The comparison layer: the score table's checks, the JSON document's fields (named after
/// SciPy's functions, as the issue specifies), the verdict in plain words, and more than two
/// models with Holm's adjustment and the Friedman test.
final class ComparisonTests: XCTestCase {
    /// Deterministic SCS-like scores: B about `shift` below A, with spread.
    func scores(_ n: Int, shift: Double) -> (a: [Double], b: [Double]) {
        let a = (0..<n).map { 68 + 6 * sin(Double($0) * 1.7) }
        let b = a.enumerated().map { $1 - shift + 3 * cos(Double($0) * 2.3) }
        return (a, b)
    }

    func testScoreTableRejectsDuplicatesAndNonFiniteScores() {
        XCTAssertThrowsError(try ScoreTable([PromptScore(model: "m", prompt: "p", score: 1), PromptScore(model: "m", prompt: "p", score: 2)])) {
            XCTAssertTrue("\($0)".contains("scored twice"), "\($0)")
        }
        XCTAssertThrowsError(try ScoreTable([PromptScore(model: "m", prompt: "p", score: .nan)])) {
            XCTAssertTrue("\($0)".contains("not a number"), "\($0)")
        }
        let table = try? ScoreTable([PromptScore(model: "m", prompt: "p", score: 1)])
        XCTAssertThrowsError(try table?.require("x")) { XCTAssertTrue("\($0)".contains("models: m"), "\($0)") }
    }

    func testJSONHasTheIssuesFields() throws {
        let (a, b) = scores(40, shift: 3)
        let c = PairedComparison(a: "pixart", b: "SDXL", x: a, y: b, resamples: 500, seed: 3)
        let json = c.json()
        XCTAssertEqual(json["a"], .string("pixart"))
        XCTAssertEqual(json["n_pairs"], .integer(40))
        for key in ["ks_2samp", "wilcoxon", "ttest_rel", "ttest_ind", "mannwhitneyu", "shapiro_a", "shapiro_b", "kstest_norm_a", "kstest_norm_b"] {
            let test = try XCTUnwrap(json["tests"]?[key], key)
            guard case .number = test["statistic"], case .number = test["pvalue"] else { return XCTFail("\(key): \(test)") }
        }
        XCTAssertEqual(json["tests"]?["kstest_norm_a"]?["scale_ddof"], .number(1))
        for key in ["mean_difference", "ci_percentile", "ci_bca", "cohens_dz", "rank_biserial", "win_rate"] {
            XCTAssertNotNil(json["effect"]?[key], key)
        }
        XCTAssertEqual(json["descriptives"]?["a"]?["sd_ddof"], .integer(1))
        // The serialized text parses as JSON.
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.serialized().utf8)))
    }

    func testVerdictInPlainWords() {
        let (a, b) = scores(60, shift: 4)
        let c = PairedComparison(a: "pixart", b: "SDXL", x: a, y: b, resamples: 999, seed: 0)
        XCTAssertTrue(c.verdict.hasPrefix("pixart is more consistent than SDXL: +"), c.verdict)
        XCTAssertTrue(c.verdict.hasSuffix(", 60 prompts"), c.verdict)
        XCTAssertTrue(c.verdict.contains("Wilcoxon p = "), c.verdict)
        let reversed = PairedComparison(a: "SDXL", b: "pixart", x: b, y: a, resamples: 999, seed: 0)
        XCTAssertTrue(reversed.verdict.hasPrefix("pixart is more consistent than SDXL: -"), reversed.verdict)
        let (c1, c2) = scores(30, shift: 0)
        let none = PairedComparison(a: "A", b: "B", x: c1, y: c2, resamples: 200, seed: 0)
        XCTAssertTrue(none.verdict.hasPrefix("no significant difference in consistency between A and B"), none.verdict)
    }

    /// A column where lower is better (the Vendi Score counts distinct images): the side with the
    /// lower values is the more consistent one, in both verdicts.
    func testVerdictFollowsTheReading() {
        let (a, b) = scores(60, shift: 4)
        var c = PairedComparison(a: "pixart", b: "SDXL", x: a, y: b, resamples: 999, seed: 0)
        c.reading = ScoreReading(unit: "vendi", quality: "consistent", noun: "consistency", higherIsBetter: false)
        XCTAssertTrue(c.verdict.hasPrefix("SDXL is more consistent than pixart: +"), c.verdict)
        XCTAssertTrue(c.verdict.contains(" vendi "), c.verdict)
        let table = try! ScoreTable(
            (0..<60).flatMap { i in
                [
                    PromptScore(model: "hi", prompt: "p\(i)", score: a[i] + 20), PromptScore(model: "mid", prompt: "p\(i)", score: a[i] + 10),
                    PromptScore(model: "lo", prompt: "p\(i)", score: a[i])
                ]
            })
        let lower = MultiComparison(
            table: table, models: ["hi", "mid", "lo"], resamples: 99, seed: 0,
            reading: ScoreReading(unit: "vendi", quality: "consistent", noun: "consistency", higherIsBetter: false))
        XCTAssertTrue(lower.verdict.hasPrefix("lo is the most consistent of 3 models"), lower.verdict)
        XCTAssertTrue(lower.significantPairs.contains("lo > hi"), "\(lower.significantPairs)")
        let higher = MultiComparison(table: table, models: ["hi", "mid", "lo"], resamples: 99, seed: 0)
        XCTAssertTrue(higher.verdict.hasPrefix("hi is the most consistent of 3 models"), higher.verdict)
    }

    func testTooFewPairsSaysWhyPerTest() {
        let c = PairedComparison(a: "A", b: "B", x: [70, 71], y: [69, 72], resamples: 100, seed: 0)
        XCTAssertEqual(c[test: "shapiro_a"]?.notComputable, "needs at least 3 observations, got 2")
        XCTAssertNotNil(c[test: "ttest_rel"]?.statistic)
        XCTAssertEqual(c.json()["tests"]?["shapiro_b"]?["statistic"], .null)
        let same = PairedComparison(
            a: "A", b: "B", x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
            y: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], resamples: 100, seed: 0)
        XCTAssertEqual(same[test: "wilcoxon"]?.notComputable, "all differences are zero")
        XCTAssertTrue(same.verdict.contains("cannot be compared: all differences are zero"), same.verdict)
    }

    func testPValueFormat() {
        XCTAssertEqual(Format.pvalue(2.04e-9), "2e-9")
        XCTAssertEqual(Format.pvalue(0.0412), "0.041")
        XCTAssertEqual(Format.pvalue(0), "< 1e-300")
        XCTAssertEqual(Format.pvalue(1), "1")
        XCTAssertEqual(JSONValue.double(.infinity).serialized(), "\"inf\"")
        XCTAssertEqual(JSONValue.string("a \"q\"\n").serialized(), "\"a \\\"q\\\"\\n\"")
    }

    func testThreeModelsHolmAndFriedman() throws {
        var rows: [PromptScore] = []
        for i in 0..<40 {
            let base = 66 + 5 * sin(Double(i))
            rows.append(PromptScore(model: "SDXL", prompt: "p\(i)", score: base + cos(Double(i) * 3)))
            rows.append(PromptScore(model: "pixart", prompt: "p\(i)", score: base + 4 + cos(Double(i) * 5)))
            if i < 30 { rows.append(PromptScore(model: "flux", prompt: "p\(i)", score: base + 1 + sin(Double(i) * 7))) }
        }
        rows.append(PromptScore(model: "flux", prompt: "flux only", score: 50))
        let m = MultiComparison(table: try ScoreTable(rows), models: ["SDXL", "pixart", "flux"], resamples: 300, seed: 0)
        XCTAssertEqual(m.entries.count, 3)
        XCTAssertEqual(m.sharedPrompts.count, 30)
        XCTAssertEqual(m.friedman.extra["n_prompts"], 30)
        let raw = m.entries.map { $0.comparison![test: "wilcoxon"]!.pvalue! }
        let holm = m.entries.map { $0.comparison![test: "wilcoxon"]!.extra["pvalue_holm"]! }
        XCTAssertEqual(holm, Holm.adjust(raw).map { $0! })
        XCTAssertTrue(zip(raw, holm).allSatisfy { $1 >= $0 })
        XCTAssertTrue(m.verdict.hasPrefix("pixart is the most consistent of 3 models"), m.verdict)
        XCTAssertEqual(m.entries[2].pairing.onlyB, ["flux only"])
        XCTAssertNotNil(m.json["comparisons"])
    }
}
