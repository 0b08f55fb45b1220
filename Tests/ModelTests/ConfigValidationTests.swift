import Foundation
import SCSModels
import TestSupport
import XCTest

/// Every kind's config.json reader checks the transformer shape the same way, and its errors
/// name the file and the field (with its object: `vision_config.hidden_act`).
final class ConfigValidationTests: XCTestCase {
    /// A kind's reader, the committed config it is tried on, and the object its tower's fields are in.
    struct Reader {
        let name: String
        let fixture: String
        let object: String?
        let load: (URL) throws -> Void
    }

    static let readers = [
        Reader(name: "CLIP vision", fixture: "models/tiny-b32", object: "vision_config") { _ = try CLIPVisionConfig.load(from: $0) },
        Reader(name: "CLIP text", fixture: "models/tiny-b32", object: "text_config") { _ = try CLIPTextConfig.load(from: $0) },
        Reader(name: "SigLIP vision", fixture: "backbones/tiny-siglip-whole", object: "vision_config") { _ = try SigLIPVisionConfig.load(from: $0) },
        Reader(name: "SigLIP text", fixture: "backbones/tiny-siglip-whole", object: "text_config") { _ = try SigLIPTextConfig.load(from: $0) },
        Reader(name: "DINOv2", fixture: "backbones/tiny-dinov2-registers", object: nil) { _ = try DINOv2Config.load(from: $0) }
    ]

    /// The fixture's config.json with `field` of the tower's object set to `value` (removed for nil).
    func config(_ reader: Reader, _ field: String, _ value: Any?) throws -> URL {
        let fixture = TestPaths.fixtures.appendingPathComponent(reader.fixture).appendingPathComponent("config.json")
        var root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any])
        var tower = try XCTUnwrap(reader.object.map { root[$0] } ?? root) as? [String: Any] ?? [:]
        tower[field] = value
        if let object = reader.object { root[object] = tower } else { root = tower }
        let url = try makeTemporaryDirectory().appendingPathComponent("config.json")
        try JSONSerialization.data(withJSONObject: root).write(to: url)
        return url
    }

    /// Each reader refuses `value` in `field` with an error naming the file and the field.
    func assertEachRejects(
        _ field: String, _ value: Any?, mentioning detail: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for reader in Self.readers {
            let url = try config(reader, field, value)
            let path = reader.object.map { "\($0).\(field)" } ?? field
            XCTAssertThrowsError(try reader.load(url), "\(reader.name): \(field) = \(String(describing: value))", file: file, line: line) { error in
                guard case let .badConfig(errorPath, reason) = error as? WeightsError else {
                    return XCTFail("\(reader.name): \(error)", file: file, line: line)
                }
                XCTAssertEqual(errorPath, url.path, reader.name, file: file, line: line)
                XCTAssertTrue(reason.contains("field \(path)"), "\(reader.name): \(reason)", file: file, line: line)
                if let detail { XCTAssertTrue(reason.contains(detail), "\(reader.name): \(reason)", file: file, line: line) }
            }
        }
    }

    func testTheFixturesAreRead() throws {
        for reader in Self.readers {
            XCTAssertNoThrow(try reader.load(config(reader, "unused_field", 1)), reader.name)
        }
    }

    func testEachKindRejectsAnUnknownActivation() throws {
        try assertEachRejects("hidden_act", "relu", mentioning: "unsupported activation relu")
        try assertEachRejects("hidden_act", 5, mentioning: "must be a string")
    }

    func testEachKindRejectsNonPositiveSizes() throws {
        try assertEachRejects("num_hidden_layers", 0, mentioning: "positive integer, found 0")
        try assertEachRejects("hidden_size", -32, mentioning: "found -32")
        try assertEachRejects("num_attention_heads", NSNull(), mentioning: "found null")
    }

    func testEachKindRejectsNonIntegerSizes() throws {
        try assertEachRejects("hidden_size", 32.5, mentioning: "positive integer, found 32.5")
        try assertEachRejects("num_attention_heads", "2", mentioning: "found \"2\"")
        try assertEachRejects("num_hidden_layers", [1], mentioning: "found an array or object")
    }

    func testEachKindRejectsHeadsThatDoNotDivideTheWidth() throws {
        try assertEachRejects("num_attention_heads", 7, mentioning: "is not divisible by num_attention_heads 7")
    }

    func testEachKindRejectsANonPositiveEpsilon() throws {
        try assertEachRejects("layer_norm_eps", 0, mentioning: "positive number")
    }

    func testOwnFieldsAreCheckedToo() throws {
        let clip = Self.readers[0], siglip = Self.readers[2], dinov2 = Self.readers[4]
        XCTAssertThrowsError(try clip.load(config(clip, "patch_size", 30))) {
            XCTAssertTrue("\($0)".contains("field vision_config.patch_size"), "\($0)")
        }
        XCTAssertThrowsError(try siglip.load(config(siglip, "vision_use_head", false))) {
            XCTAssertTrue("\($0)".contains("field vision_config.vision_use_head"), "\($0)")
        }
        XCTAssertThrowsError(try dinov2.load(config(dinov2, "mlp_ratio", "four"))) { XCTAssertTrue("\($0)".contains("field mlp_ratio"), "\($0)") }
        XCTAssertThrowsError(try dinov2.load(config(dinov2, "num_register_tokens", 0))) {
            XCTAssertTrue("\($0)".contains("field num_register_tokens"), "\($0)")
        }
    }

    func testATextTowerNeedsTextConfig() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("config.json")
        try Data(#"{"model_type": "clip", "vision_config": {}}"#.utf8).write(to: url)
        for load in [{ _ = try CLIPTextConfig.load(from: $0) }, { _ = try SigLIPTextConfig.load(from: $0) }] as [(URL) throws -> Void] {
            XCTAssertThrowsError(try load(url)) { XCTAssertTrue("\($0)".contains("field text_config: missing"), "\($0)") }
        }
    }

    func testNotAnObjectIsNamedSo() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("config.json")
        for text in ["[1, 2]", "{not json", ""] {
            try Data(text.utf8).write(to: url)
            XCTAssertThrowsError(try DINOv2Config.load(from: url)) {
                XCTAssertEqual($0 as? WeightsError, .badConfig(path: url.path, reason: "not a JSON object"))
            }
        }
    }

    /// The values the readers took before they shared a decoder, on the committed configs.
    func testFixtureValuesAreUnchanged() throws {
        let clip = TestPaths.fixtures.appendingPathComponent("models/tiny-p16-gelu/config.json")
        let vision = try CLIPVisionConfig.load(from: clip)
        XCTAssertEqual(
            [vision.hiddenSize, vision.intermediateSize, vision.layers, vision.heads, vision.patchSize, vision.projectionDim], [48, 96, 3, 3, 16, 24])
        XCTAssertEqual(vision.activation, "gelu")
        let text = try CLIPTextConfig.load(from: clip)
        XCTAssertEqual([text.vocabularySize, text.hiddenSize, text.contextLength, text.projectionDim, text.eosTokenID], [100, 16, 77, 24, 99])
        XCTAssertEqual(text.layerNormEps, 1e-5)
        let swiglu = try DINOv2Config.load(from: TestPaths.fixtures.appendingPathComponent("backbones/tiny-dinov2-swiglu/config.json"))
        XCTAssertEqual([swiglu.mlpHidden, swiglu.registers, swiglu.trainedImageSize], [128, 0, 518])
        XCTAssertTrue(swiglu.swiGLU)
        let registers = try DINOv2Config.load(from: TestPaths.fixtures.appendingPathComponent("backbones/tiny-dinov2-registers/config.json"))
        XCTAssertEqual([registers.mlpHidden, registers.registers, registers.tokens], [128, 4, 1 + 4 + 256])
        let whole = TestPaths.fixtures.appendingPathComponent("backbones/tiny-siglip-whole/config.json")
        let siglip = try SigLIPVisionConfig.load(from: whole)
        XCTAssertEqual([siglip.hiddenSize, siglip.heads, siglip.imageSize, siglip.patchSize, siglip.tokens], [32, 4, 48, 8, 36])
        let siglipText = try SigLIPTextConfig.load(from: whole)
        XCTAssertEqual([siglipText.vocabularySize, siglipText.hiddenSize, siglipText.projectionSize, siglipText.contextLength], [256, 64, 64, 64])
        XCTAssertEqual(siglipText.activation, "gelu_pytorch_tanh")
    }
}
