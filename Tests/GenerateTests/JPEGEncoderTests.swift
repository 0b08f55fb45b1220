import Foundation
@testable import SCSGenerate
import SCSImaging
import TestSupport
import XCTest

/// `--format jpeg` writes the bytes the paper's `Image.open(b).convert('RGB').save(p, 'JPEG')`
/// wrote: checked against Pillow 13 for the shared photos and every decodable decode fixture
/// (fixture: scripts/oracle/make_generate_fixtures.py).
final class JPEGEncoderTests: XCTestCase {
    func testBytesEqualPillowsDefaultSave() throws {
        let fixture = TestPaths.fixtures.appendingPathComponent("generate/pillow_jpeg.json")
        let summary = try XCTUnwrap(try loadJSON(fixture) as? [String: Any])
        let images = try XCTUnwrap(summary["images"] as? [String: [String: Any]])
        XCTAssertGreaterThanOrEqual(images.count, 40)
        for (key, expected) in images.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            let folder = parts[0] == "shared" ? TestPaths.sharedImages : TestPaths.fixtures.appendingPathComponent("decode")
            let source = try ImageDecoder.readFile(folder.appendingPathComponent(parts[1]).path)
            let prepared = try PreparedImage(backendBytes: source, format: .jpeg)
            XCTAssertEqual(sha256Hex(prepared.bytes), expected["sha256"] as? String, key)
            XCTAssertEqual(prepared.bytes.count, expected["bytes"] as? Int, key)
            XCTAssertEqual(prepared.fileExtension, "jpg")
        }
    }

    func testQualityAndSubsamplingAreThePapers() throws {
        let photo = try ImageDecoder.readFile(TestPaths.sharedImages.appendingPathComponent("chelsea.png").path)
        let jpeg = try PreparedImage(backendBytes: photo, format: .jpeg).bytes
        // SOF0 (baseline) with Y 2x2, Cb 1x1, Cr 1x1: 4:2:0.
        let sof = try XCTUnwrap(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        XCTAssertEqual(jpeg[sof + 9], 3)
        XCTAssertEqual([jpeg[sof + 11], jpeg[sof + 14], jpeg[sof + 17]], [0x22, 0x11, 0x11])
        // The first luminance quantiser of quality 75 is 8 (the standard table's 16 scaled by 50 %).
        let dqt = try XCTUnwrap(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDB })
        XCTAssertEqual(jpeg[dqt + 5], 8)
        XCTAssertEqual(JPEGEncoder.pillowDefaultQuality, 75)
    }

    func testOriginalKeepsTheBackendsBytes() throws {
        let png = try ImageDecoder.readFile(TestPaths.sharedImages.appendingPathComponent("coffee.png").path)
        let kept = try PreparedImage(backendBytes: png, format: .original)
        XCTAssertEqual(kept.bytes, png)
        XCTAssertEqual(kept.fileExtension, "png")
        XCTAssertEqual(kept.sourceFormat, .png)
        let webp = try ImageDecoder.readFile(TestPaths.fixtures.appendingPathComponent("decode/webp-lossy-117x81.webp").path)
        XCTAssertEqual(try PreparedImage(backendBytes: webp, format: .original).fileExtension, "webp")
    }

    func testTruncatedAndForeignBytesAreRefused() throws {
        let png = try ImageDecoder.readFile(TestPaths.sharedImages.appendingPathComponent("coffee.png").path)
        XCTAssertThrowsError(try PreparedImage(backendBytes: Array(png.prefix(png.count / 2)), format: .jpeg))
        XCTAssertThrowsError(try PreparedImage(backendBytes: Array("<html>502</html>".utf8), format: .original))
    }
}
