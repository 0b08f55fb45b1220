import Foundation
import SCSModels
import SCSImaging
import TestSupport
import XCTest

/// Embeddings equal transformers' `get_image_features` on random-weight models built by the
/// oracle (scripts/oracle/make_fixtures.py, full_models.py).
final class EmbeddingParityTests: XCTestCase {
    func check(_ name: String, folder: URL, batch: Int) throws {
        let model = try CLIPVisionModel(directory: folder.appendingPathComponent(name))
        let expected = try NpyArray(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("expected.npy"))
        let photos = try TestPaths.sharedPhotos()
        XCTAssertEqual(expected.shape, [photos.count, model.embeddingWidth])
        // The preprocessing of these fixtures converts to RGB first (scripts/oracle/clip_preprocess.py).
        let pre = ImagePreprocessor(size: model.config.imageSize)
        var pixels = [Float]()
        for url in photos { pixels += pre.preprocess(try ImageDecoder.decode(fileAt: url.path)) }
        Parity(model.embed(pixels, count: photos.count, batch: batch), expected.floats, width: model.embeddingWidth).check(name)
    }

    private var tinyModels: URL { TestPaths.fixtures.appendingPathComponent("models") }

    func testTinyFloat32Model() throws { try check("tiny-b32", folder: tinyModels, batch: 3) }
    func testTinyFloat16Weights() throws { try check("tiny-b32-f16", folder: tinyModels, batch: 7) }
    func testTinyBFloat16Weights() throws { try check("tiny-b32-bf16", folder: tinyModels, batch: 1) }
    func testTinyPatch16GELUModel() throws { try check("tiny-p16-gelu", folder: tinyModels, batch: 4) }
    /// L/14-336's geometry: the input size (336) comes from config.json.
    func testTinyPatch14At336Model() throws { try check("tiny-p14-336", folder: tinyModels, batch: 3) }

    /// Full-size ViT-B/32 and ViT-B/16 with random weights; needs the oracle venv
    /// (scripts/oracle/setup-venv.sh), which builds them into .oracle-cache/models.
    func testFullSizeModelsMatchTransformers() throws {
        guard let python = TestPaths.oraclePython else {
            throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh to check full-size ViT-B/32 and B/16 parity")
        }
        let folder = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/models")
        let process = Process()
        process.executableURL = python
        process.arguments = [TestPaths.repoRoot.appendingPathComponent("scripts/oracle/full_models.py").path, folder.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "full_models.py failed")
        try check("vit-b-32", folder: folder, batch: 4)
        try check("vit-b-16", folder: folder, batch: 2)
    }
}
