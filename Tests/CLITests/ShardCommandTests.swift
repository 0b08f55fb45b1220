import Foundation
import GRDB
@testable import SCSScoring
import TestSupport
import XCTest

/// `scs score --shard`, `scs merge` and `scs cache merge` as a user runs them: shards merged are
/// the unsharded run byte for byte, whatever the number of shards; every way a merge can be wrong
/// is one line naming the shard or file.
final class ShardCommandTests: CommandTestCase {
    override class var workPrefix: String { "scs-shard" }
    var data: String { work.appendingPathComponent("data").path }

    override func setUpWithError() throws {
        try super.setUpWithError()
        let photos = try TestPaths.sharedPhotos().filter { $0.pathExtension == "jpg" }
        var n = 0
        // Two models, groups of 1 to 6 images, an empty prompt folder and an image that is not one.
        for model in ["SDXL", "pixart"] {
            for (p, size) in [("a cat", 4), ("a dog, red", 6), ("tree \"quoted\"", 3), ("sky", 2), ("boat", 5), ("one", 1)] {
                let dir = work.appendingPathComponent("data/\(model)/\(p)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                for i in 0..<size {
                    let photo = try Data(contentsOf: photos[(n + i) % photos.count])
                    try (photo + Data("pad \(n) \(i)".utf8)).write(to: dir.appendingPathComponent("\(i).jpg"))
                }
                n += 1
            }
        }
        try FileManager.default.createDirectory(at: work.appendingPathComponent("data/pixart/empty"), withIntermediateDirectories: true)
        try Data("not a jpeg".utf8).write(to: work.appendingPathComponent("data/SDXL/sky/9.jpg"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    func path(_ name: String) -> String { work.appendingPathComponent(name).path }

    @discardableResult
    func scs(_ args: [String], environment: [String: String] = [:], expect status: Int32 = 0) throws -> CLIResult {
        let r = try CLIRunner.run(args, environment: environment)
        XCTAssertEqual(r.status, status, "scs \(args.joined(separator: " ")): \(r.stderr)")
        return r
    }

    func score(
        shard: String?, out: String, cache: String, model: String? = nil, environment: [String: String] = [:],
        more: [String] = []
    ) throws -> CLIResult {
        try scs(
            ["score", data, "--model", model ?? tiny, "--cache", path(cache), "--out", path(out), "--skip-unreadable", "--quiet"]
                + (shard.map { ["--shard", $0] } ?? []) + more, environment: environment)
    }

    func read(_ name: String) throws -> Data { try Data(contentsOf: work.appendingPathComponent(name)) }

    func testShardsMergeToTheUnshardedScoresByteForByte() throws {
        try score(shard: nil, out: "full.csv", cache: "full.sqlite")
        XCTAssertEqual(
            try String(contentsOfFile: path("full.csv"), encoding: .utf8).split(separator: "\n").count, 11,
            "10 scored groups and a header (one image, an empty folder: left out)")
        for count in [1, 2, 3, 5, 16] {
            var outputs: [String] = []
            for k in 0..<count {
                try score(shard: "\(k)/\(count)", out: "s\(count)-\(k).csv", cache: "s\(count)-\(k).sqlite")
                outputs.append(path("s\(count)-\(k).csv"))
            }
            let merged = "merged-\(count).csv"
            // Given in any order.
            try scs(["merge"] + outputs.reversed() + ["--out", path(merged), "--quiet"])
            XCTAssertEqual(try read(merged), try read("full.csv"), "\(count) shards")
            XCTAssertEqual(try read("merged-\(count).meta.json"), try read("full.meta.json"), "\(count) shards: sidecar")
            // The shards' caches folded together hold what the unsharded run's does.
            let caches = (0..<count).map { path("s\(count)-\($0).sqlite") }
            try scs(["cache", "merge"] + caches + ["--into", path("all-\(count).sqlite"), "--quiet"])
            let key = try XCTUnwrap(ScoresMeta.read(forScores: path("full.csv"))).modelFingerprint
            let cacheKey = Embedder.cacheKey(fingerprint: key, precision: .fp32)
            XCTAssertEqual(
                try EmbeddingCache(path: path("all-\(count).sqlite")).count(model: cacheKey),
                try EmbeddingCache(path: path("full.sqlite")).count(model: cacheKey))
        }
        // 16 shards of 13 groups: some shards are empty and still count.
        let empty = try ScoresMeta.read(forScores: path("s16-15.csv"))
        XCTAssertEqual(empty?.shard?.units.count, 0)
        let meta = try XCTUnwrap(ScoresMeta.read(forScores: path("full.csv")))
        XCTAssertEqual(meta.groups, 13, "12 groups and an empty prompt folder")
        XCTAssertEqual(meta.precision, .fp32)
        XCTAssertEqual(meta.preprocessing.versionedName, "clip-v2")
        XCTAssertEqual(meta.skipped.count, 1)
        XCTAssertEqual(meta.excluded.map(\.prompt).sorted(), ["empty", "one", "one"])
    }

    func testShardAutoReadsSlurmAndKubernetes() throws {
        try score(shard: "1/3", out: "explicit.csv", cache: "a.sqlite")
        try score(
            shard: "auto", out: "slurm.csv", cache: "b.sqlite",
            environment: ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"])
        try score(shard: "auto", out: "k8s.csv", cache: "c.sqlite", environment: ["JOB_COMPLETION_INDEX": "1"], more: ["--shards", "3"])
        XCTAssertEqual(try read("slurm.csv"), try read("explicit.csv"))
        XCTAssertEqual(try read("k8s.csv"), try read("explicit.csv"))
        XCTAssertEqual(try ScoresMeta.read(forScores: path("k8s.csv"))?.shard?.index, 1)
        let none = try scs(
            ["score", data, "--model", tiny, "--no-cache", "--out", path("x.csv"), "--skip-unreadable", "--shard", "auto"],
            environment: ["SLURM_ARRAY_TASK_ID": "", "JOB_COMPLETION_INDEX": ""], expect: 1)
        XCTAssertTrue(none.stderr.contains("neither SLURM_ARRAY_TASK_ID"), none.stderr)
        // Without --out and --cache a shard writes its own files, named after it.
        let own = try CLIRunner.run(["score", data, "--model", tiny, "--skip-unreadable", "--quiet", "--shard", "1/3"], directory: work)
        XCTAssertEqual(own.status, 0, own.stderr)
        XCTAssertEqual(try read("scores.shard-1-of-3.csv"), try read("explicit.csv"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("scores.shard-1-of-3.meta.json")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("embeddings.shard-1-of-3.sqlite")))
        let bad = try scs(["score", data, "--model", tiny, "--no-cache", "--shard", "3/3"], expect: 1)
        XCTAssertTrue(bad.stderr.contains("0…2"), bad.stderr)
    }

    func testBadMergesAreOneLineNamingTheShard() throws {
        for k in 0..<3 { try score(shard: "\(k)/3", out: "s\(k).csv", cache: "s.sqlite") }
        try score(
            shard: "1/3", out: "other-model.csv", cache: "o.sqlite",
            model: TestPaths.fixtures.appendingPathComponent("models/tiny-p16-gelu").path)
        try score(shard: "0/2", out: "half.csv", cache: "s.sqlite")
        try score(shard: "1/3", out: "transformers.csv", cache: "s.sqlite", more: ["--preprocess", "transformers"])
        XCTAssertEqual(try ScoresMeta.read(forScores: path("transformers.csv"))?.preprocessing.versionedName, "transformers-v1")
        try score(shard: nil, out: "full.csv", cache: "s.sqlite")
        let out = path("m.csv")
        func refused(_ inputs: [String], _ expected: String) throws {
            let r = try scs(["merge"] + inputs.map(path) + ["--out", out], expect: 1)
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), "expected \"\(expected)\" in: \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a refused merge wrote \(out)")
        }
        try refused(["s0.csv", "s2.csv"], "missing 1 of 3 shards: 1/3")
        try refused(["s0.csv", "s1.csv", "s1.csv", "s2.csv"], "shard 1/3 given twice")
        try refused(["s0.csv", "other-model.csv", "s2.csv"], "other-model.csv: model fingerprint")
        try refused(["s0.csv", "s1.csv", "half.csv"], "half.csv: shard count 2 differs")
        try refused(["s0.csv", "transformers.csv", "s2.csv"], "transformers.csv: preprocessing transformers-v1 differs")
        try refused(["full.csv"], "full.csv: not a shard's scores")
        try refused(["s0.csv", "s1.csv", "nope.csv"], "nope.csv: no such file")

        // A shard whose rows were edited: a row it does not own, a field that is not a number.
        var text = try String(contentsOfFile: path("s0.csv"), encoding: .utf8)
        let firstRow = text.split(separator: "\n")[1]
        let otherRow = try String(contentsOfFile: path("s1.csv"), encoding: .utf8).split(separator: "\n")[1]
        try (text + otherRow + "\n").write(toFile: path("s0.csv"), atomically: true, encoding: .utf8)
        try refused(["s0.csv", "s1.csv", "s2.csv"], "s0.csv: row ")
        var fields = firstRow.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[fields.count - 5] = "NaN"  // pair_max, before the four provenance fields
        text = text.replacingOccurrences(of: String(firstRow), with: fields.joined(separator: ","))
        try text.write(toFile: path("s0.csv"), atomically: true, encoding: .utf8)
        try refused(["s0.csv", "s1.csv", "s2.csv"], "s0.csv:2: pair_max")

        // A shard of another listing (an image added after it ran).
        try score(shard: "0/3", out: "s0.csv", cache: "s.sqlite")
        try Data(contentsOf: URL(fileURLWithPath: data + "/SDXL/a cat/0.jpg")).write(to: URL(fileURLWithPath: data + "/SDXL/a cat/7.jpg"))
        try score(shard: "2/3", out: "s2.csv", cache: "s.sqlite")
        try refused(["s0.csv", "s1.csv", "s2.csv"], "listed a different dataset")
    }

    func testCacheMergeRefusesADisagreeingRow() throws {
        try score(shard: "0/2", out: "a.csv", cache: "a.sqlite")
        try score(shard: nil, out: "b.csv", cache: "b.sqlite")
        try scs(["cache", "merge", path("a.sqlite"), "--into", path("m.sqlite"), "--quiet"])
        // The same image with other bits in the second cache: merging it must stop.
        let shared = try XCTUnwrap(
            try EmbeddingCache(path: path("a.sqlite")).db.read {
                try String.fetchOne($0, sql: "SELECT image_sha256 FROM embedding LIMIT 1")
            })
        try EmbeddingCache(path: path("b.sqlite")).db.write { db in
            try db.execute(sql: "UPDATE embedding SET vector = zeroblob(length(vector)) WHERE image_sha256 = ?", arguments: [shared])
        }
        let r = try scs(["cache", "merge", path("b.sqlite"), "--into", path("m.sqlite")], expect: 1)
        XCTAssertTrue(
            r.stderr.contains("b.sqlite") && r.stderr.contains("embedding \(shared)") && r.stderr.contains("differs from the one in"), r.stderr)
        try Data("not sqlite at all, not even close".utf8).write(to: work.appendingPathComponent("junk.sqlite"))
        let junk = try scs(["cache", "merge", path("junk.sqlite"), "--into", path("m.sqlite")], expect: 1)
        XCTAssertTrue(junk.stderr.contains("junk.sqlite"), junk.stderr)
    }
}
