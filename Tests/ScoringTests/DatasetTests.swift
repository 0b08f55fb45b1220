import Foundation
import SCSImaging
import SCSScoring
import TestSupport
import XCTest

final class DatasetTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = try makeTemporaryDirectory("scs-dataset")
        let photo = TestPaths.sharedImages.appendingPathComponent("rocket.jpg")
        for (model, prompt, files) in [
            ("SDXL", "a cat", ["2.jpg", "10.jpg", "1.png"]), ("SDXL", "a dog", ["5.webp", "3.JPG"]),
            ("pixart", "a cat", ["7.jpg", "8.jpg"])
        ] {
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
        XCTAssertEqual(
            d.items.map { "\($0.model)/\($0.prompt)/\(URL(fileURLWithPath: $0.path).lastPathComponent)" },
            [
                "SDXL/a cat/1.png", "SDXL/a cat/10.jpg", "SDXL/a cat/2.jpg", "SDXL/a dog/3.JPG", "SDXL/a dog/5.webp",
                "pixart/a cat/7.jpg", "pixart/a cat/8.jpg"
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

    /// Symlinked folders are followed; loops, a name that is not UTF-8, a FIFO and a broken
    /// symlink are each named with the reason, never counted as hidden or non-image files.
    func testSymlinksLoopsSpecialFilesAndNamesThatAreNotUTF8AreFollowedOrNamed() throws {
        let work = try makeTemporaryDirectory("scs-messy")
        defer { MessyDataset.remove(work) }
        let data = try MessyDataset.make(in: work)
        let d = try Dataset.scan(root: data.path, allowEmptyGroups: true)
        let base = URL(fileURLWithPath: data.path).standardizedFileURL.path
        XCTAssertEqual(d.groups.map { "\($0.model)/\($0.prompt)" }, MessyDataset.scoredGroups)
        let cats = d.items.filter { $0.model == "SDXL" && $0.prompt == "a cat" }.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        XCTAssertEqual(cats, MessyDataset.brokenImages.map(\.0) + MessyDataset.goodCats, "listed by name; decoding is the scorer's job")
        XCTAssertEqual(
            d.items.first { $0.prompt == "a dog" && $0.model == "SDXL" }?.path, base + "/SDXL/a dog/1.jpg",
            "a symlinked prompt folder keeps its path in the dataset")
        XCTAssertEqual(d.ignored, [], "nothing here is hidden or a non-image file")
        XCTAssertTrue(d.emptyGroups.isEmpty)

        XCTAssertEqual(
            d.excluded.count, MessyDataset.excludedGroups.count + MessyDataset.listingSkips.count + MessyDataset.rootSkips.count,
            "\(d.excluded)")
        for (name, reason) in MessyDataset.rootSkips {
            XCTAssertEqual(d.excluded.first { $0.path == "\(base)/\(name)" }, DatasetExclusion(path: "\(base)/\(name)", reason: reason))
        }
        for (model, prompt, reason) in MessyDataset.excludedGroups {
            let e = try XCTUnwrap(d.excluded.first { $0.prompt == prompt }, prompt)
            XCTAssertEqual(e.model, model)
            XCTAssertEqual(e.path, "\(base)/\(model)/\(prompt)")
            XCTAssertTrue(e.reason.contains(reason), e.reason)
            XCTAssertFalse(e.description.contains("\n"), "one line")
        }
        for (file, reason) in MessyDataset.listingSkips {
            let e = try XCTUnwrap(d.excluded.first { $0.path == "\(base)/SDXL/a cat/\(file)" }, file)
            XCTAssertNil(e.prompt, "a file, not a group")
            XCTAssertTrue(e.reason.hasPrefix(reason), e.reason)
        }

        // Foundation alone would miss them: it reports symlinked folders as files and cannot spell
        // the name that is not UTF-8 (this is why the lister reads names as bytes).
        let foundation = try FileManager.default.contentsOfDirectory(atPath: base + "/SDXL")
        XCTAssertFalse(foundation.contains { Array($0.utf8).contains(0xE9) })
        XCTAssertThrowsError(try FileManager.default.contentsOfDirectory(atPath: base + "/SDXL/" + foundation.first { $0.hasPrefix("caf") }!))

        // Sharded, the first shard carries what the listing left out, so `scs merge` names it once.
        let shards = try (0..<3).map { try d.shard(ShardSpec(index: $0, count: 3)).dataset }
        XCTAssertEqual(shards[0].excluded, d.excluded)
        XCTAssertEqual(shards[1].excluded + shards[2].excluded, [])

        // The prompt layout lists a symlinked model folder the same way.
        let linked = try Dataset.scan(root: data.path + "/linked", layout: .prompt)
        XCTAssertEqual(linked.groups.map { "\($0.model)/\($0.prompt)" }, ["linked/a cat", "linked/a dog"])
    }

    func testExclusionNamesEscapeBytesThatAreNotUTF8() {
        XCTAssertEqual(FileProblem.displayName(Array("café".utf8)), "café")
        XCTAssertEqual(FileProblem.displayName(Array("caf".utf8) + [0xE9]), "caf\\xE9")
        XCTAssertEqual(FileProblem.displayName([0x61, 0x0A, 0x5C, 0xFF, 0xC3, 0xA9]), "a\\x0A\\\\\\xFFé", "newline, backslash, a bad byte, then é")
        XCTAssertEqual(FileProblem(errno: EACCES).description, "permission denied")
        XCTAssertEqual(FileProblem.describe(CocoaError(.fileReadNoPermission)), "permission denied")
        XCTAssertEqual(
            FileProblem.describe(
                NSError(
                    domain: NSCocoaErrorDomain, code: 256,
                    userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ELOOP))])),
            "a symlink loop")
    }

    func testReadingAFIFOOrAFolderAsAnImageSaysWhatItIs() throws {
        let fifo = root.appendingPathComponent("pipe.png").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        // Refused at once (a plain open would wait for a writer forever).
        XCTAssertThrowsError(try ImageDecoder.decode(fileAt: fifo)) { XCTAssertEqual("\($0)", "\(fifo): cannot read: a FIFO, not a file") }
        XCTAssertThrowsError(try ImageDecoder.decode(fileAt: root.path)) {
            XCTAssertTrue("\($0)".hasSuffix("cannot read: a folder, not a file"), "\($0)")
        }
        XCTAssertThrowsError(try ImageDecoder.decode(fileAt: root.path + "/none.png")) {
            XCTAssertTrue("\($0)".hasSuffix("cannot read: no such file or folder"), "\($0)")
            XCTAssertFalse("\($0)".contains("NSCocoaErrorDomain"))
        }
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
        try Data(
            """
            {"model": "a", "prompt": "p", "path": "SDXL/a cat/2.jpg", "seed": 2}
            {"model": "a", "prompt": "p", "path": "\(root.appendingPathComponent("SDXL/a cat/10.jpg").path)"}
            """.utf8
        ).write(to: jsonl)
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
