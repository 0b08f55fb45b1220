import Foundation
@testable import SCSGenerate
import XCTest

/// Dealing (prompt, seed) pairs to shards, and joining the shards' manifests.
final class GenerationPlanShardTests: XCTestCase {
    func plan() throws -> GenerationPlan {
        try GenerationPlan(
            modelName: "SDXL", prompts: (1...7).map { PromptRef(line: $0, text: "prompt \($0)") },
            seeds: Array(100..<113))
    }

    func testShardsPartitionThePlanEvenly() throws {
        let whole = try plan()
        for count in [1, 2, 3, 8, 100] {
            let parts = try (0..<count).map { try whole.shard(index: $0, count: count) }
            let all = parts.flatMap(\.jobs)
            XCTAssertEqual(all.count, whole.jobs.count)
            XCTAssertEqual(Set(all), Set(whole.jobs), "\(count) shards")
            let sizes = parts.map(\.jobs.count)
            XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(sizes)")
            // Each shard keeps the plan's order, and deals the same way every time.
            for p in parts {
                let order = p.jobs.map { whole.jobs.firstIndex(of: $0)! }
                XCTAssertEqual(order, order.sorted())
            }
            XCTAssertEqual(try whole.shard(index: 0, count: count).jobs, parts[0].jobs)
        }
        XCTAssertEqual(try whole.shard(index: 2, count: 3).manifestName, "manifest.shard-2-of-3.jsonl")
        XCTAssertEqual(whole.manifestName, "manifest.jsonl")
        XCTAssertThrowsError(try whole.shard(index: 3, count: 3))
    }

    func testManifestMergeChecksTheShards() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scs-manifest-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ lines: [String]) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
            return url.path
        }
        let a = try write(
            "manifest.shard-0-of-2.jsonl",
            [
                #"{"path":"m/p/1.jpg","seed":1}"#, #"{"path":"m/p/2.jpg","seed":2}"#,
                #"{"path":"m/p/1.jpg","seed":1,"again":true}"#
            ])
        let b = try write("manifest.shard-1-of-2.jsonl", [#"{"path":"m/p/3.jpg","seed":3}"#])
        let merged = try ManifestMerge.merge(paths: [b, a])
        XCTAssertEqual(merged.images, 3)
        XCTAssertEqual(
            merged.text,
            #"{"path":"m/p/1.jpg","seed":1,"again":true}"# + "\n" + #"{"path":"m/p/2.jpg","seed":2}"# + "\n"
                + #"{"path":"m/p/3.jpg","seed":3}"# + "\n")
        let dup = try write("manifest.shard-1-of-2.jsonl", [#"{"path":"m/p/2.jpg","seed":2}"#])
        XCTAssertThrowsError(try ManifestMerge.merge(paths: [a, dup])) { XCTAssertTrue("\($0)".contains("m/p/2.jpg is also in"), "\($0)") }
        let bad = try write("manifest.shard-1-of-2.jsonl", ["{\"path\": \"m/p/3.jpg\""])
        XCTAssertThrowsError(try ManifestMerge.merge(paths: [a, bad])) { XCTAssertTrue("\($0)".contains(":1:"), "\($0)") }
        let other = try write("manifest.jsonl", [])
        XCTAssertThrowsError(try ManifestMerge.merge(paths: [other])) { XCTAssertTrue("\($0)".contains("not a shard manifest"), "\($0)") }
        let three = try write("manifest.shard-2-of-3.jsonl", [])
        XCTAssertThrowsError(try ManifestMerge.merge(paths: [a, three])) { XCTAssertTrue("\($0)".contains("a shard of 3"), "\($0)") }
    }
}
