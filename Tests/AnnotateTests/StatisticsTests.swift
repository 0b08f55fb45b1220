import Foundation
@testable import SCSAnnotate
import TestSupport
import XCTest

/// Wilson, the exact binomial test, Fleiss' and Cohen's kappa against
/// Tests/Fixtures/annotate/statistics.json (scripts/oracle/make_annotate_fixtures.py: SciPy's
/// binomtest, and the kappas' textbook formulas in plain numpy).
final class StatisticsTests: XCTestCase {
    lazy var fixture: [String: Any] = {
        (try? loadJSON(TestPaths.fixtures.appendingPathComponent("annotate/statistics.json"))) as? [String: Any] ?? [:]
    }()

    func close(_ a: Double?, _ b: Any?, relative: Double = 1e-9, _ message: String) {
        guard let expected = (b as? NSNumber)?.doubleValue else {
            XCTAssertNil(a, "\(message): expected undefined")
            return
        }
        guard let a else { return XCTFail("\(message): nil, expected \(expected)") }
        XCTAssertEqual(a, expected, accuracy: max(abs(expected) * relative, 1e-15), message)
    }

    func testBinomialAndWilsonMatchSciPy() throws {
        let cases = try XCTUnwrap(fixture["binomial"] as? [[String: Any]])
        XCTAssertGreaterThan(cases.count, 30)
        for c in cases {
            let k = (c["k"] as! NSNumber).intValue, n = (c["n"] as! NSNumber).intValue
            close(AgreementStatistics.binomialTwoSided(successes: k, trials: n), c["pvalue"], relative: 1e-9, "binomtest(\(k), \(n))")
            let ci = AgreementStatistics.wilson(successes: k, trials: n)
            close(ci?.low, c["wilson_low"], relative: 1e-12, "wilson low (\(k), \(n))")
            close(ci?.high, c["wilson_high"], relative: 1e-12, "wilson high (\(k), \(n))")
        }
        XCTAssertNil(AgreementStatistics.binomialTwoSided(successes: 0, trials: 0))
        XCTAssertNil(AgreementStatistics.wilson(successes: 0, trials: 0))
    }

    func testFleissKappaMatchesTheTextbookFormula() throws {
        let cases = try XCTUnwrap(fixture["fleiss"] as? [[String: Any]])
        for c in cases {
            let counts = (c["counts"] as! [[NSNumber]]).map { $0.map(\.intValue) }
            close(AgreementStatistics.fleissKappa(counts), c["kappa"], relative: 1e-12, "fleiss \(counts.prefix(3))")
        }
    }

    func testCohenKappaMatchesTheTextbookFormula() throws {
        let cases = try XCTUnwrap(fixture["cohen"] as? [[String: Any]])
        for c in cases {
            let a = c["a"] as! [String], b = c["b"] as! [String]
            close(AgreementStatistics.cohenKappa(a, b), c["kappa"], relative: 1e-12, "cohen \(a.prefix(4)) \(b.prefix(4))")
        }
    }
}
