import TestSupport
import XCTest
@testable import SCSScoring

/// A prompt's category, from the manifests to scores.csv's `category` column, only when known.
final class CategoryColumnTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTemporaryDirectory("scs-category-column") }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    let provenance = ScoreProvenance(backbone: .clip, fingerprint: "abc", precision: .fp32, preprocessing: .clip)

    func score(_ prompt: String, _ category: String?) -> GroupScore {
        GroupScore(model: "M", prompt: prompt, nImages: 2, nPairs: 1, scs: 50, pairSD: 0, pairMin: 50, pairMax: 50, category: category)
    }

    func testTheColumnFollowsPromptOnlyWhenAGroupHasACategory() throws {
        let path = dir.appendingPathComponent("scores.csv").path
        try ScoresFile.write([score("a cat", "Animals"), score("a, car", nil)], provenance: provenance, to: path)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines[0], (["model", "prompt", "category"] + ScoresFile.scoreColumns.dropFirst(2) + ScoreProvenance.columns).joined(separator: ","))
        XCTAssertTrue(lines[1].hasPrefix("M,a cat,Animals,2,1,50.0,"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("M,\"a, car\",,2,1,50.0,"), lines[2])
        let file = try ScoresFile.read(path)
        XCTAssertEqual(file.rows.map(\.category), ["Animals", nil])
        XCTAssertEqual(try file.groupScores().map(\.category), ["Animals", nil])
        XCTAssertEqual(file.rows.map { $0.values[.scs] }, [50, 50])

        // Without categories, the columns are as they always were.
        try ScoresFile.write([score("a cat", nil)], provenance: provenance, to: path)
        let plain = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(plain[0], (ScoresFile.scoreColumns + ScoreProvenance.columns).joined(separator: ","))
        XCTAssertNil(try ScoresFile.read(path).rows[0].category)
    }

    func testManifestsCarryTheCategory() throws {
        for name in ["m.jsonl", "m.csv"] {
            let text =
                name.hasSuffix(".jsonl")
                ? "{\"model\":\"M\",\"prompt\":\"a cat\",\"path\":\"x.jpg\",\"category\":\"Animals\"}\n{\"model\":\"M\",\"prompt\":\"a car\",\"path\":\"y.jpg\"}\n"
                : "model,prompt,path,category\nM,a cat,x.jpg,Animals\nM,a car,y.jpg,\n"
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let dataset = try Dataset.manifest(at: path)
            XCTAssertEqual(dataset.groups.map(\.prompt), ["a car", "a cat"], name)
            XCTAssertEqual(dataset.groupCategories(), [nil, "Animals"], name)
            XCTAssertTrue(dataset.hasCategories)
        }
    }

    func testAGroupWhoseImagesDisagreeHasNoCategory() {
        let items = [
            ImageItem(model: "M", prompt: "p", path: "/1", category: "A"), ImageItem(model: "M", prompt: "p", path: "/2", category: "B"),
            ImageItem(model: "M", prompt: "q", path: "/3", category: "A"), ImageItem(model: "M", prompt: "q", path: "/4")
        ]
        XCTAssertEqual(Dataset(items: items).groupCategories(), [nil, "A"])
        XCTAssertFalse(Dataset(items: [ImageItem(model: "M", prompt: "p", path: "/1")]).hasCategories)
    }
}
