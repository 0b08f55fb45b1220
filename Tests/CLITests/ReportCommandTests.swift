import Foundation
import SCSScoring
import TestSupport
import XCTest

/// `scs report` as a user runs it (the built binary), on the shared scored study of ReportFixture.
final class ReportCommandTests: XCTestCase {
    func testWritesASelfContainedReportFromTheCacheWithoutInference() throws {
        let f = try ReportFixture.get()
        let rowsBefore = try EmbeddingCache(path: f.cache.path).countAll()
        XCTAssertGreaterThan(rowsBefore, 0, "the fixture cache holds the embeddings")
        let out = try makeTemporaryDirectory("scs-report-out").appendingPathComponent("report")
        let r = try f.report(out: out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try EmbeddingCache(path: f.cache.path).countAll(), rowsBefore, "the report embedded something")

        let summary = try XCTUnwrap(try loadJSON(out.appendingPathComponent("report.json")) as? [String: Any])
        XCTAssertEqual(summary["embedded"] as? Int, 0, "no inference for a scored dataset")
        XCTAssertEqual(summary["from_cache"] as? Int, 27)
        XCTAssertEqual(summary["prompts"] as? Int, 3)
        XCTAssertLessThan(Double(String(describing: summary["max_score_deviation"]!))!, 1e-9, "heatmap pairs are the score's pairs")

        let fm = FileManager.default
        for file in [
            "index.html", "assets/report.css", "assets/report.js", "figures/figure2.svg", "figures/figure2-1.svg",
            "figures/paired-1.svg", "figures/all-models.svg", "prompts/0001.html", "prompts/0003.html", "thumbs/0001/1-1.jpg"
        ] {
            XCTAssertTrue(fm.fileExists(atPath: out.appendingPathComponent(file).path), "missing \(file)")
        }
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("pixart vs SDXL"))
        XCTAssertTrue(index.contains("Friedman"), "the many-model verdict")
        XCTAssertTrue(index.contains("<table class=\"sortable\""))
        XCTAssertTrue(index.contains("href=\"prompts/0002.html\">a man&#39;s portrait</a>"))
        // Offline: nothing is fetched from anywhere but the folder itself.
        for page in try [index]
            + (1...3).map({ try String(contentsOf: out.appendingPathComponent(String(format: "prompts/%04d.html", $0)), encoding: .utf8) })
        {
            for remote in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "url(http", "@import"] {
                XCTAssertFalse(page.contains(remote), "a page fetches from the network: \(remote)")
            }
        }
        // A prompt page: thumbnails on the page, originals one click away, heatmap, flag.
        let page = try String(contentsOf: out.appendingPathComponent("prompts/0001.html"), encoding: .utf8)  // "a cat"
        XCTAssertTrue(page.contains("src=\"../thumbs/0001/1-1.jpg\""))
        XCTAssertTrue(page.contains("Agrees least"))
        XCTAssertTrue(page.contains("class=\"least\""))
        XCTAssertTrue(page.contains("Pairwise similarity, SDXL"))
        let original = try XCTUnwrap(page.range(of: "<figure><a href=\"").map { page[$0.upperBound...].prefix { $0 != "\"" } })
        let target = out.appendingPathComponent("prompts").appendingPathComponent(String(original).removingPercentEncoding!).standardizedFileURL
        XCTAssertTrue(fm.fileExists(atPath: target.path), "the link to the original resolves: \(target.path)")
        XCTAssertTrue(target.path.hasPrefix(f.dataset.resolvingSymlinksInPath().path) || target.path.hasPrefix(f.dataset.path))
        // Thumbnails are small: the largest photo is 790 KB.
        let thumb = try fm.attributesOfItem(atPath: out.appendingPathComponent("thumbs/0001/1-1.jpg").path)[.size] as! Int
        XCTAssertLessThan(thumb, 40_000)
        // Rerun replaces the report as a whole, and leaves no temporary folder behind.
        XCTAssertEqual(try f.report(out: out).status, 0)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: out.deletingLastPathComponent().path), ["report"])
    }

    /// After `scs score --model DIR`, `scs report` needs no --model: the scores' sidecar names the
    /// model, precision and preprocessing, and the cache holds every embedding. A cache without
    /// them is one line saying what to pass; nothing is downloaded.
    func testReportWithoutModelUsesWhatScoreRecorded() throws {
        let f = try ReportFixture.get()
        let out = try makeTemporaryDirectory("scs-report-nomodel").appendingPathComponent("report")
        let offline = ["HF_HUB_OFFLINE": "1", "HF_HOME": out.deletingLastPathComponent().appendingPathComponent("hf").path]
        let r = try CLIRunner.run(
            ["report", f.dataset.path, "--scores", f.scores.path, "--out", out.path, "--cache", f.cache.path],
            environment: offline)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("using the embeddings of \(ReportFixture.model)"), r.stderr)
        let summary = try XCTUnwrap(try loadJSON(out.appendingPathComponent("report.json")) as? [String: Any])
        XCTAssertEqual(summary["embedded"] as? Int, 0)
        XCTAssertEqual(summary["from_cache"] as? Int, 27)

        let empty = out.deletingLastPathComponent().appendingPathComponent("empty.sqlite").path
        let miss = try CLIRunner.run(
            ["report", f.dataset.path, "--scores", f.scores.path, "--out", out.path + "-2", "--cache", empty],
            environment: offline)
        XCTAssertEqual(miss.status, 1)
        let errors = miss.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        XCTAssertEqual(errors.count, 1, miss.stderr)
        XCTAssertEqual(miss.stderr.split(separator: "\n").last.map(String.init), errors.first.map(String.init), "the error ends the output")
        XCTAssertTrue(miss.stderr.contains("are not in \(empty)") && miss.stderr.contains("pass --model"), miss.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path + "-2"))
    }

    /// The paper's LoRA comparison pairs prompts from two lists; compare.json records the pairs,
    /// so Figure 2 gets its row for it too.
    func testListPairedComparisonGetsAFigure() throws {
        let f = try ReportFixture.get()
        let work = try makeTemporaryDirectory("scs-report-lists")
        let listA = work.appendingPathComponent("a.txt"), listB = work.appendingPathComponent("b.txt")
        try Data("a cat\na rocket\na man's portrait\n".utf8).write(to: listA)
        try Data("a cat\na rocket\na man's portrait\n".utf8).write(to: listB)
        let json = work.appendingPathComponent("lists.json")
        try ReportFixture.check([
            "compare", f.scores.path, "--a", "flux", "--b", "pixart", "--pairs-a", listA.path,
            "--pairs-b", listB.path, "--json", json.path, "--bootstrap", "99"
        ])
        let pairing = try XCTUnwrap((try loadJSON(json) as? [String: Any])?["pairing"] as? [String: Any])
        XCTAssertEqual(pairing["mode"] as? String, "lists")
        XCTAssertEqual((pairing["pairs"] as? [Any])?.count, 3)
        let out = work.appendingPathComponent("report")
        let r = try f.report(out: out, compare: [json])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("figures/figure2-1.svg").path))
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertFalse(index.contains("No figure"))
    }

    func testScoresNamingGroupsTheDatasetLacksStopWithNothingWritten() throws {
        let f = try ReportFixture.get()
        let dir = try makeTemporaryDirectory("scs-report-bad")
        let bad = dir.appendingPathComponent("scores.csv")
        let text = try String(contentsOf: f.scores, encoding: .utf8)
        let provenance = text.split(separator: "\n")[1].split(separator: ",").suffix(4).joined(separator: ",")
        try (text + "SDXL,a dog,20,190,70.0,1.0,60.0,80.0,\(provenance)\n").write(to: bad, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("report")
        let r = try f.report(out: out, scores: bad)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("SDXL/a dog"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["scores.csv"], "nothing half-written")
    }

    func testScoresFromOtherImagesStop() throws {
        let f = try ReportFixture.get()
        let dir = try makeTemporaryDirectory("scs-report-bad")
        let bad = dir.appendingPathComponent("scores.csv")
        let text = try String(contentsOf: f.scores, encoding: .utf8).replacingOccurrences(of: "SDXL,a cat,4,", with: "SDXL,a cat,20,")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let r = try f.report(out: dir.appendingPathComponent("report"), scores: bad)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("SDXL/a cat (20 in the scores, 4 in the dataset)"), r.stderr)
    }

    func testCompareFromOtherModelsStops() throws {
        let f = try ReportFixture.get()
        let dir = try makeTemporaryDirectory("scs-report-bad")
        let other = dir.appendingPathComponent("other.json")
        let text = try String(contentsOf: f.compare, encoding: .utf8)
            .replacingOccurrences(of: "\"model_a\": \"pixart\"", with: "\"model_a\": \"flux-dev\"")
            .replacingOccurrences(of: "\"model_a\":\"pixart\"", with: "\"model_a\":\"flux-dev\"")
        XCTAssertTrue(text.contains("flux-dev"), "fixture edit did not apply")
        try text.write(to: other, atomically: true, encoding: .utf8)
        let r = try f.report(out: dir.appendingPathComponent("report"), compare: [other])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("compares flux-dev"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report").path))
    }

    func testEmptyDatasetAndForeignOutputFolderStop() throws {
        let f = try ReportFixture.get()
        let dir = try makeTemporaryDirectory("scs-report-bad")
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let r = try f.report(out: dir.appendingPathComponent("report"), dataset: empty)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no images"), r.stderr)

        // An existing folder that is not a report is never replaced.
        let mine = dir.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: mine.appendingPathComponent("notes.txt"))
        let r2 = try f.report(out: mine)
        XCTAssertNotEqual(r2.status, 0)
        XCTAssertTrue(r2.stderr.contains("not an scs report"), r2.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mine.path), ["notes.txt"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["empty", "mine"], "no temporary folder left")
    }
}

extension EmbeddingCache {
    /// Rows for the tiny model: what a run that embedded nothing leaves unchanged.
    func countAll() throws -> Int {
        let key = try Embedder(modelDirectory: URL(fileURLWithPath: ReportFixture.model), cache: nil).cacheKey
        return try count(model: key)
    }
}
