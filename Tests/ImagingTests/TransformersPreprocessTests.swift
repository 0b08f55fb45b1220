import Foundation
import SCSImaging
import TestSupport
import XCTest

/// `--preprocess transformers`: transformers 5.24's CLIPImageProcessor, exactly, for every mode
/// (transparency composited onto white) and for full-size photos.
/// Fixtures: scripts/oracle/make_transformers_preprocess_fixtures.py.
final class TransformersPreprocessTests: XCTestCase {
    let folder = TestPaths.fixtures.appendingPathComponent("transformers-preprocess")

    func worst(_ a: [Float], _ b: ArraySlice<Float>) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? .infinity }

    func testEveryModeMatchesCLIPImageProcessor() throws {
        let names = try String(contentsOf: TestPaths.fixtures.appendingPathComponent("modes/names.txt"), encoding: .utf8).split(separator: "\n")
        let expected = try NpyArray(contentsOf: folder.appendingPathComponent("tensors-40.npy")).floats
        let pre = ImagePreprocessor(size: 40, pipeline: .transformers)
        let n = 3 * 40 * 40
        var mismatches: [String] = []
        for (i, name) in names.enumerated() {
            let image = try ImageDecoder.decodeNative(fileAt: TestPaths.fixtures.appendingPathComponent("decode/\(name)").path)
            let w = worst(pre.preprocess(image), expected[(i * n)..<((i + 1) * n)])
            if w > 1e-6 { mismatches.append("\(name) (\(image.mode.rawValue)): \(w)") }
        }
        XCTAssertEqual(mismatches, [], "differ from CLIPImageProcessor")
    }

    func testPhotosAtFullSize() throws {
        let pre = ImagePreprocessor(size: 224, pipeline: .transformers)
        for name in ["rocket", "franz-kafka", "hubble_deep_field"] {
            let expected = try NpyArray(contentsOf: folder.appendingPathComponent("photo-\(name).npy")).floats
            let file = try TestPaths.sharedPhotos().first { $0.deletingPathExtension().lastPathComponent == name }
            let image = try ImageDecoder.decodeNative(fileAt: try XCTUnwrap(file).path)
            XCTAssertLessThanOrEqual(worst(pre.preprocess(image), expected[...]), 1e-6, name)
            // and it is not clip.load's: rocket's crop starts a pixel apart.
            if name == "rocket" {
                XCTAssertGreaterThan(worst(ImagePreprocessor(size: 224).preprocess(image), expected[...]), 0.1)
            }
        }
    }
}
