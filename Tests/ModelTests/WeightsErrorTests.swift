import Foundation
import SCSModels
import TestSupport
import XCTest

/// A damaged model is an error that names the file and tensor, never a crash.
final class WeightsErrorTests: XCTestCase {
    let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32")

    /// A copy of the tiny model whose safetensors file is replaced.
    func modelFolder(safetensors: (URL) throws -> Void) throws -> URL {
        let dir = try makeTemporaryDirectory()
        try FileManager.default.copyItem(at: tiny.appendingPathComponent("config.json"), to: dir.appendingPathComponent("config.json"))
        try safetensors(dir.appendingPathComponent("model.safetensors"))
        return dir
    }

    func testMissingTensorIsNamed() throws {
        let dir = try modelFolder { try writeSafetensors([("unrelated", [2], [1, 2])], to: $0) }
        XCTAssertThrowsError(try CLIPVisionModel(directory: dir)) { error in
            guard case let .missingTensor(_, name) = error as? WeightsError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "vision_model.embeddings.patch_embedding.weight")
            XCTAssertTrue("\(error)".contains("model.safetensors"))
        }
    }

    func testWrongShapeIsNamed() throws {
        let dir = try modelFolder { try writeSafetensors([("vision_model.embeddings.patch_embedding.weight", [2, 2], [1, 2, 3, 4])], to: $0) }
        XCTAssertThrowsError(try CLIPVisionModel(directory: dir)) { error in
            guard case let .wrongShape(_, name, expected, found) = error as? WeightsError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "vision_model.embeddings.patch_embedding.weight")
            XCTAssertEqual(expected, [64, 3, 32, 32])
            XCTAssertEqual(found, [2, 2])
        }
    }

    func testBadHeadersAreErrors() throws {
        let cases: [(String, Data)] = [
            ("short", Data([1, 2, 3])),
            ("huge length", Data([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]) + Data("{}".utf8)),
            ("not json", Data([4, 0, 0, 0, 0, 0, 0, 0]) + Data("nope".utf8)),
            (
                "offsets outside",
                Data([UInt8(70), 0, 0, 0, 0, 0, 0, 0])
                    + Data(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}            "#.utf8)
            )
        ]
        for (label, bytes) in cases {
            let dir = try modelFolder { try bytes.write(to: $0) }
            XCTAssertThrowsError(try CLIPVisionModel(directory: dir), label) { error in
                guard case .badHeader = error as? WeightsError else { return XCTFail("\(label): \(error)") }
            }
        }
    }

    func testConfigErrorsNameTheField() throws {
        let dir = try makeTemporaryDirectory()
        try Data(#"{"vision_config": {"hidden_size": "wide"}}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try CLIPVisionConfig.load(from: dir.appendingPathComponent("config.json"))) { error in
            XCTAssertTrue("\(error)".contains("hidden_size"), "\(error)")
        }
    }

    func testDefaultsAreViTB32() throws {
        let dir = try makeTemporaryDirectory()
        try Data("{}".utf8).write(to: dir.appendingPathComponent("config.json"))
        let config = try CLIPVisionConfig.load(from: dir.appendingPathComponent("config.json"))
        XCTAssertEqual(config.hiddenSize, 768)
        XCTAssertEqual(config.tokens, 50)
        XCTAssertEqual(config.projectionDim, 512)
    }
}
