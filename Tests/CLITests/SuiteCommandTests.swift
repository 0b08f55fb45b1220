import Foundation
import GenerateStubs
import SCSGenerate
import TestSupport
import XCTest

/// A prompt suite end to end: `scs generate --suite parti --category … --limit 5` against the
/// AUTOMATIC1111 stand-in for two models, `scs score` carrying the manifest's categories into
/// scores.csv, `scs compare --by category` and the report's category section.
final class SuiteCommandTests: XCTestCase {
    let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
    var work: URL!
    var out: URL { work.appendingPathComponent("study") }
    var servers: [StubServer] = []

    override func setUpWithError() throws { work = try makeTemporaryDirectory("scs-cli-suite") }

    override func tearDown() async throws {
        for s in servers { await s.stop() }
        try? FileManager.default.removeItem(at: work)
    }

    func generate(_ stub: A1111Stub, model: String, categories: String, seeds: [Int64], _ more: [String] = []) throws -> CLIResult {
        let seedFile = work.appendingPathComponent("seeds-\(model)-\(seeds.map(String.init).joined(separator: "-")).txt")
        try Data(seeds.map { "\($0)\n" }.joined().utf8).write(to: seedFile)
        return try CLIRunner.run(
            [
                "generate", "--backend", "a1111", "--url", stub.url.absoluteString, "--suite", "parti", "--category", categories,
                "--limit", "5", "--seeds", seedFile.path, "--model-name", model, "--out", out.path, "--quiet"
            ] + more)
    }

    func manifestLines() throws -> [JSONValue] {
        let text = try String(contentsOf: out.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try XCTUnwrap(JSONValue.parse(Data($0.utf8))) }
    }

    func testPartiByCategoryFromGenerationToCompareAndReport() async throws {
        let stub = try await A1111Stub.start()
        servers.append(stub.server)
        let parti = try BuiltInSuite.parti.load()
        let animals = parti.prompts.filter { $0.category == "Animals" }.prefix(5)
        let vehicles = parti.prompts.filter { $0.category == "Vehicles" }.prefix(5)

        // The dry run shows the suite and each prompt's category, and sends nothing.
        let dry = try generate(stub, model: "A", categories: "Animals", seeds: [0, 1, 2], ["--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("suite     parti"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("categories Animals (5)"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("[Animals / "), dry.stdout)
        XCTAssertEqual(stub.bodies.count, 0)

        // Model A: the first 5 Animals prompts; every manifest line carries suite, category and challenge.
        let first = try generate(stub, model: "A", categories: "Animals", seeds: [0, 1, 2])
        XCTAssertEqual(first.status, 0, first.stderr)
        let lines = try manifestLines()
        XCTAssertEqual(lines.count, 15)
        XCTAssertEqual(Set(lines.compactMap { $0["prompt"]?.stringValue }), Set(animals.map(\.text)))
        for line in lines {
            XCTAssertEqual(line["suite"], "parti")
            XCTAssertEqual(line["category"], "Animals")
            let prompt = try XCTUnwrap(animals.first { $0.text == line["prompt"]?.stringValue })
            XCTAssertEqual(line["challenge"]?.stringValue, prompt.challenge)
        }
        // A second category: the run resumes (Animals is on disk) and adds 5 Vehicles prompts.
        let second = try generate(stub, model: "A", categories: "Animals,Vehicles", seeds: [0, 1, 2])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(stub.bodies.count, 30)
        // Model B with other seeds, so the stub's images differ: for Animals three draws of one
        // photo (seeds 0, 4, 8), for Vehicles two of one and one other (0, 4, 1).
        XCTAssertEqual(try generate(stub, model: "B", categories: "Animals", seeds: [0, 4, 8]).status, 0)
        XCTAssertEqual(try generate(stub, model: "B", categories: "Vehicles", seeds: [0, 4, 1]).status, 0)
        let all = try manifestLines()
        XCTAssertEqual(all.count, 60)
        XCTAssertEqual(all.filter { $0["category"] == "Vehicles" }.count, 30)

        // Scores: a category column, from the manifest beside the model folders.
        let csv = work.appendingPathComponent("scores.csv").path
        let score = try CLIRunner.run(["score", out.path, "--model", tiny, "--no-cache", "--out", csv, "--quiet"])
        XCTAssertEqual(score.status, 0, score.stderr)
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertTrue(rows[0].hasPrefix("model,prompt,category,n_images,"), rows[0])
        XCTAssertEqual(rows.count, 21)
        XCTAssertEqual(rows.filter { $0.contains(",Animals,3,3,") }.count, 10)
        XCTAssertEqual(rows.filter { $0.contains(",Vehicles,3,3,") }.count, 10)

        // Compare by category: a row per category, Holm across them, and the JSON.
        let json = work.appendingPathComponent("by-category.json").path
        let compare = try CLIRunner.run(["compare", csv, "--a", "A", "--b", "B", "--by", "category", "--bootstrap", "200", "--json", json])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let table = compare.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(table.contains { $0.hasPrefix("category") && $0.contains("Holm") && $0.contains("verdict") }, compare.stdout)
        XCTAssertTrue(table.contains { $0.hasPrefix("Animals ") && $0.contains(" 5 ") }, compare.stdout)
        XCTAssertTrue(table.contains { $0.hasPrefix("Vehicles ") && $0.contains(" 5 ") }, compare.stdout)
        XCTAssertEqual(table.last, "2 categories, 2 compared (Holm across them), 0 with a significant difference", compare.stdout)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        XCTAssertEqual(document["by"] as? String, "category")
        let categories = try XCTUnwrap(document["categories"] as? [[String: Any]])
        XCTAssertEqual(categories.map { $0["category"] as? String }, ["Animals", "Vehicles"])
        XCTAssertEqual(categories.map { $0["n_prompts"] as? Int }, [5, 5])
        // B drew one photo three times for Animals: A is less consistent in every prompt.
        let animalsDifference = try XCTUnwrap(categories[0]["mean_difference"] as? Double)
        XCTAssertLessThan(animalsDifference, -1)
        for c in categories {
            let p = try XCTUnwrap(c["pvalue"] as? Double), holm = try XCTUnwrap(c["pvalue_holm"] as? Double)
            XCTAssertGreaterThanOrEqual(holm, p)
        }

        // The report: the category table, its figure, and the comparison's per-category verdicts.
        let report = work.appendingPathComponent("report").path
        let made = try CLIRunner.run([
            "report", out.path, "--scores", csv, "--compare", json, "--model", tiny, "--no-cache", "--out", report, "--quiet"
        ])
        XCTAssertEqual(made.status, 0, made.stderr)
        let index = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("<h2 id=\"categories\">By category</h2>"), index)
        XCTAssertTrue(index.contains("<td>Animals</td>") && index.contains("<td>Vehicles</td>"))
        XCTAssertTrue(index.contains("A vs B, by category"))
        XCTAssertTrue(index.contains("2 categories, 2 compared (Holm across them)"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: report + "/figures/categories.svg"))
        let svg = try String(contentsOfFile: report + "/figures/categories.svg", encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 2 * 2 + 2)
        XCTAssertTrue(animals.count == 5 && vehicles.count == 5)
    }

    func testUnknownCategoryAndMissingPromptsAreOneLine() throws {
        let r = try CLIRunner.run([
            "generate", "--backend", "a1111", "--suite", "parti", "--category", "Dinosaurs", "--n", "2", "--seed-base", "0",
            "--model-name", "M", "--out", out.path, "--dry-run"
        ])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("parti has no category \"Dinosaurs\" (it has: Abstract, "), r.stderr)
        let none = try CLIRunner.run(["generate", "--backend", "a1111", "--n", "2", "--seed-base", "0", "--model-name", "M", "--out", out.path])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("give --prompts FILE or --suite NAME (parti, geneval, paper)"), none.stderr)
    }
}
