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
        let pre = ImagePreprocessor(size: n)
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
        let madeInCode: Set<String> = ["PA", "YCbCr", "I", "F"]  // SyntheticModeTests
        XCTAssertEqual(seenModes, Set(PillowImage.Mode.allCases.map(\.rawValue)).subtracting(madeInCode), "a mode without a fixture")
    }
}

/// The modes no JPEG, PNG or WebP opens in (PA, YCbCr, I, F), on images made in code: both
/// pipelines, against OpenAI's transform and transformers' processor.
final class SyntheticModeTests: XCTestCase {
    func testModesMadeInCode() throws {
        let folder = TestPaths.fixtures.appendingPathComponent("modes/synthetic")
        let list = try SyntheticModes.list()
        let crops = try NpyArray(contentsOf: folder.appendingPathComponent("synthetic-crops.npy"))
        let tensors = try NpyArray(contentsOf: folder.appendingPathComponent("synthetic-tensors.npy")).floats
        let hf = try NpyArray(contentsOf: folder.appendingPathComponent("synthetic-transformers.npy")).floats
        let n = 40, plane = 3 * n * n
        let clip = ImagePreprocessor(size: n), transformers = ImagePreprocessor(size: n, pipeline: .transformers)
        for (i, entry) in list.enumerated() {
            let image = try SyntheticModes.image(entry[0], mode: entry[1])
            let crop = clip.resizeAndCrop(image).pixels
            let wrong = zip(crop, [UInt8](crops.data[(i * plane)..<((i + 1) * plane)])).filter { $0 != $1 }.count
            XCTAssertEqual(wrong, 0, "\(entry[1]): \(wrong) crop bytes differ from clip.load's")
            let a = clip.preprocess(image), b = transformers.preprocess(image)
            XCTAssertLessThanOrEqual(zip(a, tensors[(i * plane)..<((i + 1) * plane)]).map { abs($0 - $1) }.max() ?? 1, 1e-6, entry[1])
            XCTAssertLessThanOrEqual(
                zip(b, hf[(i * plane)..<((i + 1) * plane)]).map { abs($0 - $1) }.max() ?? 1, 1e-6,
                "\(entry[1]) (transformers)")
        }
        XCTAssertEqual(Set(list.map { $0[1] }), ["PA", "YCbCr", "I", "F"])
    }
}
