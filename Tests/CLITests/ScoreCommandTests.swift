import Foundation
import SCSScoring
import TestSupport
import XCTest

/// `scs score` and `scs embed` end to end, as a user runs them: the real binary, real photos,
/// the tiny random-weight model, a temporary cache.
final class ScoreCommandTests: CommandTestCase {
    var cache: String { work.appendingPathComponent("cache.sqlite").path }

    /// <root>/<model>/<prompt>/<n>.jpg built from the shared photos.
    func makeDataset(_ spec: [(model: String, prompt: String, photos: [String])]) throws -> URL {
        try PhotoStudy.make(at: work.appendingPathComponent("dataset"), spec)
    }

    func testScoreWritesCSVAndJSONAndRerunUsesCache() throws {
        let root = try makeDataset([
            ("SDXL", "a rocket", ["rocket.jpg", "astronaut.png", "hubble_deep_field.jpg"]),
            ("SDXL", "a cat", ["chelsea.png", "coffee.png"]),
            ("pixart", "a rocket", ["rocket.jpg", "rocket.jpg", "camera.png"])
        ])
        try Data("x".utf8).write(to: root.appendingPathComponent("SDXL/a cat/.hidden.jpg"))
        let csv = work.appendingPathComponent("scores.csv").path, json = work.appendingPathComponent("summary.json").path
        let r = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", csv, "--json", json])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines.first,
            "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max,"
                + "backbone,backbone_fingerprint,precision,preprocessing")
        XCTAssertEqual(lines.count, 4)
        let readme = try String(contentsOf: TestPaths.repoRoot.appendingPathComponent("docs/score.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("\n    \(lines[0])\n"), "docs/score.md shows the header scs writes")
        // Every row says which network made it: the kind read from config.json, the fingerprint of scores.json.
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        XCTAssertEqual(written["backbone"] as? String, "clip")
        let fingerprint = try XCTUnwrap(written["model_fingerprint"] as? String)
        for line in lines.dropFirst() { XCTAssertTrue(line.hasSuffix(",clip,\(fingerprint),fp32,clip-v2"), line) }
        XCTAssertTrue(lines[1].hasPrefix("SDXL,a cat,2,1,"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("SDXL,a rocket,3,3,"), lines[2])
        // Two identical rockets and a camera: one pair scores 100.
        let pixart = lines[3].split(separator: ",")
        XCTAssertEqual(Double(pixart[7])!, 100, accuracy: 1e-6)
        XCTAssertTrue(r.stdout.contains("SDXL"), r.stdout)
        XCTAssertTrue(r.stderr.contains("ignored 1 hidden or non-image files"), r.stderr)
        // Progress goes to stderr as plain lines when it is not a terminal.
        XCTAssertTrue(r.stderr.contains("embedding:"), r.stderr)

        let summary = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: json)) as? [String: Any])
        XCTAssertEqual(summary["embedded"] as? Int, 6)  // 8 files, 6 distinct: rocket.jpg three times
        let rerun = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", csv + "2", "--json", json, "--quiet"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let again = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: json)) as? [String: Any])
        XCTAssertEqual(again["embedded"] as? Int, 0, "a rerun must run no inference")
        XCTAssertEqual(again["from_cache"] as? Int, 8)
        XCTAssertEqual(try String(contentsOfFile: csv + "2", encoding: .utf8), try String(contentsOfFile: csv, encoding: .utf8))
        XCTAssertFalse(rerun.stderr.contains("embedding:"), "--quiet prints no progress")
    }

    func testEmbedWritesRowsInArgumentOrder() throws {
        let photos = try TestPaths.sharedPhotos()
        let expected = try NpyArray(contentsOf: TestPaths.fixtures.appendingPathComponent("models/tiny-b32/expected.npy")).floats
        let out = work.appendingPathComponent("e.npy").path
        let r = try CLIRunner.run(["embed"] + photos.reversed().map(\.path) + ["--model", tiny, "--out", out, "--no-cache"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let npy = try NpyArray(contentsOf: URL(fileURLWithPath: out))
        XCTAssertEqual(npy.shape, [7, 32])
        let rows = npy.floats
        for i in 0..<7 {
            let ours = rows[(i * 32)..<((i + 1) * 32)], ref = expected[((6 - i) * 32)..<((7 - i) * 32)]
            XCTAssertLessThan(zip(ours, ref).map { abs($0 - $1) }.max()!, 1e-4, "row \(i)")
        }
    }

    func testBadInputsExitNonZeroNamingTheFile() throws {
        let root = try makeDataset([("m", "p", ["rocket.jpg", "coffee.png", "chelsea.png"]), ("m", "q", ["rocket.jpg", "camera.png"])])
        let truncated = root.appendingPathComponent("m/p/4.jpg")
        let bytes = try Data(contentsOf: TestPaths.sharedImages.appendingPathComponent("hubble_deep_field.jpg"))
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let text = root.appendingPathComponent("m/q/3.png")
        try Data("not an image".utf8).write(to: text)
        let csv = work.appendingPathComponent("s.csv").path

        let r = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", csv, "--quiet"])
        XCTAssertNotEqual(r.status, 0)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("4.jpg") || r.stderr.contains("3.png"), r.stderr)

        let skip = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", csv, "--skip-unreadable"])
        XCTAssertEqual(skip.status, 0, skip.stderr)
        XCTAssertTrue(skip.stderr.contains("skipped 2 unreadable images"), skip.stderr)
        XCTAssertTrue(skip.stderr.contains(truncated.path) && skip.stderr.contains(text.path), skip.stderr)
        XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count, 3)

        let empty = root.appendingPathComponent("m/empty prompt")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let e = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", csv, "--skip-unreadable", "--quiet"])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertTrue(e.stderr.contains("m/empty prompt: prompt folder has no images"), e.stderr)
        try FileManager.default.removeItem(at: text)
        try FileManager.default.removeItem(at: truncated)
        let strict = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", csv, "--quiet"])
        XCTAssertNotEqual(strict.status, 0)
        XCTAssertTrue(strict.stderr.contains("empty prompt"), strict.stderr)
    }

    /// Symlinked folders, loops, a folder whose name is not UTF-8, a FIFO and broken images:
    /// every group is in scores.csv or named in the JSON with its reason, and nothing is counted
    /// as "hidden or non-image files".
    func testEveryGroupOfAMessyDatasetIsScoredOrNamed() throws {
        let root = try MessyDataset.make(in: work)
        defer { MessyDataset.remove(work) }
        let base = URL(fileURLWithPath: root.path).standardizedFileURL.path
        let csv = work.appendingPathComponent("scores.csv").path, json = work.appendingPathComponent("summary.json").path
        let r = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", csv, "--json", json, "--skip-unreadable"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try CSV.parse(String(contentsOfFile: csv, encoding: .utf8), path: csv).dropFirst().filter { $0.count > 2 }
        XCTAssertEqual(rows.map { "\($0[0])/\($0[1])" }, MessyDataset.scoredGroups)
        XCTAssertEqual(rows.first { $0[0] == "SDXL" && $0[1] == "a cat" }?[2], "\(MessyDataset.goodCats.count)", "the readable cats only")

        let summary = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: json)) as? [String: Any])
        XCTAssertEqual(summary["ignored_files"] as? Int, 0, "nothing here is hidden or a non-image file")
        let excluded = try XCTUnwrap(summary["excluded"] as? [[String: Any]])
        for (model, prompt, reason) in MessyDataset.excludedGroups {
            let e = try XCTUnwrap(excluded.first { $0["model"] as? String == model && $0["prompt"] as? String == prompt }, "\(excluded)")
            XCTAssertTrue((e["reason"] as? String ?? "").contains(reason), "\(e)")
        }
        XCTAssertEqual(excluded.count, MessyDataset.excludedGroups.count, "\(excluded)")
        let skipped = try XCTUnwrap(summary["skipped"] as? [String])
        for (file, reason) in MessyDataset.listingSkips + MessyDataset.brokenImages {
            XCTAssertTrue(skipped.contains { $0.hasPrefix("\(base)/SDXL/a cat/\(file): ") && $0.contains(reason) }, "\(file) in \(skipped)")
        }
        for (name, reason) in MessyDataset.rootSkips { XCTAssertTrue(skipped.contains("\(base)/\(name): \(reason)"), "\(name) in \(skipped)") }
        XCTAssertEqual(skipped.count, MessyDataset.listingSkips.count + MessyDataset.brokenImages.count + MessyDataset.rootSkips.count, "\(skipped)")
        // The sidecar says the same.
        let meta = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: ScoresMeta.path(forScores: csv))) as? [String: Any])
        XCTAssertEqual((meta["excluded"] as? [Any])?.count, excluded.count)
        XCTAssertEqual(meta["skipped"] as? [String], skipped)

        // And the user reads each on one line, in words.
        XCTAssertFalse(r.stderr.contains("hidden or non-image"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        for line in [
            "\(base)/SDXL/loop: a symlink loop", "\(base)/SDXL/self: a symlink loop", "\(base)/SDXL/caf\\xE9: the name is not valid UTF-8",
            "\(base)/SDXL/a cat/pipe.png: a FIFO, not a file", "\(base)/SDXL/a cat/gone.jpg: a broken symlink",
            "\(base)/SDXL/a cat/0-empty.png: empty file"
        ] {
            XCTAssertTrue(r.stderr.contains(line), "\(line) in \(r.stderr)")
        }

        // The report of these scores, broken images still on disk: it leaves out what score
        // skipped (from the sidecar), so every scored group matches its images.
        let skippedReport = try CLIRunner.run([
            "report", root.path, "--scores", csv, "--cache", cache,
            "--out", work.appendingPathComponent("report-skipped").path
        ])
        XCTAssertEqual(skippedReport.status, 0, skippedReport.stderr)
        XCTAssertTrue(skippedReport.stderr.contains("2 prompts, 6 groups"), skippedReport.stderr)

        // Without --skip-unreadable the broken images stop the run, as before; what the listing
        // cannot use never does.
        let strict = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", csv + "2", "--quiet"])
        XCTAssertNotEqual(strict.status, 0)
        XCTAssertTrue(strict.stderr.contains("0-empty.png") || strict.stderr.contains("0-t") || strict.stderr.contains("0-passwd"), strict.stderr)
        for (file, _) in MessyDataset.brokenImages { try FileManager.default.removeItem(at: root.appendingPathComponent("SDXL/a cat/\(file)")) }
        let cleanCSV = work.appendingPathComponent("clean.csv").path
        let clean = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", cleanCSV, "--quiet"])
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertTrue(clean.stderr.contains("SDXL/loop: a symlink loop"), clean.stderr)

        // The report lists the folders the same way: every scored group found, the rest named.
        let report = try CLIRunner.run([
            "report", root.path, "--scores", cleanCSV, "--cache", cache, "--out", work.appendingPathComponent("report").path
        ])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stderr.contains("2 prompts, 6 groups"), report.stderr)
        XCTAssertTrue(report.stderr.contains("\(base)/SDXL/caf\\xE9: the name is not valid UTF-8"), report.stderr)
        XCTAssertTrue(report.stderr.contains("\(base)/SDXL/a cat/pipe.png: a FIFO, not a file"), report.stderr)
    }

    func testFileErrorsAreInWords() throws {
        let root = try makeDataset([("m", "p", ["rocket.jpg", "coffee.png"])])
        let out = work.appendingPathComponent("no/such/s.csv").path
        let r = try CLIRunner.run(["score", root.path, "--model", tiny, "--cache", cache, "--out", out, "--quiet"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("\(out): cannot write: no such file or folder"), r.stderr)
        XCTAssertFalse(r.stderr.contains("NSCocoaErrorDomain"), r.stderr)
        // A FIFO given as an image is named as one, at once (reading it would wait forever).
        let fifo = work.appendingPathComponent("pipe.png").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let e = try CLIRunner.run(["embed", fifo, "--model", tiny, "--out", work.appendingPathComponent("e.npy").path, "--no-cache"])
        XCTAssertNotEqual(e.status, 0)
        XCTAssertTrue(e.stderr.contains("\(fifo): cannot read: a FIFO, not a file"), e.stderr)
    }

    func testOfflineWithoutModelSaysWhatToDownload() throws {
        let root = try makeDataset([("m", "p", ["rocket.jpg", "coffee.png"])])
        let r = try CLIRunner.run(
            ["score", root.path, "--cache", cache, "--quiet"],
            environment: ["HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": work.appendingPathComponent("hf").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("openai/clip-vit-base-patch32") && r.stderr.contains("model.safetensors"), r.stderr)
    }
}
