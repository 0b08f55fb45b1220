import Foundation
import SCSImaging
import SCSModels
import SCSTensor
import TestSupport
import XCTest

/// DINOv2 and SigLIP towers against transformers: each shared photo through the model's own
/// pipeline (`AutoImageProcessor` then `pooler_output`), from the file, in scs and in PyTorch
/// (scripts/oracle/backbones.py). Tiny models are committed; full-size ones are built by the
/// oracle when its venv is there.
final class BackboneParityTests: XCTestCase {
    struct Parity { var minCosine = 1.0; var maxRelativeL2 = 0.0 }

    /// Embeds the shared photos through `folder`'s model, `batch` at a time, against expected.npy.
    static func parity(_ folder: URL, batch: Int, precision: Precision = .fp32) throws -> (ModelKind, Parity) {
        let model = try ImageEncoders.load(folder, precision: precision)
        let expected = try NpyArray(contentsOf: folder.appendingPathComponent("expected.npy"))
        let photos = try TestPaths.sharedPhotos()
        let e = model.embeddingWidth
        XCTAssertEqual(expected.shape, [photos.count, e], folder.lastPathComponent)
        let pre = model.preprocessor(model.kind.defaultPipeline)
        var pixels = [Float]()
        for url in photos { pixels += pre.preprocess(try ImageDecoder.decodeNative(fileAt: url.path)) }
        let out = model.embed(pixels, count: photos.count, batch: batch)
        var p = Parity()
        for i in 0..<photos.count {
            let a = out[(i * e)..<((i + 1) * e)].map(Double.init), b = expected.floats[(i * e)..<((i + 1) * e)].map(Double.init)
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let diff = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            p.minCosine = min(p.minCosine, dot / (na * nb))
            p.maxRelativeL2 = max(p.maxRelativeL2, diff / nb)
        }
        return (model.kind, p)
    }

    func check(_ folder: URL, kind: ModelKind, batch: Int) throws {
        let (found, p) = try Self.parity(folder, batch: batch)
        print("parity \(folder.lastPathComponent): min cosine \(p.minCosine), max relative L2 \(p.maxRelativeL2)")
        XCTAssertEqual(found, kind, folder.lastPathComponent)
        XCTAssertGreaterThanOrEqual(p.minCosine, 0.99999, folder.lastPathComponent)
        XCTAssertLessThanOrEqual(p.maxRelativeL2, 1e-4, folder.lastPathComponent)
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
        guard let python = TestPaths.oraclePython else {
            throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh to check full-size DINOv2 and SigLIP parity")
        }
        let all = ["dinov2-small", "dinov2-base", "dinov2-large", "dinov2-giant", "dinov2-with-registers-base",
                   "siglip-base-patch16-224", "siglip-so400m-patch14-384"]
        let asked = ProcessInfo.processInfo.environment["SCS_BACKBONES"]
        let names = asked == "all" ? all : asked?.split(separator: ",").map(String.init)
            ?? ["dinov2-base", "dinov2-with-registers-base", "siglip-base-patch16-224"]
        let folder = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/backbones")
        let script = TestPaths.repoRoot.appendingPathComponent("scripts/oracle/backbones.py").path
        let run = try Spawn.run([python.path, script, folder.path] + names, environment: ProcessInfo.processInfo.environment,
                                directory: TestPaths.repoRoot)
        print(run.stdout)
        XCTAssertEqual(run.status, 0, "backbones.py failed: \(run.stderr.suffix(2000))")
        for name in names {
            try check(folder.appendingPathComponent(name), kind: name.hasPrefix("siglip") ? .siglip : .dinov2, batch: 3)
        }
    }
}
