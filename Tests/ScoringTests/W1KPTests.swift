import Foundation
import TestSupport
import XCTest

@testable import SCSScoring

/// W1KP against scripts/oracle/make_w1kp_fixtures.py: the authors' cdf-xy.pt through np.interp,
/// and numpy / itertools brute force over every pair and every k-subset.
final class W1KPTests: XCTestCase {
    struct Fixture: Decodable {
        struct CDF: Decodable {
            let queries: [Double]
            let values: [Double]
        }
        struct Group: Decodable {
            let embeddings: [[Float]]
            let distances: [[Double]]
            let mean_distance: Double
            let kept_pairs: Int
            let duplicates: [[Double]]
            let w1kp: Double
            let u: [Double]
            let u_w1kp: [Double]
        }
        let cdf: CDF
        let groups: [Group]
    }

    func fixture() throws -> Fixture {
        let url = TestPaths.fixtures.appendingPathComponent("w1kp/w1kp.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// The compiled-in table interpolated as np.interp: at every calibration point (ties: the
    /// last one's value), between every two, and beyond both ends. To the bit, not only to 1e-9.
    func testCalibrationIsTheAuthorsCDFThroughNpInterp() throws {
        let f = try fixture()
        XCTAssertEqual(W1KPCalibrationTable.x.count, 2663)
        XCTAssertEqual(W1KPCalibrationTable.commit, "0a33166633c6f9342ae41ae6d77626041a9bc995")
        var worst = 0.0
        for (q, expected) in zip(f.cdf.queries, f.cdf.values) { worst = max(worst, abs(W1KP.cdf(q) - expected)) }
        XCTAssertEqual(worst, 0, "largest difference from np.interp")
        XCTAssertTrue(W1KP.cdf(.nan).isNaN)
    }

    func testDistancesMeanScoreAndDuplicatesMatchBruteForce() throws {
        for (g, group) in try fixture().groups.enumerated() {
            let d = W1KP.squaredDistances(group.embeddings)
            for i in 0..<d.count {
                for j in 0..<d.count { XCTAssertEqual(d[i][j], group.distances[i][j], accuracy: 1e-12, "group \(g) (\(i), \(j))") }
            }
            let summary = W1KP.Summary(distances: d)
            XCTAssertEqual(summary.meanDistance!, group.mean_distance, accuracy: 1e-9, "group \(g)")
            XCTAssertEqual(summary.score!, group.w1kp, accuracy: 1e-9, "group \(g)")
            XCTAssertEqual(summary.keptPairs, group.kept_pairs, "group \(g)")
            XCTAssertEqual(summary.duplicates.map { [Double($0.i), Double($0.j)] }, group.duplicates.map { Array($0.prefix(2)) }, "group \(g)")
            for (ours, theirs) in zip(summary.duplicates, group.duplicates) { XCTAssertEqual(ours.distance, theirs[2], accuracy: 1e-12) }
        }
        XCTAssertTrue(try fixture().groups.contains { !$0.duplicates.isEmpty }, "the fixture must hold duplicates")
    }

    /// u_k for k = 2 … n: exact points to 1e-9 of the itertools enumeration; sampled points (the
    /// 21-image group's middle k) within 4 of their standard errors of it.
    func testReusabilityCurveMatchesEveryKSubset() throws {
        var sampled = 0
        for (g, group) in try fixture().groups.enumerated() {
            let curve = W1KPReusability.curve(distances: W1KP.squaredDistances(group.embeddings))
            XCTAssertEqual(curve.map(\.k), Array(2...group.embeddings.count), "group \(g)")
            for (point, (u, score)) in zip(curve, zip(group.u, group.u_w1kp)) {
                switch point.method {
                case .exact:
                    XCTAssertEqual(point.expectedMinimum, u, accuracy: 1e-9, "group \(g) k \(point.k)")
                    XCTAssertEqual(point.score, score, accuracy: 1e-9, "group \(g) k \(point.k)")
                    XCTAssertNil(point.standardError)
                case .sampled:
                    sampled += 1
                    let se = try XCTUnwrap(point.standardError)
                    XCTAssertGreaterThan(se, 0)
                    XCTAssertLessThanOrEqual(abs(point.expectedMinimum - u), 4 * se, "group \(g) k \(point.k)")
                }
            }
            if group.embeddings.count <= W1KPReusability.allSubsetsLimit { XCTAssertTrue(curve.allSatisfy { $0.method == .exact }) }
            let expectedRepeat = zip(2..., group.u_w1kp).first { $0.1 >= W1KPReusability.repeatThreshold }?.0
            XCTAssertEqual(W1KPReusability.repeatK(curve), expectedRepeat, "group \(g)")
        }
        XCTAssertGreaterThan(sampled, 0, "the 21-image group must reach the sampled path")
    }

    /// Every k to 100, then every 25th and n: the reference's own sizes (5 … 200) are all on it.
    func testCurveSizes() {
        XCTAssertEqual(W1KPReusability.sizes(7), Array(2...7))
        XCTAssertEqual(W1KPReusability.sizes(100), Array(2...100))
        XCTAssertEqual(W1KPReusability.sizes(210), Array(2...100) + [125, 150, 175, 200, 210])
        XCTAssertTrue(Set([5, 10, 25, 50, 100, 150, 200]).isSubset(of: W1KPReusability.sizes(210)))
        XCTAssertEqual(W1KPReusability.sizes(1), [])
    }

    /// The same seed draws the same subsets; another seed other ones.
    func testSampledPointsAreSeeded() throws {
        let group = try fixture().groups.first { $0.embeddings.count > W1KPReusability.allSubsetsLimit }!
        let d = W1KP.squaredDistances(group.embeddings)
        let a = W1KPReusability.curve(distances: d, seed: 7), b = W1KPReusability.curve(distances: d, seed: 7)
        let c = W1KPReusability.curve(distances: d, seed: 8)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }
}
