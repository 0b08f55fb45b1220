import Foundation
import SCSImaging
import TestSupport
import XCTest

/// Pillow's BICUBIC resize, byte for byte, over many sizes (fixtures: scripts/oracle/make_fixtures.py).
final class ResizeParityTests: XCTestCase {
    func testMatchesPillowOverManySizes() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("resize")
        let cases = try loadJSON(folder.appendingPathComponent("expected.json")) as! [[String: Any]]
        var sources: [String: RGBImage] = [:]
        var failures: [String] = []
        for c in cases {
            let name = c["source"] as! String
            let shared = c["shared"] as? Bool ?? false
            if sources[name] == nil {
                let dir = shared ? TestPaths.sharedImages : folder
                sources[name] = try ImageDecoder.decode(fileAt: dir.appendingPathComponent(name).path)
            }
            let source = sources[name]!
            XCTAssertEqual(source.width, c["source_width"] as? Int)
            let (w, h) = (c["width"] as! Int, c["height"] as! Int)
            let out = BicubicResize.resize(source, width: w, height: h)
            XCTAssertEqual(out.pixels.count, w * h * 3)
            if sha256Hex(out.pixels) != c["sha256"] as? String {
                var detail = "\(name) -> \(w)x\(h)"
                if let npy = c["npy"] as? String {
                    let expected = try NpyArray(contentsOf: folder.appendingPathComponent(npy)).bytes
                    if let i = zip(out.pixels, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                        detail += " first difference at byte \(i): \(out.pixels[i]) vs \(expected[i])"
                    }
                }
                failures.append(detail)
            }
        }
        XCTAssertGreaterThan(cases.count, 150)
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) sizes differ from Pillow")
    }

    func testPreprocessingMatchesOracleForSharedPhotos() throws {
        let spec = try loadJSON(TestPaths.fixtures.appendingPathComponent("preprocess/expected.json")) as! [String: Any]
        let cases = spec["cases"] as! [[String: Any]]
        for c in cases {
            let image = try ImageDecoder.decode(fileAt: TestPaths.sharedImages.appendingPathComponent(c["image"] as! String).path)
            let size = c["size"] as! Int
            let out = ImagePreprocessor(size: size).preprocess(image)
            let bytes = out.withUnsafeBytes { Array($0) }
            let sums = (0..<3).map { ch in out[(ch * size * size)..<((ch + 1) * size * size)].reduce(0.0) { $0 + Double($1) } }
            let expectedSums = c["channel_sums"] as! [Double]
            for ch in 0..<3 { XCTAssertEqual(sums[ch], expectedSums[ch], accuracy: 1e-3, "\(c["image"]!) channel \(ch)") }
            XCTAssertEqual(sha256Hex(bytes), c["sha256"] as? String, "\(c["image"]!) at \(size): float32 bytes differ")
        }
        XCTAssertEqual(cases.count, 14)
    }
}
