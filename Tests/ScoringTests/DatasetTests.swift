import Foundation
import SCSScoring
import TestSupport
import XCTest

final class DatasetTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = try makeTemporaryDirectory("scs-dataset")
        let photo = TestPaths.sharedImages.appendingPathComponent("rocket.jpg")
        for (model, prompt, files) in [("SDXL", "a cat", ["2.jpg", "10.jpg", "1.png"]), ("SDXL", "a dog", ["5.webp", "3.JPG"]),
                                       ("pixart", "a cat", ["7.jpg", "8.jpg"])] {
            let dir = root.appendingPathComponent(model).appendingPathComponent(prompt)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for f in files { try FileManager.default.copyItem(at: photo, to: dir.appendingPathComponent(f)) }
        }
        try Data("notes".utf8).write(to: root.appendingPathComponent("SDXL/a cat/notes.txt"))
        try Data().write(to: root.appendingPathComponent("SDXL/a cat/.DS_Store"))
        try Data().write(to: root.appendingPathComponent("README.md"))
    }

    func testModelPromptLayoutIsSortedAndCountsIgnoredFiles() throws {
        let d = try Dataset.scan(root: root.path)
        XCTAssertEqual(d.items.map { "\($0.model)/\($0.prompt)/\(URL(fileURLWithPath: $0.path).lastPathComponent)" }, [
            "SDXL/a cat/1.png", "SDXL/a cat/10.jpg", "SDXL/a cat/2.jpg", "SDXL/a dog/3.JPG", "SDXL/a dog/5.webp",
            "pixart/a cat/7.jpg", "pixart/a cat/8.jpg",
        ])
        XCTAssertEqual(d.ignored.count, 3)  // notes.txt, .DS_Store, README.md
        XCTAssertEqual(d.groups.map(\.indices.count), [3, 2, 2])
        XCTAssertEqual(d.items.first?.seed, "1")
    }

    func testPromptLayoutNamesTheModelAfterTheFolder() throws {
        let d = try Dataset.scan(root: root.appendingPathComponent("pixart").path, layout: .prompt)
        XCTAssertEqual(Set(d.items.map(\.model)), ["pixart"])
        XCTAssertEqual(d.items.count, 2)
    }

    func testEmptyPromptFolderIsAnErrorNamingIt() throws {
        let empty = root.appendingPathComponent("pixart/a fish")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertThrowsError(try Dataset.scan(root: root.path)) { error in
            XCTAssertEqual(error as? DatasetError, .emptyGroup(folder: empty.path))
            XCTAssertTrue("\(error)".contains("a fish"))
        }
        let allowed = try Dataset.scan(root: root.path, allowEmptyGroups: true)
        XCTAssertEqual(allowed.emptyGroups, [empty.path])
    }

    func testMissingRootIsAnError() {
        XCTAssertThrowsError(try Dataset.scan(root: "/nonexistent/scs")) { XCTAssertEqual($0 as? DatasetError, .notFound("/nonexistent/scs")) }
    }

    func testCSVManifestWithQuotesAndRelativePaths() throws {
        let csv = root.appendingPathComponent("manifest.csv")
        let lines = ["model,prompt,path,seed", #"m2,"a cat, sitting",SDXL/a cat/2.jpg,2"#, #"m1,"say ""hi""",pixart/a cat/7.jpg,7"#, ""]
        try Data(lines.joined(separator: "\n").utf8).write(to: csv)
        let d = try Dataset.manifest(at: csv.path)
        XCTAssertEqual(d.items.map(\.model), ["m1", "m2"])
        XCTAssertEqual(d.items[0].prompt, "say \"hi\"")
        XCTAssertEqual(d.items[1].prompt, "a cat, sitting")
        XCTAssertEqual(d.items[1].path, root.appendingPathComponent("SDXL/a cat/2.jpg").path)
        XCTAssertEqual(d.items[1].seed, "2")
    }

    func testJSONLManifest() throws {
        let jsonl = root.appendingPathComponent("m.jsonl")
        try Data("""
        {"model": "a", "prompt": "p", "path": "SDXL/a cat/2.jpg", "seed": 2}
        {"model": "a", "prompt": "p", "path": "\(root.appendingPathComponent("SDXL/a cat/10.jpg").path)"}
        """.utf8).write(to: jsonl)
        let d = try Dataset.manifest(at: jsonl.path)
        XCTAssertEqual(d.items.count, 2)
        XCTAssertEqual(d.items.first { $0.path.hasSuffix("2.jpg") }?.seed, "2")
    }

    func testBadManifestsNameFileAndLine() throws {
        let csv = root.appendingPathComponent("bad.csv")
        try Data("model,prompt\na,b\n".utf8).write(to: csv)
        XCTAssertThrowsError(try Dataset.manifest(at: csv.path)) { XCTAssertTrue("\($0)".contains("bad.csv:1: header has no path column"), "\($0)") }
        try Data("model,prompt,path\na,b\n".utf8).write(to: csv)
        XCTAssertThrowsError(try Dataset.manifest(at: csv.path)) { XCTAssertTrue("\($0)".contains("bad.csv:2:"), "\($0)") }
        let jsonl = root.appendingPathComponent("bad.jsonl")
        try Data("{\"model\": \"a\", \"prompt\": \"b\"}\n".utf8).write(to: jsonl)
        XCTAssertThrowsError(try Dataset.manifest(at: jsonl.path)) { XCTAssertTrue("\($0)".contains("bad.jsonl:1: missing field path"), "\($0)") }
    }
}
