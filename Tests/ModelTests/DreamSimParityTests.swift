import Foundation
import SCSModels
import TestSupport
import XCTest

/// DreamSim and DINO v1 against their own code (scripts/oracle/dreamsim_files.py): random-weight
/// files laid out as `dreamsim(pretrained=True, cache_dir=DIR)` leaves them (LoRA adapters merged
/// at load) and DINO's published checkpoint layout; each photo through DreamSim's `preprocess` and
/// `embed`, and DINO's evaluation transform and `forward`. ViT-B towers, built when the oracle
/// venv is there (`SCS_DREAMSIM` picks which, comma-separated; default all).
final class DreamSimParityTests: XCTestCase {
    static let all = ["dreamsim-ensemble", "dreamsim-dino_vitb16", "dreamsim-clip_vitb32", "dreamsim-open_clip_vitb32", "dino-vitb16"]

    func testDreamSimAndDINOMatchTheirOwnCode() throws {
        guard TestPaths.oraclePython != nil else {
            throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh to check DreamSim and DINO parity")
        }
        let names = ProcessInfo.processInfo.environment["SCS_DREAMSIM"]?.split(separator: ",").map(String.init) ?? Self.all
        let root = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/dreamsim")
        for name in names {
            try Parity.runOracle("dreamsim_files.py", [root.path, name])
            let folder = root.appendingPathComponent(name)
            let path = name == "dino-vitb16" ? folder.appendingPathComponent("dino_vitbase16_pretrain.pth") : folder
            let model = try ImageEncoders.load(path)
            XCTAssertEqual(model.kind, name == "dino-vitb16" ? .dino : .dreamsim, name)
            let expected = try NpyArray(contentsOf: folder.appendingPathComponent("expected.npy"))
            XCTAssertEqual(expected.shape, [7, model.embeddingWidth], name)
            Parity(try Parity.embedSharedPhotos(model, batch: 3), expected.floats, width: model.embeddingWidth).check(name)
            Parity.discardOnCI(folder)
        }
    }
}
