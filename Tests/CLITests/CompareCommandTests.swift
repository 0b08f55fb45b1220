import Foundation
import TestSupport
import XCTest

/// `scs compare` end to end, as a user runs it: the built binary on a scores.csv in the core's
/// format. References: SciPy's values for the same samples (Tests/Fixtures/stats/tests.json,
/// scripts/oracle/make_stats_fixtures.py), the paper's Monet lists (../shared/paper/resources).
final class CompareCommandTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory("scs-compare")
    }

    /// Writes a scores.csv (header of `scs score`, RFC 4180 quoting) and returns its path.
    func writeScores(_ rows: [(model: String, prompt: String, scs: String)], name: String = "scores.csv") throws -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var text = "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max\n"
        for r in rows { text += "\(quote(r.model)),\(quote(r.prompt)),20,190,\(r.scs),5.0,40.0,95.0\n" }
        let path = work.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A JSON number as written, read through its decimal text (JSONSerialization's
    /// NSDecimalNumber loses the last digits of a double).
    func number(_ value: Any?) -> Double? {
        (value as? NSNumber).flatMap { Double($0.description) }
    }

    func json(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(try loadJSON(URL(fileURLWithPath: path)) as? [String: Any])
    }

    /// SciPy's own samples through the CLI: every test's statistic and p-value in --json match
    /// scipy.stats within 1e-9, prompts with commas and quotes survive the CSV, and the report
    /// ends in the verdict.
    func testTwoModelsMatchSciPyThroughTheCLI() throws {
        let fixture = try XCTUnwrap(try loadJSON(TestPaths.fixtures.appendingPathComponent("stats/tests.json")) as? [String: Any])
        let cases = try XCTUnwrap(fixture["cases"] as? [[String: Any]])
        for name in ["random n=30", "ties and zeros n=25", "random n=100"] {
            let c = try XCTUnwrap(cases.first { $0["name"] as? String == name }, name)
            let x = (c["x"] as? [Any] ?? []).compactMap(number), y = (c["y"] as? [Any] ?? []).compactMap(number)
            var rows: [(String, String, String)] = []
            for (i, (a, b)) in zip(x, y).enumerated() {
                let prompt = i == 0 ? "a cat, \"quoted\", in a hat" : "prompt \(i)"
                rows.append(("pixart", prompt, "\(a)"))
                rows.append(("SDXL", prompt, "\(b)"))
            }
            let scores = try writeScores(rows), out = work.appendingPathComponent("out.json").path
            let r = try CLIRunner.run(["compare", scores, "--a", "pixart", "--b", "SDXL", "--json", out, "--bootstrap", "500"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertTrue(last.hasPrefix("pixart is more consistent than SDXL: +") || last.hasPrefix("no significant difference"), last)
            XCTAssertTrue(last.hasSuffix("\(x.count) prompts"), last)
            let document = try json(out)
            XCTAssertEqual(document["n_pairs"] as? Int, x.count)
            let tests = try XCTUnwrap(document["tests"] as? [String: [String: Any]])
            let expected = try XCTUnwrap(c["results"] as? [String: [String: Any]])
            for (key, e) in expected {
                let ours = try XCTUnwrap(tests[key], key)
                for field in ["statistic", "pvalue"] {
                    let o = try XCTUnwrap(number(ours[field]), "\(name) \(key).\(field)"), s = try XCTUnwrap(number(e[field]))
                    XCTAssertEqual(o, s, accuracy: max(1e-9 * abs(s), 1e-12), "\(name) \(key).\(field)")
                }
            }
        }
    }

    /// The paper's LoRA comparison in one command: both sides under SDXL, paired line by line
    /// from the two Monet lists. The drift from line 16 to 27 is reported and left out, a list
    /// prompt without a group is reported, folder names with "_" for "'" are found.
    func testLoRAComparisonFromTheTwoLists() throws {
        let resources = TestPaths.shared.appendingPathComponent("paper/resources")
        let loraList = resources.appendingPathComponent("prompts_monet_lora.txt").path
        let sdxlList = resources.appendingPathComponent("prompts_monet_sdxl.txt").path
        guard FileManager.default.fileExists(atPath: loraList) else { throw XCTSkip("no \(loraList)") }
        let lora = try String(contentsOfFile: loraList, encoding: .utf8).split(separator: "\n").map(String.init)
        let sdxl = try String(contentsOfFile: sdxlList, encoding: .utf8).split(separator: "\n").map(String.init)
        var rows: [(String, String, String)] = []
        for (i, p) in lora.enumerated() where i != 40 {  // line 41's LoRA group is missing
            rows.append(("SDXL", p.replacingOccurrences(of: "'", with: "_"), "\(72 + Double(i % 7))"))
        }
        for (i, p) in sdxl.enumerated() { rows.append(("SDXL", p.replacingOccurrences(of: "'", with: "_"), "\(69 + Double(i % 5))")) }
        let scores = try writeScores(rows), out = work.appendingPathComponent("lora.json").path
        let r = try CLIRunner.run([
            "compare", scores, "--a", "SDXL", "--b", "SDXL", "--pairs-a", loraList, "--pairs-b", sdxlList,
            "--label-a", "Monet LoRA", "--label-b", "SDXL", "--json", out, "--bootstrap", "500"
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("13 lines do not pair cleanly (13 left out)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("line 16: "), r.stdout)
        XCTAssertTrue(r.stdout.contains("line 41: \"\(lora[40])\" has no group under SDXL"), r.stdout)
        XCTAssertTrue(r.stdout.split(separator: "\n").last!.hasPrefix("Monet LoRA is more consistent than SDXL: +"), r.stdout)
        let document = try json(out)
        XCTAssertEqual(document["n_pairs"] as? Int, 37)
        let pairing = try XCTUnwrap(document["pairing"] as? [String: Any])
        XCTAssertEqual((pairing["issues"] as? [Any])?.count, 13)
        XCTAssertEqual((pairing["substitution"] as? [String: String])?["a"], "TOK")

        let kept = try CLIRunner.run([
            "compare", scores, "--a", "SDXL", "--b", "SDXL", "--pairs-a", loraList, "--pairs-b", sdxlList,
            "--keep-mismatched", "--json", out, "--bootstrap", "0"
        ])
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertEqual(try json(out)["n_pairs"] as? Int, 49)

        // The same pairing as a two-column CSV.
        var csv = "lora,sdxl\n"
        for (a, b) in zip(lora, sdxl) { csv += "\"\(a)\",\"\(b)\"\n" }
        let pairsFile = work.appendingPathComponent("pairs.csv").path
        try csv.write(toFile: pairsFile, atomically: true, encoding: .utf8)
        let viaCSV = try CLIRunner.run(["compare", scores, "--a", "SDXL", "--b", "SDXL", "--pairs", pairsFile, "--json", out, "--bootstrap", "0"])
        XCTAssertEqual(viaCSV.status, 0, viaCSV.stderr)
        XCTAssertEqual(try json(out)["n_pairs"] as? Int, 37)
        XCTAssertTrue(viaCSV.stdout.contains("line 17: "), "row 17 of the CSV is list line 16")
    }

    /// More than two models: every pair with Holm-adjusted p-values and the Friedman test over
    /// the prompts all share; with no model named, every model in the file.
    func testThreeModels() throws {
        var rows: [(String, String, String)] = []
        for i in 0..<30 {
            let base = 66 + 5 * sin(Double(i))
            rows.append(("SDXL", "p\(i)", "\(base + cos(Double(i) * 3))"))
            rows.append(("pixart", "p\(i)", "\(base + 4 + cos(Double(i) * 5))"))
            rows.append(("flux", "p\(i)", "\(base + 1 + sin(Double(i) * 7))"))
        }
        let scores = try writeScores(rows), out = work.appendingPathComponent("multi.json").path
        for arguments in [["--models", "SDXL,pixart,flux"], []] {
            let r = try CLIRunner.run(["compare", scores, "--json", out, "--bootstrap", "200"] + arguments)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.split(separator: "\n").last!.hasPrefix("pixart is the most consistent of 3 models"), r.stdout)
            let document = try json(out)
            XCTAssertEqual(document["n_shared_prompts"] as? Int, 30)
            XCTAssertNotNil(number((document["friedmanchisquare"] as? [String: Any])?["pvalue"]))
            let comparisons = try XCTUnwrap(document["comparisons"] as? [[String: Any]])
            XCTAssertEqual(comparisons.count, 3)
            let wilcoxon = try XCTUnwrap((comparisons[0]["tests"] as? [String: [String: Any]])?["wilcoxon"])
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(number(wilcoxon["pvalue_holm"])), try XCTUnwrap(number(wilcoxon["pvalue"])))
        }
    }

    /// Bad input: one line on stderr naming the problem and a non-zero status; too few pairs
    /// for a test: the test is "not computable" with its reason, the rest is computed.
    func testBadInputs() throws {
        let good = try writeScores([("A", "p", "50"), ("B", "p", "60"), ("A", "q", "52"), ("B", "q", "58")])
        let cases: [(arguments: [String], expected: String)] = [
            (["compare", good, "--a", "A", "--b", "C"], "no model \"C\""),
            (
                ["compare", try writeScores([("A", "p", "nan"), ("B", "p", "1")], name: "nan.csv"), "--a", "A", "--b", "B"],
                "not a finite number: \"nan\""
            ),
            (["compare", try writeScores([("A", "p", "high"), ("B", "p", "1")], name: "text.csv")], "not a finite number: \"high\""),
            (["compare", try writeScores([("A", "p", "1"), ("A", "p", "2")], name: "twice.csv"), "--a", "A", "--b", "A"], "scored twice"),
            (["compare", good, "--a", "A", "--b", "A"], "give --pairs-a/--pairs-b or --pairs"),
            (["compare", work.appendingPathComponent("missing.csv").path], "no such scores file"),
            (["compare", good, "--a", "A", "--b", "B", "--pairs-a", "/nonexistent", "--pairs-b", "/nonexistent"], "no such prompt list"),
            (["compare", try writeScores([("A", "only", "1"), ("B", "other", "2")], name: "disjoint.csv")], "no prompt pairs A with B")
        ]
        for (arguments, expected) in cases {
            let r = try CLIRunner.run(arguments)
            XCTAssertNotEqual(r.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains(expected), "\(arguments): \(r.stderr)")
        }
        let malformed = work.appendingPathComponent("malformed.csv").path
        try "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max\nA,\"p,20,190,1,1,1,1\n".write(
            toFile: malformed, atomically: true, encoding: .utf8)
        let m = try CLIRunner.run(["compare", malformed])
        XCTAssertNotEqual(m.status, 0)
        XCTAssertTrue(m.stderr.contains("unterminated quoted field"), m.stderr)
        XCTAssertEqual(m.stderr.split(separator: "\n").count, 1, m.stderr)

        let out = work.appendingPathComponent("two.json").path
        let few = try CLIRunner.run(["compare", good, "--a", "A", "--b", "B", "--json", out])
        XCTAssertEqual(few.status, 0, few.stderr)
        XCTAssertTrue(few.stdout.contains("not computable: needs at least 3 observations, got 2"), few.stdout)
        XCTAssertFalse(few.stdout.lowercased().contains("nan"), few.stdout)
        let tests = try XCTUnwrap(try json(out)["tests"] as? [String: [String: Any]])
        XCTAssertEqual(tests["shapiro_a"]?["not_computable"] as? String, "needs at least 3 observations, got 2")
        XCTAssertTrue(tests["shapiro_a"]?["statistic"] is NSNull)
    }
}
