import Foundation
import SCSScoring
import TestSupport
import XCTest

/// `scs score --metrics scs,scs_se`, the near-duplicate listing, `scs compare` on scores with
/// scs_se and `scs report`'s near-duplicate section, through the binary on real photos with the
/// tiny random-weight model.
final class UncertaintyCommandTests: CommandTestCase {
    override class var workPrefix: String { "scs-cli-uncertainty" }
    let defaultHeader =
        "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max,backbone,backbone_fingerprint,precision,preprocessing"

    /// Two models, three prompts; A's "a rocket" holds one photo twice (a near-duplicate pair),
    /// B's "a cat" only 2 images (no standard error).
    func makeStudy() throws -> URL {
        try PhotoStudy.make(
            at: work.appendingPathComponent("study"),
            [
                ("A", "a rocket", ["rocket.jpg", "astronaut.png", "rocket.jpg", "camera.png"]),
                ("A", "a cat", ["chelsea.png", "coffee.png", "franz-kafka.jpg"]),
                (
                    "A", "a galaxy",
                    ["hubble_deep_field.jpg", "astronaut.png", "coffee.png", "camera.png", "chelsea.png"]
                ),
                ("B", "a rocket", ["rocket.jpg", "hubble_deep_field.jpg", "camera.png"]),
                ("B", "a cat", ["chelsea.png", "franz-kafka.jpg"]),
                ("B", "a galaxy", ["hubble_deep_field.jpg", "rocket.jpg", "coffee.png", "astronaut.png"])
            ])
    }

    /// Scores the study with and without scs_se; returns the study, the cache, the scores with
    /// scs_se, those without, and the copied pair's two files.
    func scoreStudy() throws -> (study: URL, cache: String, csv: String, plain: String, pair: [String]) {
        let study = try makeStudy()
        let cache = work.appendingPathComponent("cache.sqlite").path
        let plain = work.appendingPathComponent("plain.csv").path
        XCTAssertEqual(
            try CLIRunner.run([
                "score", study.path, "--model", tiny, "--cache", cache, "--out", plain, "--quiet"
            ]).status, 0)
        XCTAssertEqual(
            try String(contentsOfFile: plain, encoding: .utf8).split(separator: "\n").first.map(
                String.init), defaultHeader)

        let csv = work.appendingPathComponent("scores.csv").path
        let json = work.appendingPathComponent("scores.json").path
        let r = try CLIRunner.run([
            "score", study.path, "--model", tiny, "--cache", cache, "--out", csv, "--json", json,
            "--metrics", "scs,scs_se", "--quiet"
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(
            String.init)
        XCTAssertEqual(
            lines[0],
            defaultHeader.replacingOccurrences(of: "pair_max,", with: "pair_max,scs_se,scs_lo,scs_hi,"))
        let file = try ScoresFile.read(csv)
        XCTAssertEqual(file.rows.count, 6)
        for row in file.rows {
            let scs = try XCTUnwrap(row.values[.scs])
            if row.nImages == 2 {
                XCTAssertNil(row.values[.scsSE], "2 images: no standard error")
                XCTAssertNil(row.values[.scsLow])
                continue
            }
            let se = try XCTUnwrap(row.values[.scsSE], "\(row.model)/\(row.prompt)")
            let lo = try XCTUnwrap(row.values[.scsLow])
            let hi = try XCTUnwrap(row.values[.scsHigh])
            XCTAssertGreaterThan(se, 0)
            XCTAssertLessThanOrEqual(lo, scs)
            XCTAssertGreaterThanOrEqual(hi, scs)
            XCTAssertGreaterThanOrEqual(lo, 0)
            XCTAssertLessThanOrEqual(hi, 100)
        }

        let summary = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: json)) as? [String: Any])
        let scores = try XCTUnwrap(summary["scores"] as? [[String: Any]])
        XCTAssertEqual(
            scores.filter { $0["scs_se"] != nil }.count, 5, "the JSON carries scs_se where the CSV does")
        XCTAssertEqual(scores.filter { $0["scs_lo"] != nil && $0["scs_hi"] != nil }.count, 5)

        // The copied rocket: its pair is listed with both files and a cosine of 1.
        let duplicates = try XCTUnwrap(summary["near_duplicates"] as? [String: Any])
        XCTAssertEqual(duplicates["threshold"] as? Double, 0.95)
        let groups = try XCTUnwrap(duplicates["groups"] as? [[String: Any]])
        let rocket = try XCTUnwrap(
            groups.first { $0["model"] as? String == "A" && $0["prompt"] as? String == "a rocket" })
        let pairs = try XCTUnwrap(rocket["pairs"] as? [[String: Any]])
        let copy = try XCTUnwrap(pairs.first { ($0["cosine"] as? Double ?? 0) > 1 - 1e-6 }, "\(pairs)")
        let first = try XCTUnwrap(copy["image_a"] as? String)
        let second = try XCTUnwrap(copy["image_b"] as? String)
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: first)),
            try Data(contentsOf: URL(fileURLWithPath: second)), "the two files are the copies")
        XCTAssertTrue(
            first.hasPrefix(study.path) && second.hasPrefix(study.path), "\(first), \(second)")
        let models = try XCTUnwrap(duplicates["models"] as? [[String: Any]])
        XCTAssertEqual(models.map { $0["model"] as? String }, ["A", "B"])
        XCTAssertGreaterThanOrEqual(models[0]["pairs"] as? Int ?? 0, 1)
        XCTAssertEqual(models[0]["groups"] as? Int, 3)
        XCTAssertTrue(r.stdout.contains("near-duplicate pairs"), r.stdout)

        // A threshold above 1 is refused; one of 1 keeps only exact copies.
        XCTAssertNotEqual(
            try CLIRunner.run([
                "score", study.path, "--model", tiny, "--cache", cache, "--out", csv + "x",
                "--near-duplicate-cosine", "1.5"
            ]).status, 0)
        return (study, cache, csv, plain, [first, second])
    }

    func testStandardErrorColumnsAndNearDuplicates() throws {
        _ = try scoreStudy()
    }

    func testCompareReportsModelMeansWithTheirStandardErrors() throws {
        let (_, _, csv, plain, _) = try scoreStudy()
        let file = try ScoresFile.read(csv)
        // compare: the model means with their two standard errors, in print and JSON; and the SE
        // columns themselves can be compared.
        let out = work.appendingPathComponent("compare.json").path
        let c = try CLIRunner.run([
            "compare", csv, "--a", "A", "--b", "B", "--bootstrap", "200", "--json", out
        ])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.contains("mean over prompts, with its standard error"), c.stdout)
        let document = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: out)) as? [String: Any])
        let means = try XCTUnwrap(document["model_means"] as? [[String: Any]])
        XCTAssertEqual(means.map { $0["model"] as? String }, ["A", "B"])
        XCTAssertNotNil(means[0]["se_seeds"] as? Double, "every prompt of A has a standard error")
        XCTAssertTrue(means[1]["se_seeds"] is NSNull, "B's 2-image prompt has none")
        let aRows = file.rows.filter { $0.model == "A" }
        let expected =
            (aRows.reduce(0) { $0 + $1.values[.scsSE]! * $1.values[.scsSE]! }).squareRoot() / 3
        XCTAssertEqual(means[0]["se_seeds"] as? Double ?? 0, expected, accuracy: 1e-9)
        let plainCompare = try CLIRunner.run([
            "compare", plain, "--a", "A", "--b", "B", "--bootstrap", "0"
        ])
        XCTAssertEqual(plainCompare.status, 0, plainCompare.stderr)
        XCTAssertFalse(
            plainCompare.stdout.contains("mean over prompts, with its standard error"),
            "no scs_se: no such block")
        let bySE = try CLIRunner.run([
            "compare", csv, "--metric", "scs_lo", "--models", "A,B", "--bootstrap", "0"
        ])
        XCTAssertNotEqual(bySE.stderr, "", "B's 2-image group has no scs_lo: one line names it")
        XCTAssertTrue(bySE.stderr.contains("scs_lo"), bySE.stderr)

    }

    func testReportShowsTheNearDuplicatePair() throws {
        let (study, cache, csv, _, pair) = try scoreStudy()
        let (first, second) = (pair[0], pair[1])
        // report: the copied pair's two thumbnails side by side on the prompt's page, counted on the index.
        let report = work.appendingPathComponent("report")
        let rep = try CLIRunner.run([
            "report", study.path, "--scores", csv, "--out", report.path, "--model", tiny, "--cache",
            cache, "--quiet"
        ])
        XCTAssertEqual(rep.status, 0, rep.stderr)
        let index = try String(contentsOf: report.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("id=\"collapse\""), "the index summarises the near-duplicates")
        let pages = try FileManager.default.contentsOfDirectory(
            atPath: report.appendingPathComponent("prompts").path
        ).sorted()
        let rocketPage = try pages.map {
            try String(contentsOf: report.appendingPathComponent("prompts/\($0)"), encoding: .utf8)
        }
        .first { $0.contains("<h1>a rocket</h1>") }
        let page = try XCTUnwrap(rocketPage)
        let rocketRow = try XCTUnwrap(ScoresFile.read(csv).rows.first { $0.model == "A" && $0.prompt == "a rocket" })
        let se = try XCTUnwrap(rocketRow.values[.scsSE])
        XCTAssertTrue(page.contains(String(format: "A: SCS %.2f ± %.2f (95%% ", rocketRow.values[.scs]!, se)), "the SE beside the SCS")
        XCTAssertFalse(page.contains("scs_se"), "shown as ±, not as a metric name")
        let section = try XCTUnwrap(
            page.range(of: "id=\"collapse-A\"").map { String(page[$0.lowerBound...]) })
        let names = [first, second].map { URL(fileURLWithPath: $0).lastPathComponent }
        for name in names {
            XCTAssertTrue(section.contains("alt=\"\(name)\""), "the pair's thumbnail \(name) is shown")
        }
        let thumbs = section.components(separatedBy: "<img src=\"../thumbs/").dropFirst().map {
            $0.prefix { $0 != "\"" }
        }
        XCTAssertGreaterThanOrEqual(thumbs.count, 2)
        for t in thumbs.prefix(2) {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: report.appendingPathComponent("thumbs/" + t).path),
                String(t))
        }
    }
}
