import Foundation
import SCSModels
import SCSScoring
import TestSupport
import XCTest

/// examples/slurm/score.sbatch on a real Slurm: a single-node cluster started for the test
/// (scripts/slurm/local-cluster.sh: munged, slurmctld, slurmd), the example submitted as a user
/// would, one array task killed midway and run again, the merge job's scores.csv compared with an
/// unsharded run's byte for byte; every daemon stopped by pid. Skipped with the reason where
/// Slurm cannot start (not root, not installed).
final class SlurmTests: XCTestCase {
    var work: URL!
    var cluster: URL { work.appendingPathComponent("cluster") }
    var environment: [String: String] = [:]

    override func tearDownWithError() throws {
        if let work {
            _ = try? run(["bash", "scripts/slurm/local-cluster.sh", "stop", cluster.path])
            try? FileManager.default.removeItem(at: work)
        }
    }

    /// Runs a command from the repository root with our environment plus `environment`.
    func run(_ command: [String], extra: [String: String] = [:]) throws -> CLIResult {
        try Spawn.run(
            command, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }.merging(extra) { $1 },
            directory: TestPaths.repoRoot)
    }

    /// Waits until `condition` holds, polling; fails the test with `what` after `seconds`.
    func wait(_ what: String, seconds: Double = 180, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(100_000)
        }
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("out/logs").path)) ?? []
        var text = ""
        for log in logs.sorted() {
            text += "--- \(log)\n" + ((try? String(contentsOf: work.appendingPathComponent("out/logs/\(log)"), encoding: .utf8)) ?? "")
        }
        let queue = (try? run(["squeue", "-h", "-o", "%i %T %r"]))?.stdout ?? ""
        XCTFail("timed out waiting for \(what)\nqueue:\n\(queue)\(text)")
        throw XCTSkip("gave up")
    }

    /// The job's state (PENDING, RUNNING, …) while Slurm remembers it, with its reason.
    func state(_ job: String) throws -> (state: String, reason: String)? {
        let r = try run(["squeue", "-h", "-j", job, "-o", "%T %r"])
        let fields = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 1)
        guard fields.count == 2 else { return nil }
        return (String(fields[0]), String(fields[1]))
    }

    func testExampleJobArrayMergesToTheUnshardedScores() throws {
        work = try makeTemporaryDirectory("scs-slurm")
        let up = try run(["bash", "scripts/slurm/local-cluster.sh", "start", cluster.path])
        if up.status == 77 { throw XCTSkip("Slurm cannot start here: \(up.stderr.split(separator: "\n").first ?? "")") }
        XCTAssertEqual(up.status, 0, up.stderr)
        environment["SLURM_CONF"] = cluster.appendingPathComponent("slurm.conf").path

        // A model slow enough (about 20 ms an image on one thread) to kill a task midway.
        var config = CLIPVisionConfig()
        config.shape.width = 512; config.shape.mlpWidth = 2048; config.shape.layers = 8; config.shape.heads = 8; config.projectionDim = 256
        let model = work.appendingPathComponent("model")
        try SyntheticCLIP.write(config: config, seed: 13, to: model)
        // 3 shards of 2 models × 6 prompts × 16 images: 64 images each.
        let photos = try TestPaths.sharedPhotos().filter { $0.pathExtension == "jpg" }
        for model in ["SDXL", "pixart"] {
            for p in 0..<6 {
                let dir = work.appendingPathComponent("data/\(model)/prompt \(p)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                for i in 0..<16 {
                    let photo = try Data(contentsOf: photos[(p + i) % photos.count])
                    try (photo + Data("\(model) \(p) \(i)".utf8)).write(to: dir.appendingPathComponent("\(i).jpg"))
                }
            }
        }
        let data = work.appendingPathComponent("data").path
        let reference = work.appendingPathComponent("reference.csv").path
        let unsharded = try CLIRunner.run(["score", data, "--model", model.path, "--no-cache", "--quiet", "--out", reference])
        XCTAssertEqual(unsharded.status, 0, unsharded.stderr)

        let out = work.appendingPathComponent("out")
        environment.merge([
            "SHARDS": "3", "DATASET": data, "MODEL": model.path, "OUT": out.path,
            "SCS": CLIRunner.binary.path, "SCS_SCORE_ARGS": "--batch-size 1"
        ]) { $1 }
        let submitted = try run(["bash", "examples/slurm/score.sbatch"])
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        // "submitted array job 1 (tasks 0-2 of 3) and merge job 2"
        let words = submitted.stdout.split(separator: " ")
        guard words.count > 9, let array = Int(words[3]), let merge = Int(words.last!.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return XCTFail("unexpected output: \(submitted.stdout)")
        }

        // Kill task 1 once it has embedded a few images.
        let cache1 = out.appendingPathComponent("shards/cache-1.sqlite").path
        let fingerprint = Embedder.cacheKey(fingerprint: try ModelFingerprint.compute(directory: model, cache: nil), precision: .fp32)
        var atKill = 0
        try wait("task 1 to embed 3 images") {
            guard FileManager.default.fileExists(atPath: cache1) else { return false }
            atKill = (try? EmbeddingCache(path: cache1).count(model: fingerprint)) ?? 0
            return atKill >= 3
        }
        let cancel = try run(["scancel", "\(array)_1"])
        XCTAssertEqual(cancel.status, 0, cancel.stderr)
        try wait("task 1 to end") { try state("\(array)_1") == nil || state("\(array)_1")?.state == "CANCELLED" }
        let afterKill = try EmbeddingCache(path: cache1).count(model: fingerprint)
        print("slurm: task 1 killed with \(afterKill) of 64 images embedded")
        XCTAssertLessThan(afterKill, 64, "task 1 finished before it was killed; the test needs a slower model")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("shards/scores-1.csv").path))
        // With a task cancelled the merge job can never start: Slurm drops it (--kill-on-invalid-dep).
        try wait("the merge job to be dropped") { try state("\(merge)") == nil || state("\(merge)")?.state == "CANCELLED" }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("scores.csv").path))

        // Run task 1 again, as the example's header says: it resumes from its cache, then the merge.
        let again = try run(["bash", "examples/slurm/score.sbatch"], extra: ["TASKS": "1"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let merged = out.appendingPathComponent("scores.csv").path
        let mergedCache = out.appendingPathComponent("embeddings.sqlite").path
        try wait("the merge job to write scores.csv and the merged cache") {
            FileManager.default.fileExists(atPath: merged)
                && ((try? EmbeddingCache(path: mergedCache).count(model: fingerprint)) ?? 0) == 192
        }
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: merged)), try Data(contentsOf: URL(fileURLWithPath: reference)),
            "the merged scores differ from the unsharded run's")
        let summary = try XCTUnwrap(try loadJSON(out.appendingPathComponent("shards/scores-1.json")) as? [String: Any])
        XCTAssertEqual(summary["from_cache"] as? Int, afterKill, "the rerun of task 1 did not resume from its cache")
        XCTAssertEqual(summary["embedded"] as? Int, 64 - afterKill)
    }
}
