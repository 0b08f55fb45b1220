import Foundation
import TestSupport
import XCTest

/// Scoring on any backbone, end to end: the kind is read from the files, every row of scores.csv
/// says which backbone made it, `scs compare` refuses to mix two, and `scs models` lists what the
/// local cache holds.
final class BackboneCommandTests: XCTestCase {
    var work: URL!
    let clip = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
    let dino = TestPaths.fixtures.appendingPathComponent("backbones/tiny-dinov2").path
    let siglip = TestPaths.fixtures.appendingPathComponent("backbones/tiny-siglip").path

    override func setUpWithError() throws { work = try makeTemporaryDirectory("scs-backbones") }

    func path(_ name: String) -> String { work.appendingPathComponent(name).path }

    /// SDXL and pixart, two prompts each, three photos per prompt.
    func makeDataset() throws -> String {
        let photos = try TestPaths.sharedPhotos()
        for (m, model) in ["SDXL", "pixart"].enumerated() {
            for (p, prompt) in ["a cat", "a rocket"].enumerated() {
                let dir = work.appendingPathComponent("data/\(model)/\(prompt)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                for i in 0..<3 {
                    let photo = photos[(m * 2 + p + i) % photos.count]
                    try FileManager.default.copyItem(at: photo, to: dir.appendingPathComponent("\(i).\(photo.pathExtension)"))
                }
            }
        }
        return path("data")
    }

    func score(_ data: String, model: String, out: String) throws -> [String] {
        let r = try CLIRunner.run(["score", data, "--model", model, "--out", path(out), "--cache", path("cache.sqlite"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try String(contentsOfFile: path(out), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testEachBackboneRecordsItselfAndCompareRefusesToMixThem() throws {
        let data = try makeDataset()
        let clipRows = try score(data, model: clip, out: "clip.csv")
        let dinoRows = try score(data, model: dino, out: "dino.csv")
        let siglipRows = try score(data, model: siglip, out: "siglip.csv")
        XCTAssertEqual(clipRows.count, 5)
        for row in clipRows.dropFirst() { XCTAssertTrue(row.contains(",clip,") && row.hasSuffix(",fp32,clip-v2"), row) }
        for row in dinoRows.dropFirst() { XCTAssertTrue(row.contains(",dinov2,") && row.hasSuffix(",fp32,transformers-v1"), row) }
        for row in siglipRows.dropFirst() { XCTAssertTrue(row.contains(",siglip,") && row.hasSuffix(",fp32,transformers-v1"), row) }
        // Different networks, different numbers.
        XCTAssertNotEqual(clipRows[1].split(separator: ",")[4], dinoRows[1].split(separator: ",")[4])

        // Two files from two backbones: refused in one line naming both.
        let twoFiles = try CLIRunner.run(["compare", path("clip.csv"), path("dino.csv"), "--a", "SDXL", "--b", "pixart"])
        XCTAssertEqual(twoFiles.status, 1, twoFiles.stderr)
        XCTAssertEqual(twoFiles.stderr.split(separator: "\n").count, 1, twoFiles.stderr)
        XCTAssertTrue(
            twoFiles.stderr.contains("dino.csv and \(path("clip.csv")) were scored by different backbones (backbone dinov2 vs clip"),
            twoFiles.stderr)

        // One file made by concatenating both (as pandas.concat would): refused, naming the rows.
        let concatenated =
            clipRows.joined(separator: "\n") + "\n"
            + dinoRows.dropFirst()
            .map { $0.replacingOccurrences(of: "SDXL,", with: "SDXL-dino,").replacingOccurrences(of: "pixart,", with: "pixart-dino,") }
            .joined(separator: "\n") + "\n"
        try concatenated.write(toFile: path("both.csv"), atomically: true, encoding: .utf8)
        let oneFile = try CLIRunner.run(["compare", path("both.csv"), "--a", "SDXL", "--b", "SDXL-dino"])
        XCTAssertEqual(oneFile.status, 1, oneFile.stderr)
        XCTAssertTrue(oneFile.stderr.contains("rows 2 and 6 come from different backbones"), oneFile.stderr)

        // The same backbone split over two files compares as one table.
        let header = clipRows[0]
        try ([header] + clipRows.filter { $0.hasPrefix("SDXL,") }).joined(separator: "\n").write(
            toFile: path("a.csv"), atomically: true, encoding: .utf8)
        try ([header] + clipRows.filter { $0.hasPrefix("pixart,") }).joined(separator: "\n").write(
            toFile: path("b.csv"), atomically: true, encoding: .utf8)
        let split = try CLIRunner.run(["compare", path("a.csv"), path("b.csv"), "--a", "SDXL", "--b", "pixart", "--bootstrap", "0"])
        XCTAssertEqual(split.status, 0, split.stderr)
        XCTAssertTrue(split.stdout.contains("2 prompts"), split.stdout)
    }

    /// A fake huggingface_hub cache with a DINOv2 and a SigLIP snapshot: `scs models` lists them by
    /// the kind their config.json names, and `--model org/name` runs from the cache offline.
    func testModelsListsTheCacheByKindAndRepoIdsRunOffline() throws {
        let hub = work.appendingPathComponent("hub")
        let commit = String(repeating: "ab", count: 20)
        for (repo, source) in [("facebook/dinov2-tiny", dino), ("google/siglip-tiny", siglip)] {
            let folder = hub.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
            let snapshot = folder.appendingPathComponent("snapshots/\(commit)")
            try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("refs"), withIntermediateDirectories: true)
            try commit.write(to: folder.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)
            for file in ["config.json", "model.safetensors"] {
                try FileManager.default.copyItem(atPath: source + "/" + file, toPath: snapshot.appendingPathComponent(file).path)
            }
        }
        let env = ["HF_HUB_CACHE": hub.path, "HF_HUB_OFFLINE": "1"]
        let listed = try CLIRunner.run(["models", "--json", path("models.json")], environment: env)
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains("facebook/dinov2-tiny@abababababab (main): dinov2"), listed.stdout)
        XCTAssertTrue(listed.stdout.contains("google/siglip-tiny@abababababab (main): siglip"), listed.stdout)
        for kind in ["clip", "dinov2", "siglip"] { XCTAssertTrue(listed.stdout.contains("  \(kind) "), listed.stdout) }
        let json = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: path("models.json"))) as? [String: Any])
        XCTAssertEqual((json["cached"] as? [[String: String]])?.map { $0["kind"] ?? "" }, ["dinov2", "siglip"])

        let data = try makeDataset()
        let r = try CLIRunner.run(
            ["score", data, "--model", "facebook/dinov2-tiny", "--out", path("s.csv"), "--no-cache", "--quiet"],
            environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOfFile: path("s.csv"), encoding: .utf8).contains(",dinov2,"))

        // A folder whose config.json names an architecture scs does not run: one line naming the file and field.
        let other = work.appendingPathComponent("vit")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try #"{"model_type": "vit"}"#.write(to: other.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        try Data().write(to: other.appendingPathComponent("model.safetensors"))
        let refused = try CLIRunner.run(["score", data, "--model", other.path, "--out", path("v.csv"), "--no-cache"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("config.json: model_type vit is not supported"), refused.stderr)
    }
}

/// DreamSim end to end: scores.csv gains the mean pairwise DreamSim distance, equal to 1 − cos
/// averaged over the pairs of the embeddings `scs embed` writes. Needs the oracle's DreamSim files.
final class DreamSimCommandTests: XCTestCase {
    func testDreamSimScoresCarryTheMeanPairwiseDistance() throws {
        guard TestPaths.oraclePython != nil else {
            throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh to build DreamSim's files")
        }
        let root = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/dreamsim")
        let script = TestPaths.repoRoot.appendingPathComponent("scripts/oracle/dreamsim_files.py").path
        let built = try Spawn.run(
            [TestPaths.oraclePython!.path, script, root.path, "dreamsim-clip_vitb32"],
            environment: ProcessInfo.processInfo.environment, directory: TestPaths.repoRoot)
        XCTAssertEqual(built.status, 0, built.stderr)
        let model = root.appendingPathComponent("dreamsim-clip_vitb32").path
        let work = try makeTemporaryDirectory("scs-dreamsim")
        let photos = try TestPaths.sharedPhotos()
        let group = work.appendingPathComponent("data/SDXL/a photo")
        try FileManager.default.createDirectory(at: group, withIntermediateDirectories: true)
        for photo in photos.prefix(4) { try FileManager.default.copyItem(at: photo, to: group.appendingPathComponent(photo.lastPathComponent)) }
        let csv = work.appendingPathComponent("scores.csv").path
        let r = try CLIRunner.run(["score", work.appendingPathComponent("data").path, "--model", model, "--out", csv, "--no-cache", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines[0],
            "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max,dreamsim,"
                + "backbone,backbone_fingerprint,precision,preprocessing")
        let fields = lines[1].split(separator: ",").map(String.init)
        XCTAssertEqual(fields[9], "dreamsim")
        XCTAssertEqual(fields[12], "pil-v1")

        let npy = work.appendingPathComponent("e.npy").path
        let files = try FileManager.default.contentsOfDirectory(atPath: group.path).sorted().map { group.appendingPathComponent($0).path }
        let e = try CLIRunner.run(["embed"] + files + ["--model", model, "--out", npy, "--no-cache"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let embeddings = try NpyArray(contentsOf: URL(fileURLWithPath: npy))
        let width = embeddings.shape[1]
        let rows = (0..<files.count).map { i in embeddings.floats[(i * width)..<((i + 1) * width)].map(Double.init) }
        var distances: [Double] = []
        for i in 0..<rows.count {
            XCTAssertEqual(rows[i].reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5, "embed returns unit vectors")
            XCTAssertEqual(rows[i].reduce(0, +) / Double(width), 0, accuracy: 1e-6, "embed returns centred vectors")
            for j in (i + 1)..<rows.count {
                let dot = zip(rows[i], rows[j]).reduce(0) { $0 + $1.0 * $1.1 }
                let norms = (rows[i].reduce(0) { $0 + $1 * $1 } * rows[j].reduce(0) { $0 + $1 * $1 }).squareRoot()
                distances.append(1 - dot / norms)
            }
        }
        XCTAssertEqual(Double(fields[8])!, distances.reduce(0, +) / Double(distances.count), accuracy: 1e-12)
        XCTAssertGreaterThan(Double(fields[8])!, 0)
    }
}
