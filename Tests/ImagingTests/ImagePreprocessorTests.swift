import Foundation
import SCSImaging
import TestSupport
import XCTest

final class ImagePreprocessorTests: XCTestCase {
    /// The OpenAI CLIP test vector: franz-kafka.jpg preprocessed by the reference pipeline.
    func testReproducesFranzKafkaTestVector() throws {
        let image = try ImageDecoder.decode(fileAt: TestPaths.sharedImages.appendingPathComponent("franz-kafka.jpg").path)
        let expected = try NpyArray(contentsOf: TestPaths.shared.appendingPathComponent("fixtures/clip/franz-kafka.preprocessed.npy"))
        XCTAssertEqual(expected.shape, [1, 3, 224, 224])
        let ours = ImagePreprocessor().preprocess(image)
        let reference = expected.floats
        XCTAssertEqual(ours.count, reference.count)
        var maxDiff: Float = 0
        for i in 0..<ours.count { maxDiff = max(maxDiff, abs(ours[i] - reference[i])) }
        XCTAssertLessThanOrEqual(maxDiff, 1e-6, "max abs diff \(maxDiff)")
    }

    func testResizedSizeTruncatesLongSide() {
        let p = ImagePreprocessor()
        XCTAssertEqual(p.resizedSize(width: 768, height: 768).width, 224)
        XCTAssertEqual(p.resizedSize(width: 1000, height: 700).width, 320)  // int(224*1000/700) = 320
        XCTAssertEqual(p.resizedSize(width: 333, height: 1000).height, 672)  // int(224*1000/333) = 672
        XCTAssertEqual(p.resizedSize(width: 333, height: 1000).width, 224)
    }
}
