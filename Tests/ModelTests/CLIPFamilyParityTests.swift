import Foundation
import SCSModels
import TestSupport
import XCTest

/// CLIP towers beyond OpenAI's, each in the format it is published in, against its own code
/// (scripts/oracle/clip_family.py): open_clip's LAION ViT-H/14 and ViT-bigG/14 (open_clip_pytorch_model.bin
/// and its config, `encode_image`), HPSv2's checkpoint (a wrapped state dict, no config), and the
/// transformers format of the same shapes (PickScore's; `get_image_features`). Too big to commit:
/// built by the oracle when its venv is there. `SCS_CLIP_FAMILY` names which (comma-separated,
/// `all` adds the two bigG towers, about 18 GB); by default the ViT-H/14 ones and a shallow
/// 1280-wide tower with no config.
final class CLIPFamilyParityTests: XCTestCase {
    /// The file `--model` is given for each folder the oracle writes.
    static func modelPath(_ folder: URL) -> URL {
        for file in ["open_clip_pytorch_model.bin", "HPS_v2_compressed.pt"]
        where
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path)
        {
            return folder.appendingPathComponent(file)
        }
        return folder
    }

    func testCLIPFamilyTowersMatchTheirOwnCode() throws {
        guard TestPaths.oraclePython != nil else {
            throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh to check ViT-H/14, bigG and HPSv2 parity")
        }
        let defaults = ["tiny-openclip-wide", "hpsv2", "vit-h-14-openclip", "vit-h-14-hf"]
        let asked = ProcessInfo.processInfo.environment["SCS_CLIP_FAMILY"]
        let names =
            asked == "all"
            ? defaults + ["vit-bigg-14-openclip", "vit-bigg-14-hf"]
            : asked?.split(separator: ",").map(String.init) ?? defaults
        let root = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/clip-family")
        for name in names {
            try Parity.runOracle("clip_family.py", [root.path, name])
            let folder = root.appendingPathComponent(name)
            let model = try ImageEncoders.load(Self.modelPath(folder))
            XCTAssertEqual(model.kind, .clip)
            let expected = try NpyArray(contentsOf: folder.appendingPathComponent("expected.npy"))
            Parity(try Parity.embedSharedPhotos(model, batch: 3), expected.floats, width: model.embeddingWidth).check(name)
            Parity.discardOnCI(folder)
        }
    }
}
