import Foundation
import SCSAnnotate
import TestSupport
import XCTest

/// `scs annotate agreement` ranking several score files against people, and `export --format 2afc`,
/// as a user runs them (the built binary); the statistics themselves: AnnotateTests/MeasureRankingTests.
final class AnnotateAgreementCommandTests: XCTestCase {
    func testAgreementCommandRanksScoreFilesAndExportsTwoAFC() async throws {
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else { throw XCTSkip("the scs binary is not built (swift build)") }
        let names = ["p1", "p2", "p3", "p4"]
        let fixture = try StudyFixture.make(prompts: names, images: 3)
        defer { fixture.remove() }
        let db = fixture.studyPath
        XCTAssertEqual(
            try CLIRunner.run([
                "annotate", "init", db, "--dataset", fixture.dataset.path, "--models", "SDXL,pixart",
                "--images-per-side", "3"
            ]).status, 0)
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
        try
            "model,prompt,scs,vendi\nSDXL,p1,80,1.1\npixart,p1,70,1.5\nSDXL,p2,80,1.9\npixart,p2,70,1.5\nSDXL,p3,60,1.2\npixart,p3,70,1.5\nSDXL,p4,60,1.2\npixart,p4,70,1.5\n"
            .write(to: a, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: a, to: b)
        let json = fixture.root.appendingPathComponent("ranking.json").path
        let r = try CLIRunner.run([
            "annotate", "agreement", db, "--scores", a.path, "--scores", b.path + ":vendi", "--json", json, "--bootstrap", "999"
        ])
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
