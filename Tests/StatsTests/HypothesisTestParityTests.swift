import Foundation
import SCSStats
import XCTest

/// Every test `scs compare` runs, on the 100-odd samples of tests.json, against SciPy 1.17 with
/// default arguments: scipy.stats.ks_2samp, wilcoxon, ttest_rel, ttest_ind(equal_var=False),
/// mannwhitneyu, shapiro, kstest(x, "norm", args=(mean, std(ddof=1))). The samples cover n = 1 to
/// 5, the permutation range (n ≤ 13), the exact ranges, n = 100 and beyond, ties, zero
/// differences, identical samples, constant shifts, p-values from 1 down to 1e-115.
final class HypothesisTestParityTests: XCTestCase {
    func testKS2Samp() throws { try TestParity.run(["ks_2samp"], ErrorLedger()) }
    func testWilcoxon() throws { try TestParity.run(["wilcoxon"], ErrorLedger()) }
    func testTTestRel() throws { try TestParity.run(["ttest_rel"], ErrorLedger()) }
    func testTTestIndWelch() throws { try TestParity.run(["ttest_ind"], ErrorLedger()) }
    func testMannWhitneyU() throws { try TestParity.run(["mannwhitneyu"], ErrorLedger()) }
    func testShapiro() throws { try TestParity.run(["shapiro_a", "shapiro_b"], ErrorLedger()) }
    func testKSNormality() throws { try TestParity.run(["kstest_norm_a", "kstest_norm_b"], ErrorLedger()) }

    /// numpy.mean, median, std(ddof=1), min, max, percentile 25/75 of each side and of the
    /// differences.
    func testDescriptives() throws { try TestParity.descriptives(ErrorLedger()) }

    /// Mean and median difference, Cohen's dz, rank-biserial and win rate against their
    /// definitions evaluated by numpy / scipy.stats.rankdata in the oracle script.
    func testEffectSizes() throws { try TestParity.effects(ErrorLedger()) }

    /// PairedComparison runs exactly these functions on its pairs.
    func testPairedComparisonUsesTheSameTests() {
        let x = [71.2, 68.4, 70.1, 66.0, 73.3, 69.9, 70.0], y = [69.0, 68.4, 67.5, 66.2, 70.1, 69.0, 65.3]
        let c = PairedComparison(a: "A", b: "B", x: x, y: y, resamples: 200, seed: 1)
        XCTAssertEqual(c[test: "wilcoxon"], Wilcoxon.test(x, y))
        XCTAssertEqual(c[test: "ttest_ind"], TTest.welch(x, y))
        XCTAssertEqual(c[test: "shapiro_b"], ShapiroWilk.test(y))
        XCTAssertEqual(
            c.tests.map(\.key),
            [
                "ks_2samp", "wilcoxon", "ttest_rel", "ttest_ind", "mannwhitneyu",
                "shapiro_a", "shapiro_b", "kstest_norm_a", "kstest_norm_b"
            ])
    }
}

/// The comparisons behind HypothesisTestParityTests, shared with the error report.
enum TestParity {
    static func cases() throws -> [[String: Any]] {
        try XCTUnwrap(try Oracle.load("tests.json")["cases"] as? [[String: Any]])
    }

    static func ours(_ key: String, _ x: [Double], _ y: [Double]) -> TestResult {
        switch key {
        case "ks_2samp": return KolmogorovSmirnov.twoSample(x, y)
        case "wilcoxon": return Wilcoxon.test(x, y)
        case "ttest_rel": return TTest.paired(x, y)
        case "ttest_ind": return TTest.welch(x, y)
        case "mannwhitneyu": return MannWhitney.test(x, y)
        case "shapiro_a": return ShapiroWilk.test(x)
        case "shapiro_b": return ShapiroWilk.test(y)
        case "kstest_norm_a": return KolmogorovSmirnov.normality(x)
        case "kstest_norm_b": return KolmogorovSmirnov.normality(y)
        default: fatalError("unknown test \(key)")
        }
    }

    /// Compares our results for `keys` with SciPy's on every case. SciPy's refusals (an
    /// exception, NaN, or shapiro's "range zero" warning with its meaningless W = p = 1) must
    /// come out as "not computable" with a reason.
    static func run(_ keys: [String], _ ledger: ErrorLedger, file: StaticString = #filePath, line: UInt = #line) throws {
        var checked = 0
        for c in try cases() {
            let name = c["name"] as? String ?? "?"
            let x = Oracle.numbers(c["x"]), y = Oracle.numbers(c["y"])
            let results = c["results"] as? [String: [String: Any]] ?? [:]
            for key in keys {
                guard let expected = results[key] else { continue }
                let result = ours(key, x, y)
                checked += 1
                if expected["error"] != nil || expected["nan"] != nil || expected["warning"] != nil {
                    XCTAssertFalse(result.isComputable, "\(key) on \(name): SciPy declines (\(expected)), we give \(result)", file: file, line: line)
                    if !result.isComputable { XCTAssertFalse(result.notComputable!.isEmpty, file: file, line: line) }
                    continue
                }
                XCTAssertTrue(
                    result.isComputable, "\(key) on \(name): not computable (\(result.notComputable ?? "")), SciPy \(expected)", file: file,
                    line: line)
                let test = key.hasPrefix("shapiro") ? "shapiro" : key.hasPrefix("kstest") ? "kstest_norm" : key
                ledger.check("\(test).statistic", result.statistic, Oracle.number(expected["statistic"]), name, file: file, line: line)
                ledger.check("\(test).pvalue", result.pvalue, Oracle.number(expected["pvalue"]), name, file: file, line: line)
                if let df = Oracle.number(expected["df"]) {
                    ledger.check("\(test).df", result.extra["df"], df, name, file: file, line: line)
                }
            }
        }
        XCTAssertGreaterThan(checked, 50, "too few cases in tests.json", file: file, line: line)
    }

    static func descriptives(_ ledger: ErrorLedger) throws {
        for c in try cases() {
            let name = c["name"] as? String ?? "?"
            let x = Oracle.numbers(c["x"]), y = Oracle.numbers(c["y"])
            let expected = c["descriptives"] as? [String: [String: Any]] ?? [:]
            var sides = [("a", x), ("b", y)]
            if expected["difference"] != nil { sides.append(("difference", zip(x, y).map { $0 - $1 })) }
            for (side, values) in sides {
                let e = try XCTUnwrap(expected[side]), d = try XCTUnwrap(Descriptives(values))
                XCTAssertEqual(d.n, e["n"] as? Int)
                for (field, ours) in [
                    ("mean", d.mean), ("median", d.median), ("min", d.min), ("max", d.max),
                    ("q1", d.q1), ("q3", d.q3)
                ] {
                    ledger.check("descriptives.\(field)", ours, Oracle.number(e[field]), "\(name) \(side)")
                }
                ledger.check("descriptives.sd", d.sd, Oracle.number(e["sd"]), "\(name) \(side)")
            }
        }
    }

    static func effects(_ ledger: ErrorLedger) throws {
        for c in try cases() where c["effect"] != nil {
            let name = c["name"] as? String ?? "?"
            let x = Oracle.numbers(c["x"]), y = Oracle.numbers(c["y"])
            let e = try XCTUnwrap(c["effect"] as? [String: Any])
            let ours = EffectSizes(a: x, b: y, resamples: 0, seed: 0)
            ledger.check("effect.mean_difference", ours.meanDifference, Oracle.number(e["mean_difference"]), name)
            ledger.check("effect.median_difference", ours.medianDifference, Oracle.number(e["median_difference"]), name)
            ledger.check("effect.cohens_dz", ours.cohensDz, Oracle.number(e["cohens_dz"]), name)
            ledger.check("effect.rank_biserial", ours.rankBiserial, Oracle.number(e["rank_biserial"]), name)
            ledger.check("effect.win_rate", ours.winRate, Oracle.number(e["win_rate"]), name)
            XCTAssertEqual(ours.wins, e["wins"] as? Int, name)
            XCTAssertEqual(ours.losses, e["losses"] as? Int, name)
        }
    }

    static func all(_ ledger: ErrorLedger) throws {
        try run(
            [
                "ks_2samp", "wilcoxon", "ttest_rel", "ttest_ind", "mannwhitneyu", "shapiro_a", "shapiro_b",
                "kstest_norm_a", "kstest_norm_b"
            ], ledger)
        try descriptives(ledger)
        try effects(ledger)
    }
}
