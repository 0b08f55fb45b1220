import Foundation
@testable import SCSAnnotate
import TestSupport
import XCTest

/// Which measure agrees best with people: the ranking, the exact McNemar test, the paired bootstrap,
/// and the two-alternative forced-choice export, from the library and from the binary.
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
        return Measure(name: name, path: name + ".csv", column: higherIsConsistent ? "scs" : "vendi", higherIsConsistent: higherIsConsistent, scores: scores)
    }

    func testRankingMcNemarAndBootstrap() throws {
        let majority = Dictionary(uniqueKeysWithValues: prompts.enumerated().map { ($1, $0 % 3 == 0 ? "B" : "A") })
        let best = measure("best", right: Set(0..<10), majority: majority)
        let weak = measure("weak", right: [0, 1, 2, 3], majority: majority)
        let inverted = measure("vendi", right: Set(0..<9), majority: majority, higherIsConsistent: false)
        let r = MeasureRanking.analyse(majority: majority, promptOrder: prompts, modelA: "A", modelB: "B",
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
        let again = MeasureRanking.analyse(majority: majority, promptOrder: prompts, modelA: "A", modelB: "B",
                                           measures: [weak, inverted, best], resamples: 2000, seed: 7)
        XCTAssertEqual(again.pairs.map(\.ciLow), r.pairs.map(\.ciLow))
    }

    /// scipy.stats.binomtest(7, 9, 0.5).pvalue = 2·(36 + 9 + 1)/512, the exact McNemar p of 7 against 2.
    func testMcNemarIsTheTwoSidedBinomialTest() {
        XCTAssertEqual(AgreementStatistics.binomialTwoSided(successes: 7, trials: 9)!, 92.0 / 512, accuracy: 1e-15)
        XCTAssertEqual(AgreementStatistics.binomialTwoSided(successes: 2, trials: 9)!, 92.0 / 512, accuracy: 1e-15)
    }

    func testAgreementCommandRanksScoreFilesAndExportsTwoAFC() async throws {
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else { throw XCTSkip("the scs binary is not built (swift build)") }
        let names = ["p1", "p2", "p3", "p4"]
        let fixture = try StudyFixture.make(prompts: names, images: 3)
        defer { fixture.remove() }
        let db = fixture.studyPath
        XCTAssertEqual(try CLIRunner.run(["annotate", "init", db, "--dataset", fixture.dataset.path, "--models", "SDXL,pixart",
                                          "--images-per-side", "3"]).status, 0)
        for name in ["alice", "bob", "carol"] { _ = try CLIRunner.run(["annotate", "invite", db, "--name", name]) }
        // Everyone prefers SDXL on p1 and p2, pixart on p3 and p4.
        let study = try Study.open(at: db)
        for annotator in try study.annotators() {
            while let trial = try await study.nextTrial(for: annotator) {
                let wanted = ["p1", "p2"].contains(trial.prompt.text) ? "SDXL" : "pixart"
                _ = try await study.record(annotator: annotator, promptID: trial.prompt.id, choice: trial.leftModel == wanted ? .left : .right)
            }
        }
        let a = fixture.root.appendingPathComponent("a.csv"), b = fixture.root.appendingPathComponent("b.csv")
        // a: SCS picks the majority on all four; b's vendi (lower = more consistent) on p1 only.
        try "model,prompt,scs,vendi\nSDXL,p1,80,1.1\npixart,p1,70,1.5\nSDXL,p2,80,1.9\npixart,p2,70,1.5\nSDXL,p3,60,1.2\npixart,p3,70,1.5\nSDXL,p4,60,1.2\npixart,p4,70,1.5\n"
            .write(to: a, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: a, to: b)
        let json = fixture.root.appendingPathComponent("ranking.json").path
        let r = try CLIRunner.run(["annotate", "agreement", db, "--scores", a.path, "--scores", b.path + ":vendi", "--json", json, "--bootstrap", "999"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("1. a: 4 of 4 = 100.0%"), r.stdout)
        XCTAssertTrue(r.stdout.contains("2. b:vendi: 1 of 4 = 25.0%") && r.stdout.contains("[lower = more consistent]"), r.stdout)
        XCTAssertTrue(r.stdout.contains("a − b:vendi: +75.0 points on 4 prompts") && r.stdout.contains("McNemar p = 0.25"), r.stdout)
        let ranking = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        XCTAssertEqual((ranking["ranking"] as? [[String: Any]])?.count, 2)

        let out = fixture.root.appendingPathComponent("pairs.jsonl").path
        let export = try CLIRunner.run(["annotate", "export", db, "--out", out, "--format", "2afc"])
        XCTAssertEqual(export.status, 0, export.stderr)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 12)
        let first = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual((first["files_a"] as? [String])?.count, 3)
        XCTAssertEqual((first["files_b"] as? [String])?.count, 3)
        XCTAssertTrue((first["files_a"] as? [String])?.allSatisfy { $0.contains("/SDXL/") } == true)
        let choice = first["choice"] as? String, prompt = first["prompt"] as? String
        XCTAssertEqual(choice, ["p1", "p2"].contains(prompt ?? "") ? "a" : "b")
        XCTAssertNotNil(first["annotator"] as? String)
    }
}
