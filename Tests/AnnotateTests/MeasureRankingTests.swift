import Foundation
@testable import SCSAnnotate
import TestSupport
import XCTest

/// Which measure agrees best with people: the ranking, the exact McNemar test, the paired bootstrap,
/// and the two-alternative forced-choice export, from the library (the binary: CLITests/AnnotateAgreementCommandTests).
final class MeasureRankingTests: XCTestCase {
    let prompts = (1...10).map { "p\($0)" }

    /// A measure whose pick is the human majority on the prompts in `right` and the other model elsewhere.
    func measure(_ name: String, right: Set<Int>, majority: [String: String], higherIsConsistent: Bool = true) -> Measure {
        var scores: [String: [String: Double]] = ["A": [:], "B": [:]]
        for (i, p) in prompts.enumerated() {
            let pick = right.contains(i) ? majority[p]! : (majority[p]! == "A" ? "B" : "A")
            let high = higherIsConsistent ? 2.0 : 1.0, low = higherIsConsistent ? 1.0 : 2.0
            scores[pick]![p] = high
            scores[pick == "A" ? "B" : "A"]![p] = low
        }
        return Measure(
            name: name, path: name + ".csv", column: higherIsConsistent ? "scs" : "vendi", higherIsConsistent: higherIsConsistent, scores: scores)
    }

    func testRankingMcNemarAndBootstrap() throws {
        let majority = Dictionary(uniqueKeysWithValues: prompts.enumerated().map { ($1, $0 % 3 == 0 ? "B" : "A") })
        let best = measure("best", right: Set(0..<10), majority: majority)
        let weak = measure("weak", right: [0, 1, 2, 3], majority: majority)
        let inverted = measure("vendi", right: Set(0..<9), majority: majority, higherIsConsistent: false)
        let r = MeasureRanking.analyse(
            majority: majority, promptOrder: prompts, modelA: "A", modelB: "B",
            measures: [weak, inverted, best], resamples: 2000, seed: 7)
        XCTAssertEqual(r.ranking.map(\.measure), ["best", "vendi", "weak"])
        XCTAssertEqual(r.ranking.map(\.agree), [10, 9, 4])
        let wilson = AgreementStatistics.wilson(successes: 4, trials: 10)!
        XCTAssertEqual(r.ranking[2].ciLow!, wilson.low, accuracy: 1e-15)

        // weak vs best: only best right on 6 prompts, never the other way: binomtest(6, 6) = 2 / 2^6.
        let pair = try XCTUnwrap(r.pairs.first { $0.a == "weak" && $0.b == "best" })
        XCTAssertEqual([pair.bothRight, pair.onlyARight, pair.onlyBRight, pair.bothWrong], [4, 0, 6, 0])
        XCTAssertEqual(pair.mcnemarP!, 0.03125, accuracy: 1e-15)
        XCTAssertEqual(pair.difference!, -0.6, accuracy: 1e-15)
        XCTAssert(pair.ciLow! <= -0.6 && -0.6 <= pair.ciHigh! && pair.ciHigh! < 0, "\(pair)")
        // weak vs vendi: only vendi right on prompts 4–8 (5), only weak on none: 2 / 2^5.
        let other = try XCTUnwrap(r.pairs.first { $0.a == "weak" && $0.b == "vendi" })
        XCTAssertEqual(other.mcnemarP!, 0.0625, accuracy: 1e-15)
        // Same seed, same interval; resampling is over prompts, both measures together.
        let again = MeasureRanking.analyse(
            majority: majority, promptOrder: prompts, modelA: "A", modelB: "B",
            measures: [weak, inverted, best], resamples: 2000, seed: 7)
        XCTAssertEqual(again.pairs.map(\.ciLow), r.pairs.map(\.ciLow))
    }

    /// scipy.stats.binomtest(7, 9, 0.5).pvalue = 2·(36 + 9 + 1)/512, the exact McNemar p of 7 against 2.
    func testMcNemarIsTheTwoSidedBinomialTest() {
        XCTAssertEqual(AgreementStatistics.binomialTwoSided(successes: 7, trials: 9)!, 92.0 / 512, accuracy: 1e-15)
        XCTAssertEqual(AgreementStatistics.binomialTwoSided(successes: 2, trials: 9)!, 92.0 / 512, accuracy: 1e-15)
    }
}
