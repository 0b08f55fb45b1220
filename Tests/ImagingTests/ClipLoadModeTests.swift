import Foundation
import SCSImaging
import TestSupport
import XCTest

/// `clip.load`'s preprocess for every mode Pillow opens JPEG, PNG and WebP in (1, L, LA, P, I;16,
/// RGB, RGBA, CMYK), byte for byte on the crop and to float rounding on the tensor: the image is
/// resized in its own mode and converted to RGB after the crop.
/// Fixtures: scripts/oracle/make_mode_fixtures.py (OpenAI's `clip.clip._transform(40)`).
final class ClipLoadModeTests: XCTestCase {
    func testEveryModeMatchesClipLoad() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("modes")
        let names = try String(contentsOf: folder.appendingPathComponent("names.txt"), encoding: .utf8).split(separator: "\n")
        let modes = try String(contentsOf: folder.appendingPathComponent("modes.txt"), encoding: .utf8).split(separator: "\n")
        let crops = try NpyArray(contentsOf: folder.appendingPathComponent("crops.npy"))
        let tensors = try NpyArray(contentsOf: folder.appendingPathComponent("tensors.npy")).floats
        let n = 40
        XCTAssertEqual(crops.shape, [names.count, n, n, 3])
        let pre = CLIPPreprocessor(size: n)
        var seenModes = Set<String>()
        for (i, name) in names.enumerated() {
            let image = try ImageDecoder.decodeNative(fileAt: TestPaths.fixtures.appendingPathComponent("decode/\(name)").path)
            XCTAssertEqual(image.mode.rawValue, String(modes[i]), "\(name): the mode Pillow opens it in")
            seenModes.insert(image.mode.rawValue)
            let crop = pre.resizeAndCrop(image)
            let expected = [UInt8](crops.data[(i * n * n * 3)..<((i + 1) * n * n * 3)])
            let wrong = zip(crop.pixels, expected).filter { $0 != $1 }.count
            XCTAssertEqual(wrong, 0, "\(name) (\(image.mode.rawValue)): \(wrong) of \(expected.count) crop bytes differ from clip.load's")
            let tensor = pre.preprocess(image)
            let reference = tensors[(i * 3 * n * n)..<((i + 1) * 3 * n * n)]
            let worst = zip(tensor, reference).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-6, "\(name): tensor")
        }
        XCTAssertEqual(seenModes, Set(PillowImage.Mode.allCases.map(\.rawValue)), "a mode without a fixture")
    }
}
