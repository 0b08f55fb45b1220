import Foundation
import SCSReport
import SCSScoring
import SCSStats
import TestSupport
import XCTest

/// `scs compare --by category` against SciPy's tests per category and a brute-force Holm
/// adjustment across them (scripts/oracle/make_category_fixtures.py).
final class CategoryComparisonTests: XCTestCase {
    let folder = TestPaths.fixtures.appendingPathComponent("stats/categories")

    func testPerCategoryTestsAndHolmAdjustmentMatchTheOracle() throws {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let categories = try XCTUnwrap(expected["categories"] as? [[String: Any]])
        let result = try CategoryComparison.compare(
            paths: [folder.appendingPathComponent("scores.csv").path], a: "A", b: "B", minimumPrompts: 5, resamples: 200, seed: 1)
        XCTAssertEqual(result.entries.map(\.category), categories.map { $0["category"] as! String })
        XCTAssertEqual(result.uncategorised, expected["uncategorised"] as? [String])
        func close(_ actual: Double?, _ wanted: Any?, _ what: String, _ category: String) {
            guard let wanted = wanted as? Double else { return XCTAssertNil(actual, "\(category) \(what)") }
            guard let actual else { return XCTFail("\(category) \(what): nil, expected \(wanted)") }
            XCTAssertEqual(actual, wanted, accuracy: 1e-12 * max(1, abs(wanted)), "\(category) \(what)")
        }
        var adjustedSeen = 0
        for (entry, want) in zip(result.entries, categories) {
            let name = entry.category
            XCTAssertEqual(entry.nPrompts, want["n_prompts"] as? Int, name)
            XCTAssertEqual(entry.comparison == nil, want["pvalue"] == nil, name)
            close(entry.meanA, want["mean_a"], "mean A", name)
            close(entry.meanB, want["mean_b"], "mean B", name)
            close(entry.meanDifference, want["mean_difference"], "difference", name)
            close(entry.wilcoxonP, want["pvalue"], "wilcoxon p", name)
            close(entry.wilcoxonHolm, want["pvalue_holm"], "wilcoxon Holm", name)
            close(entry.comparison?[test: "ttest_rel"]?.pvalue, want["ttest_rel_pvalue"], "ttest_rel p", name)
            close(entry.ttestHolm, want["ttest_rel_pvalue_holm"], "ttest_rel Holm", name)
            if entry.wilcoxonHolm != nil { adjustedSeen += 1 }
        }
        XCTAssertEqual(adjustedSeen, 4)
        // The small category is reported, not compared; the strong one is significant after Holm.
        let abstract = try XCTUnwrap(result.entries.first { $0.category == "Abstract" })
        XCTAssertEqual(abstract.verdict, "too few prompts (3, fewer than 5): not compared")
        let animals = try XCTUnwrap(result.entries.first { $0.category == "Animals" })
        XCTAssertTrue(animals.significant)
        XCTAssertTrue(animals.verdict.hasPrefix("A is more consistent than B"), animals.verdict)
        XCTAssertEqual(result.entries.filter(\.significant).map(\.category), ["Animals"])
        XCTAssertEqual(result.summary, "5 categories, 4 compared (Holm across them), 1 with a significant difference; 1 with too few prompts")
    }

    func testJSONCarriesEachCategoryAndTheReportReadsIt() throws {
        let result = try CategoryComparison.compare(
            paths: [folder.appendingPathComponent("scores.csv").path], a: "A", b: "B", resamples: 100, seed: 0)
        let dir = try makeTemporaryDirectory("scs-category-compare")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("by-category.json").path
        try Data(result.json.serialized().utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(CategoryComparisonFile.isByCategory(path))
        let file = try CategoryComparisonFile.read(path)
        XCTAssertEqual(file.modelA, "A")
        XCTAssertEqual(file.entries.map(\.category), result.entries.map(\.category))
        XCTAssertEqual(file.entries.map(\.pvalueHolm), result.entries.map(\.wilcoxonHolm))
        XCTAssertEqual(file.entries.map(\.verdict), result.entries.map(\.verdict))
        XCTAssertEqual(file.summary, result.summary)
    }

    func testScoresWithoutCategoriesAreAnErrorNamingTheFile() throws {
        let dir = try makeTemporaryDirectory("scs-category-none")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("scores.csv").path
        try Data("model,prompt,scs\nA,p,1\nB,p,2\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CategoryComparison.compare(paths: [path], a: "A", b: "B")) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path): no category column"), "\(error)")
        }
    }

    func testCategoryTableMeansAndTIntervals() throws {
        let file = try ScoresFile.read(folder.appendingPathComponent("scores.csv").path)
        let table = try XCTUnwrap(CategorySection.table(file, models: ["A", "B"]))
        XCTAssertEqual(table.categories, ["Animals", "Vehicles", "Food & Beverage", "Abstract", "People"])
        XCTAssertEqual(table.uncategorised, 4)
        // A's Animals: 12 paired prompts and one only A scored.
        let cell = try XCTUnwrap(table.cells[0][0])
        let scores = file.rows.filter { $0.model == "A" && $0.category == "Animals" }.map { $0.values[.scs]! }
        XCTAssertEqual(cell.n, 13)
        let mean = scores.reduce(0, +) / 13
        XCTAssertEqual(cell.mean, mean, accuracy: 1e-12)
        // t₀.₉₇₅ with 12 degrees of freedom (scipy.stats.t.ppf(0.975, 12)).
        let sd = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 12).squareRoot()
        XCTAssertEqual(try XCTUnwrap(cell.high) - mean, 2.1788128296672284 * sd / 13.0.squareRoot(), accuracy: 1e-9)
        let svg = CategorySection.figure(table, title: "t")
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 5 * 2 + 2)
    }
}

extension CategoryComparisonTests {
    func testTheReportSectionRefusesComparisonsOfOtherModelsOrScoresWithoutCategories() throws {
        let dir = try makeTemporaryDirectory("scs-category-section")
        defer { try? FileManager.default.removeItem(at: dir) }
        let scoresPath = folder.appendingPathComponent("scores.csv").path
        let result = try CategoryComparison.compare(paths: [scoresPath], a: "A", b: "B", resamples: 50, seed: 0)
        let json = dir.appendingPathComponent("c.json").path
        try Data(result.json.serialized().utf8).write(to: URL(fileURLWithPath: json))
        let split = try CategoryComparisonFile.split([json, "/elsewhere/plain.json"])
        XCTAssertEqual(split.others, ["/elsewhere/plain.json"])
        XCTAssertEqual(split.byCategory.map(\.source), [json])
        var written: [String] = []
        let figure = { (name: String, svg: String) -> String in
            written.append(name)
            return "figures/\(name)"
        }
        let scores = try ScoresFile.read(scoresPath)
        let html = try XCTUnwrap(try CategorySection.section(scores: scores, models: ["A", "B"], comparisons: split.byCategory, figure: figure))
        XCTAssertEqual(written, ["categories.svg"])
        XCTAssertTrue(html.contains("<td>Food &amp; Beverage</td>"), html)
        XCTAssertTrue(html.contains("A vs B, by category"))
        XCTAssertTrue(html.contains("too few prompts (3, fewer than 5): not compared"))
        XCTAssertThrowsError(try CategorySection.section(scores: scores, models: ["A", "C"], comparisons: split.byCategory, figure: figure)) {
            XCTAssertTrue("\($0)".hasPrefix("\(json) compares B, which"), "\($0)")
        }
        let plain = dir.appendingPathComponent("plain.csv").path
        try Data("model,prompt,scs\nA,p,1\nB,p,2\n".utf8).write(to: URL(fileURLWithPath: plain))
        let plainScores = try ScoresFile.read(plain)
        XCTAssertNil(try CategorySection.section(scores: plainScores, models: ["A", "B"], comparisons: [], figure: figure))
        XCTAssertThrowsError(try CategorySection.section(scores: plainScores, models: ["A", "B"], comparisons: split.byCategory, figure: figure)) {
            XCTAssertTrue("\($0)".contains("has no category column"), "\($0)")
        }
    }
}
