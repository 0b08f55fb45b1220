import Foundation
import SCSScoring
import XCTest

final class ConsistencyScoreTests: XCTestCase {
    /// Unit vectors at known angles: cos 0° = 1 → 100, cos 60° = 0.5 → 50, cos 90° = 0 → 0,
    /// cos 120° = -0.5 → clipped to 0 per pair, before the mean.
    func testPairsAreClippedBeforeAveraging() throws {
        func at(_ degrees: Double, scale: Float = 1) -> [Float] {
            [Float(cos(degrees * .pi / 180)) * scale, Float(sin(degrees * .pi / 180)) * scale, 0]
        }
        let score = try XCTUnwrap(ConsistencyScore.score(model: "m", prompt: "p", embeddings: [at(0), at(60, scale: 3), at(120, scale: 0.5)]))
        // pairs: (0,60) → 50, (0,120) → 0 (cos -0.5, clipped), (60,120) → 50
        XCTAssertEqual(score.nImages, 3)
        XCTAssertEqual(score.nPairs, 3)
        XCTAssertEqual(score.scs, 100.0 / 3, accuracy: 1e-5)
        XCTAssertEqual(score.pairMin, 0, accuracy: 1e-9)
        XCTAssertEqual(score.pairMax, 50, accuracy: 1e-5)
        // population sd of (50, 0, 50)
        XCTAssertEqual(score.pairSD, (2.0 / 9 * 2500).squareRoot(), accuracy: 1e-4)
        // torchmetrics-style clipping of the mean would give mean(50, -50, 50) = 16.7: not ours.
        XCTAssertGreaterThan(score.scs, 20)
    }

    func testIdenticalImagesScore100AndTwentyImagesMake190Pairs() throws {
        let e = (0..<20).map { _ in [Float(0.3), -1.2, 2.5, 0.01] }
        let score = try XCTUnwrap(ConsistencyScore.score(model: "m", prompt: "p", embeddings: e))
        XCTAssertEqual(score.nPairs, 190)
        XCTAssertEqual(score.scs, 100, accuracy: 1e-9)
        XCTAssertEqual(score.pairSD, 0, accuracy: 1e-9)
    }

    func testFewerThanTwoImagesHaveNoScore() {
        XCTAssertNil(ConsistencyScore.score(model: "m", prompt: "p", embeddings: [[1, 2]]))
        XCTAssertNil(ConsistencyScore.score(model: "m", prompt: "p", embeddings: []))
    }

    func testModelSummaryStatistics() {
        let s = ModelSummary(model: "m", scores: [70, 72, 80, 60])
        XCTAssertEqual(s.prompts, 4)
        XCTAssertEqual(s.mean, 70.5, accuracy: 1e-12)
        XCTAssertEqual(s.median, 71, accuracy: 1e-12)
        // sample sd (ddof = 1)
        XCTAssertEqual(s.sd, (203.0 / 3).squareRoot(), accuracy: 1e-12)
    }
}
