import Foundation
import SCSModels
import SCSImaging
import SCSTensor
import TestSupport
import XCTest

/// An image's embedding is the same bits whatever its batch, its place in the batch and the
/// kernel path (fp32), on every path this CPU runs.
final class DeterminismTests: XCTestCase {
    override func tearDown() { KernelPath.force(nil) }

    /// 17 preprocessed inputs: the shared photos, then mirrored copies to make up the number.
    func inputs(size: Int) throws -> (pixels: [Float], count: Int, elements: Int) {
        let pre = ImagePreprocessor(size: size)
        var pixels = [Float]()
        let photos = try TestPaths.sharedPhotos()
        var count = 0
        while count < 17 {
            let image = try ImageDecoder.decode(fileAt: photos[count % photos.count].path)
            var p = pre.preprocess(image)
            if count >= photos.count { p.reverse() }
            pixels += p
            count += 1
        }
        return (pixels, count, pre.elementCount)
    }

    func embedAll(_ model: CLIPVisionModel, _ input: (pixels: [Float], count: Int, elements: Int), batch: Int) -> [Float] {
        model.embed(input.pixels, count: input.count, batch: batch)
    }

    func check(model name: String) throws {
        let directory = TestPaths.fixtures.appendingPathComponent("models/\(name)")
        var fp32ByPath: [KernelPath: [UInt32]] = [:]
        let paths = KernelPath.allCases.filter(\.isSupported)
        let size = try CLIPVisionConfig.load(from: directory.appendingPathComponent("config.json")).imageSize
        let input = try inputs(size: size)
        for path in paths {
            KernelPath.force(path)
            // bf16 has one kernel (AVX512-BF16), whatever the fp32 path: checked once, on the best path.
            for precision in Precision.allCases where precision.isSupported && (precision == .fp32 || path == paths.first) {
                let model = try CLIPVisionModel(directory: directory, precision: precision)
                let reference = embedAll(model, input, batch: 1).map(\.bitPattern)
                // The portable path is ~50x slower (a libm fmaf per product): a spread of sizes there.
                for batch in path == .generic ? [2, 3, 7, 16, 17] : Array(2...17) {
                    let got = embedAll(model, input, batch: batch).map(\.bitPattern)
                    let differing = zip(got, reference).filter { $0 != $1 }.count
                    XCTAssertEqual(differing, 0, "\(name) \(path) \(precision): batch \(batch) differs from batch 1 in \(differing) values")
                }
                if precision == .fp32 { fp32ByPath[path] = reference }
            }
        }
        // The fp32 paths compute the same fma chains, so the same bits.
        for p in paths.dropFirst() {
            XCTAssertEqual(fp32ByPath[p], fp32ByPath[paths[0]], "\(name): \(p) and \(paths[0]) differ")
        }
        print("determinism \(name): batches 1...17 identical on \(paths.map(\.rawValue)) (fp32\(Precision.bf16.isSupported ? ", bf16" : ""))")
    }

    func testTinyB32IsBatchInvariantOnEveryPath() throws { try check(model: "tiny-b32") }
    func testTinyP16GELUIsBatchInvariantOnEveryPath() throws { try check(model: "tiny-p16-gelu") }
}
