import Foundation
import SCSReport
import SCSScoring
import TestSupport
import XCTest

/// `scs seeds`' projected n needed against scripts/oracle/make_seeds_fixtures.py, which estimates
/// Hoeffding's components by brute force over every tuple of distinct images and searches m the
/// same way: the same m for every group (none below 4 images).
final class SeedsProjectionTests: XCTestCase {
    func testProjectedNeededMatchesBruteForceComponents() throws {
        let url = TestPaths.fixtures.appendingPathComponent("seeds/curves.json")
        let groups = try XCTUnwrap((try loadJSON(url) as? [String: Any])?["groups"] as? [[String: Any]])
        var checked = 0
        for g in groups {
            let name = g["name"] as? String ?? "?"
            let values = (g["pair_values"] as? [Any] ?? []).compactMap { Double(String(describing: $0)) }
            let images = try XCTUnwrap(g["n_images"] as? Int), delta = try XCTUnwrap(Double(String(describing: g["delta"]!)))
            let u = try XCTUnwrap(ScoreUncertainty(pairValues: values, images: images), name)
            let ours = SeedsStudy.projectedNeeded(u, delta: delta)
            XCTAssertEqual(ours, g["n_needed_projected"] as? Int, name)
            if ours != nil { checked += 1 }
        }
        XCTAssertGreaterThanOrEqual(checked, 3, "groups with a projection")
    }

    /// The committed fixture is what its script writes today (numpy in the oracle venv).
    func testFixtureRegenerates() throws {
        try assertFixtureRegenerates(script: "make_seeds_fixtures.py", fixture: "seeds/curves.json")
    }
}
