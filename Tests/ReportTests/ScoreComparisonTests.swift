import TestSupport
import XCTest
import SCSReport
import SCSScoring
import SCSStats

/// Comparing score files from Swift, without the command line.
final class ScoreComparisonTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTemporaryDirectory("scs-comparison") }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func scores(_ name: String, _ rows: [(String, String, Double)], bf16: Bool = false) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let provenance = ScoreProvenance(backbone: .clip, fingerprint: "f", precision: bf16 ? .bf16 : .fp32, preprocessing: .clip)
        try ScoresFile.write(
            rows.map { GroupScore(model: $0.0, prompt: $0.1, nImages: 2, nPairs: 1, scs: $0.2, pairSD: 0, pairMin: $0.2, pairMax: $0.2) },
            provenance: provenance, to: path)
        return path
    }

    func testTwoModelsPairedByPrompt() throws {
        let a = try scores("a.csv", (0..<8).map { ("A", "p\($0)", 70 + Double($0)) })
        let b = try scores("b.csv", (0..<8).map { ("B", "p\($0)", 60 + Double($0 % 3)) })
        let table = try CompareInput.scores(at: [a, b])
        XCTAssertEqual(table.models, ["A", "B"])
        let sides = try ScoreComparison.pair(table, a: "A", b: "B")
        XCTAssertEqual(sides.pairing.pairs.count, 8)
        let (comparison, json) = try ScoreComparison.compare(sides, resamples: 99)
        XCTAssertTrue(comparison.verdict.hasPrefix("A is more consistent than B"), comparison.verdict)
        guard case .object(let fields) = json else { return XCTFail("not an object") }
        XCTAssertEqual(fields[2].0, "model_a")
        XCTAssertEqual(fields[4].0, "metric")
    }

    func testRefusalsAreTyped() throws {
        let a = try scores("a.csv", [("A", "p", 1), ("B", "p", 2)])
        let other = try scores("bf16.csv", [("C", "p", 1)], bf16: true)
        XCTAssertThrowsError(try CompareInput.scores(at: [a, other])) {
            XCTAssertEqual($0 as? ComparisonSetupError, .differentBackbones(other, a, difference: "precision bf16 vs fp32"))
        }
        let table = try CompareInput.scores(at: [a])
        XCTAssertThrowsError(try ScoreComparison.pair(table, a: "A", b: "A")) {
            XCTAssertEqual($0 as? ComparisonSetupError, .sameModelUnpaired("A"))
        }
        XCTAssertThrowsError(try ScoreComparison.compare(table, models: ["A", "B", "A"])) {
            XCTAssertEqual($0 as? ComparisonSetupError, .modelNamedTwice("A"))
        }
        XCTAssertThrowsError(try CompareInput.scores(at: [a], metric: .vendi)) {
            XCTAssertEqual($0 as? ScoresFileError, ScoresFileError(path: a, line: 1, .missingColumn("vendi")))
        }
    }
}
