import SCSScoring
import XCTest

/// The one definition of a near-duplicate pair (`NearDuplicates.pairs`), on embeddings whose
/// cosines are exact in double precision: (5, 0) and (3, 4) have cos = 15/25, computed as
/// 1 · 0.6 + 0 · 0.8, exactly the double 0.6.
final class NearDuplicateTests: XCTestCase {
    let group: [[Float]] = [[5, 0], [3, 4], [10, 0], [0, 7]]

    func testThresholdIsInclusive() {
        // Pairs (0,1) 0.6, (0,2) 1, (0,3) 0, (1,2) 0.6, (1,3) 0.8, (2,3) 0.
        let at = NearDuplicates.pairs(group, threshold: 0.6)
        XCTAssertEqual(at.map { [$0.first, $0.second] }, [[0, 1], [0, 2], [1, 2], [1, 3]], "cos exactly at the threshold counts")
        XCTAssertEqual(at.map(\.cosine), [0.6, 1, 0.6, 0.8])
        let above = NearDuplicates.pairs(group, threshold: 0.6.nextUp)
        XCTAssertEqual(above.map { [$0.first, $0.second] }, [[0, 2], [1, 3]], "just above 0.6: the 0.6 pairs drop out")
        let below = NearDuplicates.pairs(group, threshold: 0.6.nextDown)
        XCTAssertEqual(below, at)
        XCTAssertEqual(NearDuplicates.pairs(group).map { [$0.first, $0.second] }, [[0, 2]], "default 0.95: only the copy")
    }

    func testTheSimilarityIsTheScoresPairValue() {
        let values = ConsistencyScore.pairSimilarities(group)
        let pairs = NearDuplicates.pairs(group, threshold: -1)
        XCTAssertEqual(pairs.count, 6)
        for (p, v) in zip(pairs, values) { XCTAssertEqual(max(100 * p.cosine, 0), v) }
    }

    func testGroupListingAndModelCounts() throws {
        let paths = ["a.png", "b.png", "c.png", "d.png"]
        let g = try XCTUnwrap(GroupNearDuplicates(model: "m", prompt: "p", paths: paths, embeddings: group, threshold: 0.8))
        XCTAssertEqual(g.pairs.map { [$0.imageA, $0.imageB] }, [["a.png", "c.png"], ["b.png", "d.png"]])
        XCTAssertNil(GroupNearDuplicates(model: "m", prompt: "q", paths: paths, embeddings: group, threshold: 1.5))
        let scores = ["p", "q", "r"].map { GroupScore(model: "m", prompt: $0, nImages: 4, nPairs: 6, scs: 0, pairSD: 0, pairMin: 0, pairMax: 0) }
        let summary = NearDuplicateSummary(
            threshold: 0.8, groups: [g],
            scores: scores + [GroupScore(model: "n", prompt: "p", nImages: 2, nPairs: 1, scs: 0, pairSD: 0, pairMin: 0, pairMax: 0)])
        XCTAssertEqual(summary.models.map(\.model), ["m", "n"])
        XCTAssertEqual(summary.models.map(\.pairs), [2, 0])
        XCTAssertEqual(summary.models.map(\.groupsWithPairs), [1, 0])
        XCTAssertEqual(summary.models.map(\.groups), [3, 1])
    }
}
