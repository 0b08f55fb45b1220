import Foundation
import TestSupport
import XCTest

/// examples/k8s/score-job.yaml: valid against the Kubernetes API's Job schema (strict, through
/// scripts/k8s/check_manifest.py and kubernetes-validate in the oracle venv; no cluster needed),
/// and its containers' commands, run by hand as the pods would run them (JOB_COMPLETION_INDEX set,
/// the manifest's env with local paths), give the unsharded scores byte for byte.
final class KubernetesManifestTests: XCTestCase {
    func testManifestIsAValidIndexedJobWhoseCommandsScoreAndMerge() throws {
        guard let python = TestPaths.oraclePython else {
            throw XCTSkip("the oracle venv is missing (scripts/oracle/setup-venv.sh installs kubernetes-validate)")
        }
        let env = ProcessInfo.processInfo.environment
        let root = TestPaths.repoRoot
        let probe = try Spawn.run([python.path, "-c", "import kubernetes_validate, yaml"], environment: env, directory: root)
        if probe.status != 0 { throw XCTSkip("kubernetes-validate is not in the oracle venv: rerun scripts/oracle/setup-venv.sh") }

        let check = try Spawn.run([python.path, "scripts/k8s/check_manifest.py", "examples/k8s/score-job.yaml"], environment: env, directory: root)
        XCTAssertEqual(check.status, 0, check.stderr)
        let documents = try check.stdout.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(documents.count, 2)
        let score = try XCTUnwrap(documents.first { $0["name"] as? String == "scs-score" })
        let merge = try XCTUnwrap(documents.first { $0["name"] as? String == "scs-merge" })
        let spec = try XCTUnwrap(score["spec"] as? [String: Any])
        XCTAssertEqual(spec["completionMode"] as? String, "Indexed")
        func container(_ doc: [String: Any]) throws -> (command: [String], env: [String: String]) {
            let c = try XCTUnwrap((doc["containers"] as? [[String: Any]])?.first)
            return (((c["command"] as? [String]) ?? []) + ((c["args"] as? [String]) ?? []), (c["env"] as? [String: String]) ?? [:])
        }
        let scoreContainer = try container(score), mergeContainer = try container(merge)
        let shards = try XCTUnwrap(Int(scoreContainer.env["SHARDS"] ?? ""))
        XCTAssertEqual(spec["completions"] as? Int, shards, "completions and SHARDS must agree")
        XCTAssertEqual(mergeContainer.env["SHARDS"], scoreContainer.env["SHARDS"])

        // A small study, scored once unsharded…
        let work = try makeTemporaryDirectory("scs-k8s")
        defer { try? FileManager.default.removeItem(at: work) }
        let photos = try TestPaths.sharedPhotos()
        for p in 0..<10 {
            let dir = work.appendingPathComponent("data/study/model \(p % 2)/prompt \(p)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for i in 0..<(2 + p % 4) {
                try (try Data(contentsOf: photos[(p + i) % photos.count]) + Data("\(p) \(i)".utf8))
                    .write(to: dir.appendingPathComponent("\(i).\(photos[(p + i) % photos.count].pathExtension)"))
            }
        }
        let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
        let reference = work.appendingPathComponent("reference.csv").path
        let unsharded = try CLIRunner.run([
            "score", work.appendingPathComponent("data/study").path, "--model", tiny, "--no-cache",
            "--quiet", "--out", reference
        ])
        XCTAssertEqual(unsharded.status, 0, unsharded.stderr)

        // …then each pod's command, as the Job would run it, with the manifest's paths made local.
        let local = [
            "DATASET": work.appendingPathComponent("data/study").path, "MODEL": tiny,
            "OUT": work.appendingPathComponent("data/scs-out").path,
            "PATH": CLIRunner.binary.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        ]
        for index in 0..<shards {
            var podEnv = env.merging(scoreContainer.env) { $1 }.merging(local) { $1 }
            podEnv["JOB_COMPLETION_INDEX"] = "\(index)"
            let pod = try Spawn.run(scoreContainer.command, environment: podEnv, directory: work)
            XCTAssertEqual(pod.status, 0, "pod \(index): \(pod.stderr)")
        }
        let mergePod = try Spawn.run(
            mergeContainer.command, environment: env.merging(mergeContainer.env) { $1 }.merging(local) { $1 },
            directory: work)
        XCTAssertEqual(mergePod.status, 0, mergePod.stderr)
        XCTAssertEqual(
            try Data(contentsOf: work.appendingPathComponent("data/scs-out/scores.csv")),
            try Data(contentsOf: URL(fileURLWithPath: reference)))
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("data/scs-out/embeddings.sqlite").path))
    }
}
