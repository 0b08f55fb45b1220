import Foundation
@testable import SCSImaging
import TestSupport
import XCTest

/// Images past the pixel limit are refused from their header, before a pixel buffer is allocated:
/// Pillow's `MAX_IMAGE_PIXELS` rule (an error past twice 89,478,485), one line naming the file.
final class PixelLimitTests: XCTestCase {
    override func tearDown() { ImageLimits.maxPixels = ImageLimits.defaultMaxPixels }

    func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("decode/\(name)")))
    }

    /// Decoding under a memory ceiling: a bomb that got past the check would need gigabytes.
    func decodeRefused(_ bytes: [UInt8], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let before = residentBytes()
        XCTAssertThrowsError(try ImageDecoder.decode(bytes), label, file: file, line: line) { error in
            guard case .tooLarge = error as? ImageDecodingError else {
                return XCTFail("\(label): \(error)", file: file, line: line)
            }
            XCTAssertTrue("\(error)".contains("over the limit of \(ImageLimits.maxPixels)"), "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains("raising ImageLimits.maxPixels allows it"), "\(error)", file: file, line: line)
        }
        XCTAssertLessThan(residentBytes() - before, 64 << 20, "\(label): memory grew before the refusal", file: file, line: line)
    }

    func testBombsAreRefusedFromTheHeader() throws {
        // JPEG: SOF says 65,000 x 65,000 (4.2 billion pixels).
        let jpeg = try DamagedHeaderTests.jpeg(height: 65_000, width: 65_000)
        decodeRefused(jpeg, "jpeg")
        // PNG: IHDR says 20,000 x 20,000 (400 million), just past Pillow's error at 178,956,970.
        var png = try fixture("png-rgb8-97x61.png")
        for (offset, value) in [(16, 20_000), (20, 20_000)] {
            for k in 0..<4 { png[offset + k] = UInt8(truncatingIfNeeded: value >> (24 - 8 * k)) }
        }
        decodeRefused(png, "png")
        // WebP (lossy VP8): 16,383 x 16,383, the format's largest, is 268 million pixels.
        var webp = try fixture("webp-lossy-117x81.webp")
        XCTAssertEqual(Array(webp[12..<16]), Array("VP8 ".utf8))
        webp[26] = 0xFF; webp[27] = 0x3F; webp[28] = 0xFF; webp[29] = 0x3F
        decodeRefused(webp, "webp")
    }

    func testTheLimitIsPillowsAndCanBeChanged() throws {
        XCTAssertEqual(ImageLimits.pillowMaxImagePixels, 1024 * 1024 * 1024 / 4 / 3)
        XCTAssertEqual(ImageLimits.defaultMaxPixels, 178_956_970)
        let photo = try fixture("png-rgb8-97x61.png")
        XCTAssertNoThrow(try ImageDecoder.decode(photo))
        ImageLimits.maxPixels = 97 * 61
        XCTAssertNoThrow(try ImageDecoder.decode(photo), "exactly at the limit is allowed, as in Pillow")
        ImageLimits.maxPixels = 97 * 61 - 1
        decodeRefused(photo, "one pixel over")
        decodeRefused(try fixture("jpeg-baseline-420-77x115.jpg"), "jpeg over a small limit")
        decodeRefused(try fixture("webp-lossless-117x81.webp"), "lossless webp over a small limit")
    }

    func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
