import Foundation
import SCSImaging
import TestSupport
import XCTest

/// Decoding equals Pillow's `Image.open(p).convert("RGB")`, byte for byte
/// (fixtures: scripts/oracle/make_fixtures.py).
final class DecodeParityTests: XCTestCase {
    private func check(_ cases: [[String: Any]], folder: URL, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        var checked = 0
        for c in cases {
            let name = c["file"] as! String
            let path = folder.appendingPathComponent(name).path
            if c["error"] as? Bool == true {
                XCTAssertThrowsError(try ImageDecoder.decode(fileAt: path), "\(name) should not decode") { error in
                    XCTAssertTrue("\(error)".contains(name), "error should name the file: \(error)")
                }
                continue
            }
            let image = try ImageDecoder.decode(fileAt: path)
            XCTAssertEqual(image.width, c["width"] as? Int, name)
            XCTAssertEqual(image.height, c["height"] as? Int, name)
            var message = "\(name) (Pillow mode \(c["pil_mode"] ?? "?")) differs from Pillow"
            if let npy = c["rgb_npy"] as? String, sha256Hex(image.pixels) != c["rgb_sha256"] as? String {
                let expected = try NpyArray(contentsOf: folder.appendingPathComponent(npy)).bytes
                if let i = zip(image.pixels, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                    message += ": first difference at byte \(i): \(image.pixels[i]) vs \(expected[i])"
                }
            }
            XCTAssertEqual(sha256Hex(image.pixels), c["rgb_sha256"] as? String, message)
            checked += 1
        }
        return checked
    }

    func testGeneratedVariantsMatchPillow() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("decode")
        let cases = try loadJSON(folder.appendingPathComponent("expected.json")) as! [[String: Any]]
        let checked = try check(cases, folder: folder)
        XCTAssertGreaterThan(checked, 30)
    }

    func testSharedPhotosMatchPillow() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("decode")
        var cases = try loadJSON(folder.appendingPathComponent("shared_expected.json"))
        if let dict = cases as? [String: Any], let list = dict["shared"] { cases = list }
        let checked = try check(cases as! [[String: Any]], folder: TestPaths.sharedImages)
        XCTAssertEqual(checked, 7)
    }

    func testFormatComesFromContentNotName() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("decode")
        let bytes = try ImageDecoder.readFile(folder.appendingPathComponent("misnamed-png-really-97x61.jpg").path)
        XCTAssertEqual(ImageFormat.sniff(bytes), .png)
    }

    func testBadInputsGiveTypedErrors() throws {
        XCTAssertThrowsError(try ImageDecoder.decode([])) { XCTAssertEqual($0 as? ImageDecodingError, .empty) }
        XCTAssertThrowsError(try ImageDecoder.decode(Array("hello, world".utf8))) {
            XCTAssertEqual($0 as? ImageDecodingError, .unrecognizedFormat)
        }
        let folder = TestPaths.fixtures.appendingPathComponent("decode")
        let truncated = try ImageDecoder.readFile(folder.appendingPathComponent("bad-truncated-60pct.jpg").path)
        XCTAssertThrowsError(try ImageDecoder.decode(truncated)) { XCTAssertEqual($0 as? ImageDecodingError, .truncated(.jpeg)) }
        let truncatedPNG = try ImageDecoder.readFile(folder.appendingPathComponent("bad-truncated-60pct.png").path)
        XCTAssertThrowsError(try ImageDecoder.decode(truncatedPNG)) { XCTAssertEqual($0 as? ImageDecodingError, .truncated(.png)) }
    }
}
