import Foundation
import SCSModels
import TestSupport
import XCTest

/// SigLIP's SentencePiece tokenizer and text tower against transformers' `SiglipTokenizer` (the
/// sentencepiece library underneath) and `SiglipModel.get_text_features`, on the committed tiny
/// model (scripts/oracle/make_siglip_text_fixtures.py: a 2,000-piece unigram model trained with
/// sentencepiece, nmt_nfkc, pad 0 / eos 1 / unk 2 as SigLIP's) and, with the oracle, full size.
final class SigLIPTextTests: XCTestCase {
    static let folder = TestPaths.fixtures.appendingPathComponent("text/tiny-siglip")

    struct Tokens: Decodable {
        struct Extra: Decodable { var prompts: [String]; var ids: [[Int]] }
        var ids: [[Int]]
        var pad_id: Int
        var eos_id: Int
        var extra: Extra?
    }

    func compare(_ tokenizer: SigLIPTokenizer, _ prompts: [String], _ expected: [[Int]], _ name: String, minimum: Int) {
        XCTAssertEqual(prompts.count, expected.count)
        XCTAssertGreaterThanOrEqual(prompts.count, minimum)
        let differ = zip(prompts, expected).filter { tokenizer.tokenize($0) != $1 }
        print("tokenizer \(name): \(prompts.count - differ.count) of \(prompts.count) prompts identical")
        XCTAssert(
            differ.isEmpty,
            "\(name): \(differ.count) differ, e.g. "
                + differ.prefix(5).map {
                    "\($0.0.debugDescription.prefix(80)): \(tokenizer.tokenize($0.0).prefix(10)) vs \($0.1.prefix(10))"
                }.joined(separator: "; "))
    }

    func testTokenIdsMatchSiglipTokenizerOnTheCorpus() throws {
        let tokens = try JSONDecoder().decode(Tokens.self, from: Data(contentsOf: Self.folder.appendingPathComponent("siglip-tokens.json")))
        let prompts = try JSONDecoder().decode([String].self, from: Data(contentsOf: TestPaths.fixtures.appendingPathComponent("text/prompts.json")))
        let tokenizer = try SigLIPTokenizer.load(folder: Self.folder)
        XCTAssertEqual(tokenizer.padding, tokens.pad_id)
        XCTAssertEqual(tokenizer.endOfSentence, tokens.eos_id)
        compare(tokenizer, prompts, tokens.ids, "SiglipTokenizer", minimum: 1000)
        // Literal </s> and <unk>, "▁" in the text, final sigma, doubled combining marks, </s> at 64.
        let extra = try XCTUnwrap(tokens.extra)
        compare(tokenizer, extra.prompts, extra.ids, "SiglipTokenizer, special cases", minimum: 10)
    }

    /// The same vocabulary and character map read from tokenizer.json instead of spiece.model.
    func testTokenizerJSONGivesTheSameIds() throws {
        let dir = try makeTemporaryDirectory("scs-siglip-json")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["tokenizer.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: Self.folder.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        let tokens = try JSONDecoder().decode(Tokens.self, from: Data(contentsOf: Self.folder.appendingPathComponent("siglip-tokens.json")))
        let prompts = try JSONDecoder().decode([String].self, from: Data(contentsOf: TestPaths.fixtures.appendingPathComponent("text/prompts.json")))
        compare(try SigLIPTokenizer.load(folder: dir), prompts, tokens.ids, "SiglipTokenizer from tokenizer.json", minimum: 1000)
    }

    struct Expected: Decodable { var indices: [Int] }

    func testTextTowerMatchesGetTextFeatures() throws {
        let model = try SigLIPTextModel(directory: Self.folder)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.folder.appendingPathComponent("text-expected.json")))
        let prompts = try JSONDecoder().decode([String].self, from: Data(contentsOf: TestPaths.fixtures.appendingPathComponent("text/prompts.json")))
        let texts = expected.indices.map { prompts[$0] }
        let unmasked = try NpyArray(contentsOf: Self.folder.appendingPathComponent("text-expected.npy")).floats
        Parity(model.embed(texts: texts), unmasked, width: model.embeddingWidth).check("tiny SigLIP text tower (input_ids only)")
        model.maskPadding = true
        let masked = try NpyArray(contentsOf: Self.folder.appendingPathComponent("text-expected-masked.npy")).floats
        Parity(model.embed(texts: texts), masked, width: model.embeddingWidth).check("tiny SigLIP text tower (with the processor's attention mask)")
    }

    func testSentencePieceErrorsNameTheFile() throws {
        let dir = try makeTemporaryDirectory("scs-spiece")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("spiece.model")
        try Data([0x0A, 0xFF, 0xFF, 0xFF, 0x0F]).write(to: file)
        XCTAssertThrowsError(try SentencePieceModel(file: file)) { XCTAssert("\($0)".contains(file.path), "\($0)") }
        XCTAssertThrowsError(try SigLIPTokenizer.load(folder: dir.appendingPathComponent("none"))) {
            XCTAssert("\($0)".contains("spiece.model"), "\($0)")
        }
    }

    /// Full size (google/siglip-base-patch16-224's shape, a 32,000-piece model), built by the oracle.
    func testFullSizeTokenizerAndTower() throws {
        let folder = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/siglip-text/siglip-base-patch16-224")
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("text-expected.npy").path) {
            try Parity.runOracle("siglip_text_full.py", [folder.path])
        }
        let model = try SigLIPTextModel(directory: folder)
        let prompts = try JSONDecoder().decode([String].self, from: Data(contentsOf: TestPaths.fixtures.appendingPathComponent("text/prompts.json")))
        if let data = FileManager.default.contents(atPath: folder.appendingPathComponent("siglip-tokens.json").path) {
            let tokens = try JSONDecoder().decode(Tokens.self, from: data)
            compare(model.tokenizer, prompts, tokens.ids, "SiglipTokenizer, 32,000 pieces", minimum: 1000)
        }
        let reference = try NpyArray(contentsOf: folder.appendingPathComponent("text-expected.npy"))
        let ours = model.embed(texts: Array(prompts.prefix(reference.shape[0])))
        Parity(ours, reference.floats, width: model.embeddingWidth).check("SigLIP base text tower, \(reference.shape[0]) prompts")
        Parity.discardOnCI(folder)
    }
}
