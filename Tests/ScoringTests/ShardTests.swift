import Foundation
import SCSScoring
import XCTest

/// Shard numbering from the command line and the job engines, and how groups are placed.
final class ShardTests: XCTestCase {
    func testShardFileNames() throws {
        let spec = try ShardSpec(index: 3, count: 8)
        XCTAssertEqual(spec.fileName("scores.csv"), "scores.shard-3-of-8.csv")
        XCTAssertEqual(spec.fileName("out/embeddings.sqlite"), "out/embeddings.shard-3-of-8.sqlite")
        XCTAssertEqual(spec.fileName("manifest"), "manifest.shard-3-of-8")
        XCTAssertEqual(ShardSpec.scoresFile(for: spec), "scores.shard-3-of-8.csv")
        XCTAssertEqual(ShardSpec.scoresFile(for: nil), "scores.csv")
    }

    func testParse() throws {
        XCTAssertEqual(try ShardSpec.parse("0/8"), try ShardSpec(index: 0, count: 8))
        XCTAssertEqual(try ShardSpec.parse("7/8").description, "7/8")
        for bad in ["8/8", "-1/4", "1/0", "1", "a/b", "1/2/3", "", "/4"] {
            XCTAssertThrowsError(try ShardSpec.parse(bad), bad)
        }
        XCTAssertEqual((try? ShardSpec.parse("4/4")).map(\.description), nil)
        XCTAssertThrowsError(try ShardSpec.parse("4/4")) { XCTAssertTrue("\($0)".contains("0…3"), "\($0)") }
    }

    func testFromSlurmAndKubernetes() throws {
        XCTAssertEqual(
            try ShardSpec.fromEnvironment(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"]),
            try ShardSpec(index: 2, count: 4))
        // --array=1-4: ids start at the minimum.
        XCTAssertEqual(
            try ShardSpec.fromEnvironment([
                "SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4",
                "SLURM_ARRAY_TASK_MIN": "1"
            ]), try ShardSpec(index: 3, count: 4))
        // A rerun of task 3 alone (--array=3) is a one-task array: --shards keeps its number.
        XCTAssertEqual(
            try ShardSpec.fromEnvironment(
                [
                    "SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1",
                    "SLURM_ARRAY_TASK_MIN": "3"
                ], shards: 8), try ShardSpec(index: 3, count: 8))
        XCTAssertThrowsError(try ShardSpec.fromEnvironment(["SLURM_ARRAY_TASK_ID": "8"], shards: 8))
        XCTAssertThrowsError(
            try ShardSpec.fromEnvironment([
                "SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3",
                "SLURM_ARRAY_TASK_STEP": "2"
            ]))
        XCTAssertThrowsError(try ShardSpec.fromEnvironment(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "3"])) {
            XCTAssertEqual("\($0)", "SLURM_ARRAY_TASK_ID=x is not an integer")
        }
        XCTAssertEqual(try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "5"], shards: 6), try ShardSpec(index: 5, count: 6))
        XCTAssertThrowsError(try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "5"])) {
            XCTAssertEqual($0 as? ShardError, .needsShardCount(.kubernetes))
            XCTAssertTrue("\($0)".contains("give the number of shards"), "\($0)")
        }
        XCTAssertThrowsError(try ShardSpec.fromEnvironment([:])) {
            XCTAssertTrue("\($0)".contains("SLURM_ARRAY_TASK_ID") && "\($0)".contains("JOB_COMPLETION_INDEX"), "\($0)")
        }
    }

    func units(_ counts: [Int]) -> [ShardUnit] {
        counts.enumerated().map { ShardUnit(position: $0.offset, model: "m\($0.offset % 3)", prompt: "prompt \($0.offset)", nImages: $0.element) }
    }

    /// Each group on exactly one shard; loads within one group's size of each other; the same
    /// placement whatever order the groups come in.
    func testPlacementCoversOnceBalancedAndOrderFree() {
        var rng = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 7, 16] {
            let sizes = (0..<40).map { _ in Int.random(in: 1...30, using: &rng) }
            let u = units(sizes)
            let placed = ShardPlacement.place(u, count: count)
            XCTAssertEqual(placed.count, u.count)
            XCTAssertTrue(placed.allSatisfy { (0..<count).contains($0) })
            var load = [Int](repeating: 0, count: count)
            for (unit, shard) in zip(u, placed) { load[shard] += unit.nImages }
            XCTAssertLessThanOrEqual(load.max()! - load.min()!, sizes.max()!, "loads \(load)")
            XCTAssertEqual(load.reduce(0, +), sizes.reduce(0, +))

            let shuffled = u.shuffled(using: &rng)
            let again = ShardPlacement.place(shuffled, count: count)
            let byName = Dictionary(uniqueKeysWithValues: zip(shuffled.map(\.prompt), again))
            XCTAssertEqual(u.map { byName[$0.prompt]! }, placed, "placement depends on the listing's order")
        }
    }

    /// A change to the hash or the rule would place groups differently from shards an older scs
    /// already ran: pinned to values computed independently (Python's hashlib, the same rule).
    func testPlacementIsPinned() {
        XCTAssertEqual(ShardPlacement.stableKey(model: "SDXL", prompt: "a cat"), 0x86a7_3670_d1ad_f034)
        XCTAssertNotEqual(ShardPlacement.stableKey(model: "a", prompt: "bc"), ShardPlacement.stableKey(model: "ab", prompt: "c"))
        XCTAssertEqual(ShardPlacement.place(units([5, 5, 5, 5, 3, 3]), count: 3), [0, 1, 0, 2, 1, 2])
    }

    func testMoreShardsThanGroupsLeavesSomeEmpty() {
        let placed = ShardPlacement.place(units([3, 3]), count: 5)
        XCTAssertEqual(Set(placed).count, 2)
    }
}
