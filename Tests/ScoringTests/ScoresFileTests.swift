import TestSupport
import XCTest
@testable import SCSScoring

final class ScoresFileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTemporaryDirectory("scs-scoresfile") }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func file(_ text: String, _ name: String = "scores.csv") throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func assertRefused(_ text: String, _ problem: ScoresFileError.Problem, line: Int?, file: StaticString = #filePath, at: UInt = #line) throws {
        let path = try self.file(text)
        XCTAssertThrowsError(try ScoresFile.read(path), file: file, line: at) {
            XCTAssertEqual($0 as? ScoresFileError, ScoresFileError(path: path, line: line, problem), file: file, line: at)
            XCTAssertTrue("\($0)".hasPrefix(path + (line.map { ":\($0)" } ?? "") + ": "), "\($0)", file: file, line: at)
        }
    }

    let provenance = ScoreProvenance(backbone: .clip, fingerprint: "abc", precision: .fp32, preprocessing: .clip)

    func testWhatIsWrittenIsReadBackWithItsSidecarAndAlignments() throws {
        let path = dir.appendingPathComponent("scores.csv").path
        let scores = [
            GroupScore(
                model: "m", prompt: "a, \"cat\"\nb", nImages: 3, nPairs: 3, scs: 80.5, pairSD: 1, pairMin: 79, pairMax: 82,
                metrics: [.vendi: 1.25]),
            GroupScore(model: "n", prompt: "p", nImages: 2, nPairs: 1, scs: 0.1, pairSD: 0, pairMin: 0.1, pairMax: 0.1)
        ]
        var meta = ScoresMeta(
            model: "m",
            result: ScoreResult(
                scores: scores, models: [], excluded: [], skipped: ["x: y"], ignoredFiles: 0,
                embedded: 0, fromCache: 0, backbone: .clip, modelFingerprint: "abc",
                precision: .fp32, kernels: "k", preprocessing: .clip),
            dataset: Dataset(items: [ImageItem(model: "m", prompt: "p", path: "/x.jpg")]))
        meta.metrics = ["vendi"]
        let alignments = [ImageAlignment(model: "m", prompt: "a, \"cat\"\nb", text: "a cat", path: "/x, y.jpg", cosine: 0.25)]
        let alignmentPath = try ScoresFile.write(scores, meta: meta, alignments: alignments, to: path)
        XCTAssertEqual(alignmentPath, dir.appendingPathComponent("scores.alignment.csv").path)
        let read = try ScoresFile.read(path)
        XCTAssertEqual(try read.groupScores(), scores)
        XCTAssertEqual(read.metrics, [.scs, .vendi])
        XCTAssertEqual(read.rows.map(\.line), [2, 4], "the first row's prompt spans two lines")
        XCTAssertEqual(read.provenance, provenance)
        XCTAssertEqual(read.meta, meta)
        XCTAssertEqual(try ScoresFile.readAlignments(forScores: path), alignments)
        XCTAssertEqual(
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0],
            "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max,vendi,backbone,backbone_fingerprint,precision,preprocessing")
    }

    func testColumnsAreFoundByName() throws {
        let path = try file("scs, prompt ,extra,model\n71.5,\"a, b\",x,SDXL\n 60 ,p,y,pixart\n")
        let read = try ScoresFile.read(path)
        XCTAssertEqual(read.rows.map(\.group), [GroupKey(model: "SDXL", prompt: "a, b"), GroupKey(model: "pixart", prompt: "p")])
        XCTAssertEqual(try read.values(of: .scs).map(\.value), [71.5, 60])
        XCTAssertNil(read.provenance)
        XCTAssertThrowsError(try read.groupScores()) {
            XCTAssertEqual($0 as? ScoresFileError, ScoresFileError(path: path, line: 1, .missingColumn("n_images")))
        }
        XCTAssertThrowsError(try read.values(of: .vendi)) {
            XCTAssertEqual($0 as? ScoresFileError, ScoresFileError(path: path, line: 1, .missingColumn("vendi")))
        }
    }

    func testAGroupGivenTwiceIsAnError() throws {
        try assertRefused("model,prompt,scs\nA,p,1\nB,p,2\nA,p,3\n", .scoredTwice(GroupKey(model: "A", prompt: "p"), firstLine: 2), line: 4)
    }

    func testAMissingColumnIsAnError() throws {
        try assertRefused("model,scs\nA,1\n", .missingColumn("prompt"), line: 1)
        try assertRefused("", .emptyFile, line: 1)
    }

    func testEachRowIsCheckedWithItsLine() throws {
        try assertRefused("model,prompt,scs\nA,p,1\nA,q\n", .fieldCount(2, expected: 3), line: 3)
        try assertRefused("model,prompt,scs\nA,\"p\nq\",nan\n", .notANumber(column: "scs", text: "nan"), line: 2)
        try assertRefused("model,prompt,n_images,scs\nA,p,-1,2\n", .notACount(column: "n_images", text: "-1"), line: 2)
        try assertRefused("model,prompt,scs\nA,\"p,1\n", .malformed("unterminated quoted field"), line: 3)
        let mixed = "model,prompt,scs,backbone,backbone_fingerprint,precision,preprocessing\nA,p,1,clip,f,fp32,clip-v2\nA,q,1,clip,f,bf16,clip-v2\n"
        try assertRefused(mixed, .mixedBackbones(firstLine: 2, difference: "precision bf16 vs fp32"), line: 3)
        // Provenance is typed: another version's preprocessing is not silently taken for this one's.
        let older = "model,prompt,scs,backbone,backbone_fingerprint,precision,preprocessing\nA,p,1,clip,f,fp32,clip-v1\n"
        try assertRefused(older, .unknownValue(column: "preprocessing", text: "clip-v1"), line: 2)
    }

    func testAMissingFileAndABrokenSidecarAreErrors() throws {
        let missing = dir.appendingPathComponent("none.csv").path
        XCTAssertThrowsError(try ScoresFile.read(missing)) { XCTAssertEqual($0 as? ScoresFileError, ScoresFileError(path: missing, .notFound)) }
        let path = try file("model,prompt,scs\nA,p,1\n")
        try "{}".write(toFile: ScoresMeta.path(forScores: path), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ScoresFile.read(path)) {
            XCTAssertEqual(($0 as? ScoresFileError)?.path, ScoresMeta.path(forScores: path))
        }
    }

    /// The sidecar holds enums and writes their strings; a value this scs does not know (another
    /// preprocessing version) is an error naming the field, not a string matched later.
    func testTheSidecarWritesItsEnumsAsStrings() throws {
        let path = dir.appendingPathComponent("scores.csv").path
        let meta = ScoresMeta(
            model: "m",
            result: ScoreResult(
                scores: [], models: [], excluded: [], skipped: [], ignoredFiles: 0,
                embedded: 0, fromCache: 0, backbone: .dinov2, modelFingerprint: "abc",
                precision: .bf16, kernels: "k", preprocessing: .transformers),
            dataset: Dataset(items: [ImageItem(model: "m", prompt: "p", path: "/x.jpg")]))
        try meta.write(forScores: path)
        let sidecar = ScoresMeta.path(forScores: path)
        let json = try String(contentsOfFile: sidecar, encoding: .utf8)
        for field in [#""backbone" : "dinov2""#, #""precision" : "bf16""#, #""preprocessing" : "transformers-v1""#] {
            XCTAssertTrue(json.contains(field), json)
        }
        XCTAssertEqual(try ScoresMeta.read(forScores: path), meta)
        try json.replacingOccurrences(of: "transformers-v1", with: "transformers-v0").write(toFile: sidecar, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ScoresMeta.read(forScores: path)) {
            XCTAssertEqual(
                $0 as? ScoresFileError,
                ScoresFileError(path: sidecar, .sidecar("field preprocessing: preprocessing transformers-v0, which this scs does not compute")))
        }
    }

    func testAnEmptyCellIsNoValue() throws {
        let path = try file("model,prompt,scs,vendi\nA,p,1,\nB,p,2,1.5\n")
        let read = try ScoresFile.read(path)
        XCTAssertEqual(read.rows[0].values, [.scs: 1])
        XCTAssertThrowsError(try read.values(of: .vendi)) {
            XCTAssertEqual($0 as? ScoresFileError, ScoresFileError(path: path, line: 2, .emptyCell(column: "vendi")))
        }
    }
}
