import Foundation
import SCSImaging
import SCSModels
import TestSupport
import XCTest

/// DINOv2 and SigLIP towers against transformers: each shared photo through the model's own
/// pipeline (`AutoImageProcessor` then `pooler_output`), from the file, in scs and in PyTorch
/// (scripts/oracle/backbones.py). Tiny models are committed; full-size ones are built by the
/// oracle when its venv is there.
final class BackboneParityTests: XCTestCase {
    func check(_ folder: URL, kind: ModelKind, batch: Int) throws {
        let model = try ImageEncoders.load(folder)
        XCTAssertEqual(model.kind, kind, folder.lastPathComponent)
        let expected = try NpyArray(contentsOf: folder.appendingPathComponent("expected.npy"))
        XCTAssertEqual(expected.shape, [try TestPaths.sharedPhotos().count, model.embeddingWidth], folder.lastPathComponent)
        Parity(try Parity.embedSharedPhotos(model, batch: batch), expected.floats, width: model.embeddingWidth)
            .check(folder.lastPathComponent)
    }

    private var tiny: URL { TestPaths.fixtures.appendingPathComponent("backbones") }

    /// Position embeddings trained on a 5x5 grid, bicubically upsampled to 16x16.
    func testTinyDINOv2() throws { try check(tiny.appendingPathComponent("tiny-dinov2"), kind: .dinov2, batch: 3) }
    func testTinyDINOv2SwiGLU() throws { try check(tiny.appendingPathComponent("tiny-dinov2-swiglu"), kind: .dinov2, batch: 2) }
    /// Registers, and the antialiased interpolation (37x37 → 16x16) of that variant.
    func testTinyDINOv2WithRegisters() throws { try check(tiny.appendingPathComponent("tiny-dinov2-registers"), kind: .dinov2, batch: 4) }
    /// Trained at the input's grid: no interpolation at all.
    func testTinyDINOv2At224() throws { try check(tiny.appendingPathComponent("tiny-dinov2-224"), kind: .dinov2, batch: 7) }
    func testTinySigLIPVisionModel() throws { try check(tiny.appendingPathComponent("tiny-siglip"), kind: .siglip, batch: 3) }
    /// A whole SiglipModel: the tower under `vision_model.`, the text tower ignored.
    func testTinySigLIPModel() throws { try check(tiny.appendingPathComponent("tiny-siglip-whole"), kind: .siglip, batch: 1) }

    /// The full-size shapes, built by the oracle (about 0.1–4.5 GB each). `SCS_BACKBONES` names
    /// which (comma-separated; `all` for every one, giant and so400m included); by default the
    /// base models.
    func testFullSizeBackbonesMatchTransformers() throws {
        guard TestPaths.oraclePython != nil else {
            throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh to check full-size DINOv2 and SigLIP parity")
        }
        let all = [
            "dinov2-small", "dinov2-base", "dinov2-large", "dinov2-giant", "dinov2-with-registers-base",
            "siglip-base-patch16-224", "siglip-so400m-patch14-384"
        ]
        let asked = ProcessInfo.processInfo.environment["SCS_BACKBONES"]
        let names =
            asked == "all"
            ? all
            : asked?.split(separator: ",").map(String.init)
                ?? ["dinov2-base", "dinov2-with-registers-base", "siglip-base-patch16-224"]
        let folder = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/backbones")
        for name in names {
            try Parity.runOracle("backbones.py", [folder.path, name])
            try check(folder.appendingPathComponent(name), kind: name.hasPrefix("siglip") ? .siglip : .dinov2, batch: 3)
            Parity.discardOnCI(folder.appendingPathComponent(name))
        }
    }
}
