import Foundation
import SCSScoring
import TestSupport
import XCTest

/// `scs seeds`, `scs compare --power`, the unequal-n refusal and the report's seeds section, as a
/// user runs them (the built binary), on ReportFixture's scored study (2–4 real photos per group,
/// the tiny model, a private cache).
final class SeedsCommandTests: XCTestCase {
    var work: URL!

    /// A JSON number through its decimal text (JSONSerialization's NSDecimalNumber loses digits).
    static func number(_ value: Any?) -> Double? {
        guard let value, !(value is NSNull), !(value is String) else { return nil }
        return Double(String(describing: value))
    }

    static func numbers(_ value: Any?) -> [Double] { (value as? [Any] ?? []).compactMap { number($0) } }

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory("scs-seeds")
    }

    func seeds(_ f: ReportFixture, _ extra: [String] = []) throws -> (CLIResult, csv: URL, json: URL) {
        let csv = work.appendingPathComponent("seeds.csv"), json = work.appendingPathComponent("seeds.json")
        let r = try CLIRunner.run(
            ["seeds", f.dataset.path, "--scores", f.scores.path, "--cache", f.cache.path, "--out", csv.path, "--json", json.path, "--quiet"]
                + extra)
        return (r, csv, json)
    }

    /// From the cache alone (no --model: the sidecar names the embeddings; nothing is embedded).
    /// With every subset enumerated, the mean subset score at every n is the group's SCS in
    /// scores.csv (the U-statistic is unbiased: an independent check on the enumeration against
    /// the scorer); at n = N the band is the score itself; the CSV and the JSON agree; one summary
    /// line per model.
    func testCurvesFromTheCacheAgreeWithTheScores() throws {
        let f = try ReportFixture.get()
        let rowsBefore = try EmbeddingCache(path: f.cache.path).countAll()
        let (r, csv, json) = try seeds(f)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try EmbeddingCache(path: f.cache.path).countAll(), rowsBefore, "scs seeds embedded something")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, r.stdout)
        for model in ["SDXL", "pixart", "flux"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix("\(model): ") && $0.contains("images per prompt pin the score to ±1 point on ") }, r.stdout)
        }
        let scores = try ScoresFile.read(f.scores.path)
        let scs = Dictionary(uniqueKeysWithValues: try scores.values(of: .scs).map { ("\($0.row.model)/\($0.row.prompt)", $0.value) })
        let document = try XCTUnwrap(try loadJSON(json) as? [String: Any])
        let groups = try XCTUnwrap(document["groups"] as? [[String: Any]])
        XCTAssertEqual(groups.count, ReportFixture.layout.count)
        let csvText = try String(contentsOf: csv, encoding: .utf8)
        XCTAssertFalse(csvText.contains("\n\n"), "no blank lines")
        let rows = try CSV.parse(csvText, path: csv.path).filter { $0 != [""] }
        XCTAssertEqual(
            rows.first,
            [
                "model", "prompt", "n_images", "n", "subsets", "exhaustive", "scs_mean", "scs_low", "scs_high", "within_delta", "scs_full",
                "n_needed", "n_needed_projected"
            ])
        XCTAssertEqual(rows.count - 1, ReportFixture.layout.reduce(0) { $0 + $1.photos.count - 1 }, "one row per group and n = 2 … N")
        for g in groups {
            let key = "\(g["model"] as! String)/\(g["prompt"] as! String)"
            let full = try XCTUnwrap(Self.number(g["scs"]))
            XCTAssertEqual(full, try XCTUnwrap(scs[key]), accuracy: 1e-9, key)
            let curve = try XCTUnwrap(g["curve"] as? [[String: Any]])
            for p in curve {
                XCTAssertEqual(p["exhaustive"] as? Bool, true, "\(key): at most 6 subsets, all enumerated")
                XCTAssertEqual(try XCTUnwrap(Self.number(p["mean"])), full, accuracy: 1e-9, "\(key) n=\(p["n"]!)")
            }
            let last = try XCTUnwrap(curve.last)
            XCTAssertEqual(Self.number(last["low"]), Self.number(last["high"]), key)
            XCTAssertEqual(Self.number(last["within_delta"]), 1, key)
            let mine = rows.filter { "\($0[0])/\($0[1])" == key }
            XCTAssertEqual(mine.count, curve.count, key)
            XCTAssertEqual(mine.last.flatMap { Double($0[6]) }, Self.number(last["mean"]), key)
            XCTAssertEqual(mine.first?[11], "\(g["n_needed"] as! Int)", key)
            // Hoeffding's components need 4 images.
            let images = try XCTUnwrap(g["n_images"] as? Int)
            if images < 4 { XCTAssertTrue(g["n_needed_projected"] is NSNull, key) }
        }
        // Drawn subsets: seeded, so reproducible, and the seed matters.
        let (a, _, jsonA) = try seeds(f, ["--draws", "2", "--seed", "5"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let first = try Data(contentsOf: jsonA)
        _ = try seeds(f, ["--draws", "2", "--seed", "5"])
        XCTAssertEqual(try Data(contentsOf: jsonA), first)
        _ = try seeds(f, ["--draws", "2", "--seed", "6"])
        XCTAssertNotEqual(try Data(contentsOf: jsonA), first)
    }

    /// The report shows the seeds section with both figures, and the power line of a comparison
    /// made with --power under its verdict.
    func testReportShowsTheSeedsFiguresAndThePowerLine() throws {
        let f = try ReportFixture.get()
        let (r, _, json) = try seeds(f)
        XCTAssertEqual(r.status, 0, r.stderr)
        let compare = work.appendingPathComponent("compare-power.json")
        let c = try CLIRunner.run(
            ["compare", f.scores.path, "--a", "pixart", "--b", "SDXL", "--json", compare.path, "--bootstrap", "99", "--power", "--power-draws", "100"]
        )
        XCTAssertEqual(c.status, 0, c.stderr)
        let powerLine = try XCTUnwrap(c.stdout.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(powerLine.hasPrefix("not significant; ") || powerLine.hasPrefix("power: "), c.stdout)
        let out = work.appendingPathComponent("report")
        let args = [
            "report", f.dataset.path, "--scores", f.scores.path, "--out", out.path, "--cache", f.cache.path, "--quiet",
            "--compare", compare.path, "--seeds", json.path
        ]
        let report = try CLIRunner.run(args)
        XCTAssertEqual(report.status, 0, report.stderr)
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("<h2 id=\"seeds\">How many seeds</h2>"))
        XCTAssertTrue(index.contains("pixart: 3–4 images per prompt pin the score"), "the summary line")
        XCTAssertTrue(index.contains("<p class=\"power\">\(powerLine)</p>"), "the power line")
        for figure in ["figures/seeds.svg", "figures/seeds-needed.svg"] {
            let svg = try String(contentsOf: out.appendingPathComponent(figure), encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<?xml"), figure)
        }
        let curves = try String(contentsOf: out.appendingPathComponent("figures/seeds.svg"), encoding: .utf8)
        XCTAssertEqual(curves.components(separatedBy: "class=\"seeds-band\"").count - 1, 3, "one band per model")
        // A file that is not a seeds study is refused with one line naming it.
        let bad = try CLIRunner.run(args.dropLast() + [compare.path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("\(compare.path): not the JSON of a seeds study"), bad.stderr)
    }

    /// compare --power through the CLI finds the K and the powers that the SciPy replay in
    /// Tests/Fixtures/stats/power.json found for the same differences and seed.
    func testComparePowerMatchesTheSciPyReplay() throws {
        let cases = try XCTUnwrap(
            (try loadJSON(TestPaths.fixtures.appendingPathComponent("stats/power.json")) as? [String: Any])?["cases"] as? [[String: Any]])
        let c = try XCTUnwrap(cases.first { $0["name"] as? String == "12 points on 5 prompts" })
        let d = Self.numbers(c["differences"])
        // A's scores are the differences, B's zero: a − b is each difference exactly.
        var text = "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max\n"
        for (i, x) in d.enumerated() { text += "pixart,p\(i),20,190,\(x),5,40,95\nSDXL,p\(i),20,190,0,5,40,95\n" }
        let scores = work.appendingPathComponent("scores.csv"), out = work.appendingPathComponent("c.json")
        try text.write(to: scores, atomically: true, encoding: .utf8)
        let r = try CLIRunner.run([
            "compare", scores.path, "--a", "pixart", "--b", "SDXL", "--bootstrap", "0", "--power", "--power-draws", "\(c["draws"] as! Int)",
            "--seed", "\(c["seed"] as! Int)", "--json", out.path
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let k = try XCTUnwrap(c["prompts"] as? Int)
        XCTAssertTrue(r.stdout.contains("not significant; about \(k) prompts would detect a difference of +"), r.stdout)
        let power = try XCTUnwrap((try loadJSON(out) as? [String: Any])?["power"] as? [String: Any])
        XCTAssertEqual(power["prompts_needed"] as? Int, k)
        let ours = (power["evaluated"] as? [[String: Any]] ?? []).map { Self.number($0["power"]) }
        let theirs = (c["evaluated"] as? [[String: Any]] ?? []).map { Self.number($0["power"]) }
        XCTAssertEqual(ours, theirs)
    }

    /// An n-dependent metric across groups of different n is refused in one line naming the metric
    /// and two groups; --allow-unequal-n lets it through; the SCS of the same file is never refused.
    func testUnequalImageCountsAreRefusedForNDependentMetricsOnly() throws {
        var text = "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max,vendi\n"
        for i in 0..<6 {
            text += "pixart,p\(i),20,190,\(70 + i),5,40,95,\(3.0 + Double(i) / 7)\n"
            text += "SDXL,p\(i),\(i == 3 ? 12 : 20),\(i == 3 ? 66 : 190),\(60 + 2 * i),5,40,95,\(4.0 + Double(i) / 5)\n"
        }
        let scores = work.appendingPathComponent("scores.csv")
        try text.write(to: scores, atomically: true, encoding: .utf8)
        let refused = try CLIRunner.run(["compare", scores.path, "--a", "pixart", "--b", "SDXL", "--metric", "vendi", "--bootstrap", "0"])
        XCTAssertNotEqual(refused.status, 0)
        let line = refused.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(line.contains("\n"), "one line: \(line)")
        XCTAssertTrue(line.contains("vendi depends on the number of images"), line)
        XCTAssertTrue(line.contains("pixart/p0 has 20") && line.contains("SDXL/p3 has 12"), line)
        XCTAssertTrue(line.contains("--allow-unequal-n"), line)
        let allowed = try CLIRunner.run(
            ["compare", scores.path, "--a", "pixart", "--b", "SDXL", "--metric", "vendi", "--bootstrap", "0", "--allow-unequal-n"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        let many = try CLIRunner.run(["compare", scores.path, "--metric", "vendi", "--bootstrap", "0"])
        XCTAssertTrue(many.stderr.contains("vendi depends on the number of images"), many.stderr)
        let scs = try CLIRunner.run(["compare", scores.path, "--a", "pixart", "--b", "SDXL", "--bootstrap", "0"])
        XCTAssertEqual(scs.status, 0, scs.stderr)
    }
}
