import Foundation
import GenerateStubs
import SCSScoring
import TestSupport
import XCTest

/// Alignment and diversity end to end on a generated study: `scs generate` (against the
/// AUTOMATIC1111 stand-in, which answers each seed with one of four photos), `scs score
/// --metrics …` with the committed tiny CLIP (both towers), `scs compare --metric`, `scs report`.
final class MetricsCommandTests: XCTestCase {
    let tiny = TestPaths.fixtures.appendingPathComponent("text/tiny-clip").path
    let prompts = ["a red fox in the snow", "a person's eye", "an astronaut on the moon", "a cup of coffee"]
    var work: URL!
    var study: URL { work.appendingPathComponent("study") }

    override func setUpWithError() throws { work = try makeTemporaryDirectory("scs-cli-metrics") }
    override func tearDown() { try? FileManager.default.removeItem(at: work) }

    /// Two models, four prompts, three images each; the seeds pick how many distinct photos a group
    /// holds (the stub answers seed s with photo s mod 4).
    func generateStudy() async throws {
        let stub = try await A1111Stub.start()
        defer { Task { await stub.server.stop() } }
        let seeds = ["A": [[4, 5, 6], [4, 8, 5], [4, 8, 12], [5, 6, 7]], "B": [[4, 8, 12], [5, 9, 6], [6, 7, 4], [7, 11, 15]]]
        for (model, lists) in seeds.sorted(by: { $0.key < $1.key }) {
            for (prompt, list) in zip(prompts, lists) {
                let p = work.appendingPathComponent("p.txt"), s = work.appendingPathComponent("s.txt")
                try Data((prompt + "\n").utf8).write(to: p)
                try Data(list.map(String.init).joined(separator: "\n").utf8).write(to: s)
                let r = try CLIRunner.run([
                    "generate", "--backend", "a1111", "--url", stub.url.absoluteString, "--prompts", p.path,
                    "--seeds", s.path, "--n", "3", "--out", study.path, "--model-name", model, "--quiet"
                ])
                XCTAssertEqual(r.status, 0, r.stderr)
            }
        }
    }

    func testScoreCompareAndReportEveryMetric() async throws {
        try await generateStudy()
        let csv = work.appendingPathComponent("scores.csv").path
        let score = try CLIRunner.run([
            "score", study.path, "--model", tiny, "--no-cache", "--out", csv,
            "--metrics", "scs,vendi,vendi_inf,clipscore,clipscore_max,clipscore_hessel"
        ])
        XCTAssertEqual(score.status, 0, score.stderr)
        XCTAssertFalse(score.stderr.contains("folder names with `_`"), "the manifest gives the exact prompts: \(score.stderr)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines[0],
            "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max,vendi,vendi_inf,clipscore,clipscore_max,"
                + "clipscore_hessel,backbone,backbone_fingerprint,precision,preprocessing")
        let rows = try ScoresFile.read(csv).groupScores()
        XCTAssertEqual(rows.count, 8)
        let same = try XCTUnwrap(rows.first { $0.model == "A" && $0.prompt == "an astronaut on the moon" })  // seeds 4, 8, 12: one photo three times
        XCTAssertEqual(same.metrics[.vendi]!, 1, accuracy: 1e-9)
        XCTAssertEqual(same.scs, 100, accuracy: 1e-4)
        let spread = try XCTUnwrap(rows.first { $0.model == "A" && $0.prompt == "a red fox in the snow" })  // seeds 4, 5, 6: three photos
        XCTAssertGreaterThan(spread.metrics[.vendi]!, 1.05)
        for r in rows {
            XCTAssertLessThanOrEqual(r.metrics[.clipscoreMax]! + 1e-9, 100)
            XCTAssertGreaterThanOrEqual(r.metrics[.clipscoreMax]! + 1e-9, r.metrics[.clipscore]!)
        }

        // Each image's alignment, with the prompt's exact text from the generation manifest.
        let alignment = try String(contentsOfFile: work.appendingPathComponent("scores.alignment.csv").path, encoding: .utf8)
        let alignmentRows = alignment.split(separator: "\n")
        XCTAssertEqual(alignmentRows.count, 1 + 24)
        XCTAssertTrue(alignment.contains(",a person_s eye,a person's eye,"), alignment)

        // Without the manifest, the folder's name is the text, and scs says `_` may stand for something.
        let bare = work.appendingPathComponent("bare")
        try FileManager.default.copyItem(at: study, to: bare)
        try FileManager.default.removeItem(at: bare.appendingPathComponent("manifest.jsonl"))
        let folderOnly = try CLIRunner.run([
            "score", bare.path, "--model", tiny, "--no-cache", "--out", work.appendingPathComponent("bare.csv").path,
            "--metrics", "clipscore", "--quiet"
        ])
        XCTAssertEqual(folderOnly.status, 0, folderOnly.stderr)
        XCTAssertTrue(folderOnly.stderr.contains("folder names with `_`") && folderOnly.stderr.contains("a person_s eye"), folderOnly.stderr)

        // The whole comparison on any column.
        let json = work.appendingPathComponent("vendi.json").path
        let compare = try CLIRunner.run(["compare", csv, "--metric", "vendi", "--bootstrap", "999", "--json", json])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssertTrue(compare.stdout.contains("metric: vendi") && compare.stdout.contains("vendi (median"), compare.stdout)
        XCTAssertTrue(try String(contentsOfFile: json, encoding: .utf8).contains("\"metric\": \"vendi\""))
        XCTAssertTrue(
            compare.stdout.contains("no significant difference in consistency between A and B") && compare.stdout.contains(" vendi ["),
            compare.stdout)
        let alignmentCompare = try CLIRunner.run(["compare", csv, "--metric", "clipscore", "--bootstrap", "99"])
        XCTAssertTrue(alignmentCompare.stdout.contains("in alignment between A and B"), alignmentCompare.stdout)
        let missing = try CLIRunner.run(["compare", csv, "--metric", "dreamsim"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no \"dreamsim\" column (score with --metrics dreamsim to add it)"), missing.stderr)

        // The report draws SCS beside a comparison's verdict: a comparison of another column is refused.
        let refused = try CLIRunner.run([
            "report", study.path, "--scores", csv, "--compare", json, "--model", tiny, "--no-cache",
            "--out", work.appendingPathComponent("r2").path, "--quiet"
        ])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("compares vendi, and the report's comparisons show SCS"), refused.stderr)

        // The report: per model, consistency against alignment and Vendi beside SCS; alignment per image.
        let out = work.appendingPathComponent("report").path
        let report = try CLIRunner.run(["report", study.path, "--scores", csv, "--model", tiny, "--no-cache", "--out", out, "--quiet"])
        XCTAssertEqual(report.status, 0, report.stderr)
        for figure in ["alignment-1.svg", "alignment-2.svg", "vendi-1.svg", "vendi-2.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/figures/" + figure), figure)
        }
        XCTAssertTrue(try String(contentsOfFile: out + "/figures/alignment-1.svg", encoding: .utf8).contains("consistently off-prompt"))
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("Alignment and diversity"))
        let pages = try FileManager.default.contentsOfDirectory(atPath: out + "/prompts").sorted()
        let page = try String(contentsOfFile: out + "/prompts/" + pages[0], encoding: .utf8)
        XCTAssertEqual(page.components(separatedBy: "class=\"align\"").count - 1, 6, "every image of both models shows its alignment")
        XCTAssertTrue(page.contains("clipscore "), page)
    }

    /// Sharded with metrics, merged: the unsharded scores.csv and alignment file, byte for byte.
    func testShardsWithMetricsMergeExactly() async throws {
        try await generateStudy()
        let metrics = ["--metrics", "vendi,vendi_inf,clipscore,clipscore_max,clipscore_hessel"]
        let whole = work.appendingPathComponent("whole.csv").path
        XCTAssertEqual(try CLIRunner.run(["score", study.path, "--model", tiny, "--no-cache", "--out", whole, "--quiet"] + metrics).status, 0)
        var shards: [String] = []
        for k in 0..<3 {
            let out = work.appendingPathComponent("s\(k).csv").path
            let r = try CLIRunner.run(["score", study.path, "--model", tiny, "--no-cache", "--shard", "\(k)/3", "--out", out, "--quiet"] + metrics)
            XCTAssertEqual(r.status, 0, r.stderr)
            shards.append(out)
        }
        let merged = work.appendingPathComponent("merged.csv").path
        let m = try CLIRunner.run(["merge"] + shards + ["--out", merged])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: merged)), try Data(contentsOf: URL(fileURLWithPath: whole)))
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: ScoresFile.alignmentPath(forScores: merged))),
            try Data(contentsOf: URL(fileURLWithPath: ScoresFile.alignmentPath(forScores: whole))))
        try FileManager.default.removeItem(atPath: ScoresFile.alignmentPath(forScores: shards[1]))
        let partial = try CLIRunner.run(["merge"] + shards + ["--out", work.appendingPathComponent("m2.csv").path])
        XCTAssertNotEqual(partial.status, 0)
        XCTAssertTrue(partial.stderr.contains("s1.alignment.csv: missing"), partial.stderr)
    }

    func testAlignmentNeedsATextTower() throws {
        let photos = try TestPaths.sharedPhotos()
        let folder = work.appendingPathComponent("m/p")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for url in photos.prefix(2) { try FileManager.default.copyItem(at: url, to: folder.appendingPathComponent(url.lastPathComponent)) }
        let visionOnly = TestPaths.fixtures.appendingPathComponent("backbones/tiny-dinov2").path
        let r = try CLIRunner.run([
            "score", work.path, "--model", visionOnly, "--no-cache", "--metrics", "clipscore", "--quiet",
            "--out", work.appendingPathComponent("s.csv").path
        ])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("has no text tower"), r.stderr)
        let unknown = try CLIRunner.run(["score", work.path, "--metrics", "vendy"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("unknown metric \"vendy\""), unknown.stderr)
    }
}
