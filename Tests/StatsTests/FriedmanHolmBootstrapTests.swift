import Foundation
import SCSStats
import XCTest

/// The multi-model statistics and the bootstrap: scipy.stats.friedmanchisquare (friedman.json),
/// Holm's adjustment (holm.json, Holm 1979 written out in the oracle script), the documented
/// xoshiro256** stream and scipy.stats.bootstrap's percentile and BCa intervals given the same
/// bootstrap distribution (bootstrap.json).
final class FriedmanHolmBootstrapTests: XCTestCase {
    func testFriedman() throws { try MultiParity.friedman(ErrorLedger()) }
    func testHolm() throws { try MultiParity.holm(ErrorLedger()) }
    func testBootstrapIntervals() throws { try MultiParity.bootstrap(ErrorLedger()) }

    /// The generator's raw output and its bounded indices, bit for bit.
    func testXoshiroStream() throws {
        let fixture = try Oracle.load("bootstrap.json")
        for stream in try XCTUnwrap(fixture["streams"] as? [[String: Any]]) {
            let seed = try XCTUnwrap(UInt64(try XCTUnwrap(stream["seed"] as? String)))
            var g = Xoshiro256StarStar(seed: seed)
            let first = (stream["first"] as? [String] ?? []).compactMap { UInt64($0) }
            XCTAssertEqual(first.count, 8)
            XCTAssertEqual((0..<8).map { _ in g.next() }, first, "seed \(seed)")
            var h = Xoshiro256StarStar(seed: seed)
            XCTAssertEqual((0..<10).map { _ in h.index(below: 7) }, stream["indices_below_7"] as? [Int], "seed \(seed)")
        }
        let indices = try XCTUnwrap(fixture["index_stream"] as? [String: Any])
        var g = Xoshiro256StarStar(seed: UInt64(try XCTUnwrap(indices["seed"] as? Int)))
        let bounds = try XCTUnwrap(indices["bounds"] as? [Any]).compactMap { Oracle.number($0) }.map { Int($0) }
        let expected = try XCTUnwrap(indices["indices"] as? [String])
        XCTAssertEqual(bounds.map { String(g.index(below: $0)) }, expected)
    }

    /// Degenerate data: a constant difference has no BCa interval (the jackknife has no spread);
    /// a single pair has no bootstrap at all (SciPy needs 2 observations).
    func testBootstrapDegenerateCases() {
        let constant = EffectSizes(a: [3, 4, 5, 6], b: [1, 2, 3, 4], resamples: 300, seed: 0)
        XCTAssertEqual(constant.percentileCI.low, 2)
        XCTAssertEqual(constant.percentileCI.high, 2)
        XCTAssertNotNil(constant.bcaCI.notComputable)
        let single = EffectSizes(a: [3], b: [1], resamples: 300, seed: 0)
        XCTAssertNotNil(single.percentileCI.notComputable)
        XCTAssertNil(single.cohensDz)
    }

    /// The same seed gives the same interval; another seed another one.
    func testSeedReproducibility() {
        let a = (0..<40).map { 70 + sin(Double($0)) * 5 }, b = (0..<40).map { 68 + cos(Double($0) * 1.3) * 5 }
        let one = EffectSizes(a: a, b: b, resamples: 999, seed: 5), again = EffectSizes(a: a, b: b, resamples: 999, seed: 5)
        let other = EffectSizes(a: a, b: b, resamples: 999, seed: 6)
        XCTAssertEqual(one.bcaCI, again.bcaCI)
        XCTAssertNotEqual(one.bcaCI, other.bcaCI)
    }
}

/// The comparisons behind FriedmanHolmBootstrapTests, shared with the error report.
enum MultiParity {
    static func friedman(_ ledger: ErrorLedger) throws {
        for c in try XCTUnwrap(try Oracle.load("friedman.json")["cases"] as? [[String: Any]]) {
            let name = c["name"] as? String ?? "?"
            let blocks = (c["blocks"] as? [Any] ?? []).map { Oracle.numbers($0) }
            let expected = try XCTUnwrap(c["result"] as? [String: Any])
            let ours = Friedman.test(blocks)
            if expected["error"] != nil || expected["nan"] != nil {
                XCTAssertFalse(ours.isComputable, "\(name): SciPy declines, we give \(ours)")
                continue
            }
            ledger.check("friedmanchisquare.statistic", ours.statistic, Oracle.number(expected["statistic"]), name)
            ledger.check("friedmanchisquare.pvalue", ours.pvalue, Oracle.number(expected["pvalue"]), name)
        }
    }

    static func holm(_ ledger: ErrorLedger) throws {
        for c in try XCTUnwrap(try Oracle.load("holm.json")["cases"] as? [[String: Any]]) {
            let input = (c["pvalues"] as? [Any] ?? []).map { Oracle.number($0) }
            let expected = (c["adjusted"] as? [Any] ?? []).map { Oracle.number($0) }
            let ours = Holm.adjust(input)
            XCTAssertEqual(ours.count, expected.count)
            for (o, e) in zip(ours, expected) { ledger.check("holm", o, e, "\(input)") }
        }
    }

    static func bootstrap(_ ledger: ErrorLedger) throws {
        for c in try XCTUnwrap(try Oracle.load("bootstrap.json")["cases"] as? [[String: Any]]) {
            let name = c["name"] as? String ?? "?"
            let d = Oracle.numbers(c["d"])
            let resamples = try XCTUnwrap(c["resamples"] as? Int), seed = UInt64(try XCTUnwrap(c["seed"] as? Int))
            let distribution = Bootstrap.distribution(d, resamples: resamples, seed: seed)
            let head = Oracle.numbers(c["distribution_head"])
            for (o, e) in zip(distribution, head) { ledger.check("bootstrap.distribution", o, e, name) }
            let percentile = Bootstrap.percentileInterval(distribution), bca = Bootstrap.bcaInterval(d, distribution)
            let p = Oracle.numbers(c["percentile"]), b = Oracle.numbers(c["bca"])
            ledger.check("bootstrap.percentile", percentile.low, p.first, name + " low")
            ledger.check("bootstrap.percentile", percentile.high, p.last, name + " high")
            ledger.check("bootstrap.bca", bca.low, b.first, name + " low")
            ledger.check("bootstrap.bca", bca.high, b.last, name + " high")
        }
    }

    static func all(_ ledger: ErrorLedger) throws {
        try friedman(ledger); try holm(ledger); try bootstrap(ledger)
    }
}

/// Prints the worst relative error against SciPy for every function, over every fixture.
final class ParityReportTests: XCTestCase {
    func testWorstRelativeErrorReport() throws {
        let ledger = ErrorLedger()
        try SpecialParity.all(ledger)
        try TestParity.all(ledger)
        try MultiParity.all(ledger)
        print(
            "Worst relative error vs SciPy 1.17 over \(ledger.comparisons) comparisons (tolerance 1e-9; |value| < 1e-300 excluded):\n" + ledger.report
        )
        let overall = ledger.worst.values.map(\.error).max() ?? .infinity
        XCTAssertLessThanOrEqual(overall, Oracle.relativeTolerance, "see the report above")
    }
}
