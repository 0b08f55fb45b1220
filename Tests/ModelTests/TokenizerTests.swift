import Foundation
import SCSModels
import TestSupport
import XCTest

/// CLIP's tokenizer against OpenAI's `clip.tokenize` and transformers' `CLIPTokenizer` on the
/// committed corpus (Tests/Fixtures/text, scripts/oracle/make_text_fixtures.py): the paper's
/// prompts, Unicode, emoji, very long, empty, control characters, HTML entities.
final class TokenizerTests: XCTestCase {
    static let folder = TestPaths.fixtures.appendingPathComponent("text")

    struct Reference: Decodable {
        var openai: [[Int]]
        var transformers: [[Int]]
        var transformersPadID: Int
        enum CodingKeys: String, CodingKey { case openai, transformers, transformersPadID = "transformers_pad_id" }
    }

    static func corpus() throws -> (prompts: [String], reference: Reference) {
        let prompts = try JSONDecoder().decode([String].self, from: Data(contentsOf: folder.appendingPathComponent("prompts.json")))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("clip-tokens.json")))
        return (prompts, reference)
    }

    /// The reference ids padded back to 77 (the fixture leaves the padding out).
    static func padded(_ ids: [Int], _ pad: Int) -> [Int] { ids + Array(repeating: pad, count: max(0, 77 - ids.count)) }

    func assertSame(_ tokenizer: CLIPTokenizer, _ prompts: [String], _ expected: [[Int]], pad: Int, _ name: String, minimum: Int = 1000) {
        var mismatches: [String] = []
        for (prompt, ids) in zip(prompts, expected) {
            let ours = tokenizer.tokenize(prompt)
            if ours != Self.padded(ids, pad) { mismatches.append("\(prompt.debugDescription.prefix(120)): \(ours.prefix(12)) vs \(ids.prefix(12))") }
        }
        print("tokenizer \(name): \(prompts.count - mismatches.count) of \(prompts.count) prompts identical")
        XCTAssertGreaterThanOrEqual(prompts.count, minimum, "the corpus must hold at least \(minimum) prompts")
        XCTAssertEqual(prompts.count, expected.count)
        XCTAssert(mismatches.isEmpty, "\(name): \(mismatches.count) prompts differ:\n" + mismatches.prefix(15).joined(separator: "\n"))
    }

    /// The text clip.tokenize hands to its split pattern (`whitespace_clean(basic_clean(p)).lower()`),
    /// character for character: the cleaning on its own, before any token is made.
    func testOpenAICleaningMatchesOnTheCorpus() throws {
        let prompts = try Self.corpus().prompts
        let cleaned = try JSONDecoder().decode([String].self, from: Data(contentsOf: Self.folder.appendingPathComponent("openai-cleaned.json")))
        XCTAssertEqual(cleaned.count, prompts.count)
        let differ = zip(prompts, cleaned).filter { !TextCleaning.openAI($0).unicodeScalars.elementsEqual($1.unicodeScalars) }
        XCTAssert(
            differ.isEmpty, "\(differ.count) cleanings differ, e.g. \(differ.prefix(3).map { "\($0.0.debugDescription) → \($0.1.debugDescription)" })"
        )
    }

    func testOpenAIConventionMatchesClipTokenizeOnTheCorpus() throws {
        let (prompts, reference) = try Self.corpus()
        assertSame(try CLIPTokenizer.bundled(.openAI), prompts, reference.openai, pad: 0, "clip.tokenize")
    }

    func testTransformersConventionMatchesCLIPTokenizerOnTheCorpus() throws {
        let (prompts, reference) = try Self.corpus()
        let tokenizer = try CLIPTokenizer.load(folder: Self.folder.appendingPathComponent("tiny-clip"))
        XCTAssertEqual(tokenizer.padding, reference.transformersPadID)
        assertSame(tokenizer, prompts, reference.transformers, pad: reference.transformersPadID, "CLIPTokenizer")
    }

    /// Code points newer than Unicode 14, where the references' own Unicode tables disagree (Python
    /// 3.11's lower case and NFC: 14; the regex module: 17; tokenizers: 16): scs follows each
    /// reference's tables (clip-unicode.json), not Swift's.
    func testCodePointsNewerThanPythonsUnicode() throws {
        struct Newer: Decodable { var prompts: [String]; var openai: [[Int]]; var transformers: [[Int]] }
        let newer = try JSONDecoder().decode(Newer.self, from: Data(contentsOf: Self.folder.appendingPathComponent("unicode-versions.json")))
        XCTAssertFalse(newer.prompts.isEmpty)
        assertSame(try CLIPTokenizer.bundled(.openAI), newer.prompts, newer.openai, pad: 0, "clip.tokenize, newer code points", minimum: 1)
        let hf = try CLIPTokenizer.load(folder: Self.folder.appendingPathComponent("tiny-clip"))
        assertSame(hf, newer.prompts, newer.transformers, pad: hf.padding, "CLIPTokenizer, newer code points", minimum: 1)
    }

    /// Mojibake ("cafÃ©"): ftfy inside clip.tokenize repairs it, scs does not (documented); transformers
    /// does not either, and scs matches it there.
    func testMojibakeIsLeftAsItIs() throws {
        struct Moji: Decodable { var mojibake: [String]; var openai: [[Int]]; var transformers: [[Int]] }
        let moji = try JSONDecoder().decode(Moji.self, from: Data(contentsOf: Self.folder.appendingPathComponent("mojibake.json")))
        let hf = try CLIPTokenizer.load(folder: Self.folder.appendingPathComponent("tiny-clip"))
        assertSame(hf, moji.mojibake, moji.transformers, pad: hf.padding, "CLIPTokenizer, mojibake", minimum: 1)
        let openAI = try CLIPTokenizer.bundled(.openAI)
        let repaired = zip(moji.mojibake, moji.openai).filter { openAI.tokenize($0) != Self.padded($1, 0) }.count
        print("mojibake: clip.tokenize's ftfy repairs \(repaired) of \(moji.mojibake.count) prompts that scs tokenises as written")
        XCTAssertGreaterThan(repaired, 0)
    }

    /// The folder's vocab.json and merges.txt and OpenAI's gzipped file are one vocabulary.
    func testBothVocabularyFilesAgree() throws {
        let bundled = try CLIPTokenizer.bundled(.transformers)
        let folder = try CLIPTokenizer.load(folder: Self.folder.appendingPathComponent("tiny-clip"))
        XCTAssertEqual(bundled.vocabulary.count, 49408)
        XCTAssertEqual(folder.vocabulary.count, 49408)
        for text in ["a photo of a cat", "Ünïcödé façade — naïve", "🐱🐶 emoji", "1234567.89"] {
            XCTAssertEqual(bundled.tokenize(text), folder.tokenize(text), text)
        }
    }

    /// Where the two conventions part, each named: every one of these differs between them, and
    /// the corpus test above pins each side to its reference.
    func testTheConventionsDifferWhereTheReferencesDo() throws {
        let openAI = try CLIPTokenizer.bundled(.openAI), hf = try CLIPTokenizer.bundled(.transformers)
        let cases: [(String, String)] = [
            ("fish &amp; chips", "HTML entities: decoded only by clip.tokenize (ftfy, then html.unescape twice)"),
            ("ﬁne ﬂowers", "Latin ligatures: split by ftfy"),
            ("ＦＵＬＬ ｗｉｄｔｈ", "full-width forms: narrowed by ftfy"),
            ("“quoted” ‘words’", "curly quotes: straightened by ftfy"),
            ("ΟΔΟΣ", "final sigma: str.lower() gives ς, transformers σ"),
            ("a\u{1C}b", "U+001C: whitespace to Python, removed by ftfy; a symbol to transformers"),
            ("\u{1B}[31mred\u{1B}[0m", "terminal escapes: removed by ftfy"),
            ("it'ſ", "IGNORECASE: clip.tokenize reads 'ſ as the contraction 's"),
            ("!!<|endoftext|>", "special tokens: transformers cuts <|endoftext|> from the raw text anywhere"),
            ("<|ENDOFTEXT|>", "special tokens: clip.tokenize matches them in any case")
        ]
        for (text, why) in cases { XCTAssertNotEqual(openAI.tokenize(text), hf.tokenize(text), why) }
        XCTAssertEqual(openAI.tokenize("a cat").last, 0, "clip.tokenize pads with 0")
        XCTAssertEqual(hf.tokenize("a cat").last, 49407, "transformers pads with the pad token, <|endoftext|>")
        XCTAssertEqual(TextCleaning.openAI("  Fish &amp;amp; “Chips”\tﬁne  "), "fish & \"chips\" fine")
    }

    func testLongTextKeepsTheEndOfTextTokenLast() throws {
        for tokenizer in [try CLIPTokenizer.bundled(.openAI), try CLIPTokenizer.bundled(.transformers)] {
            let ids = tokenizer.tokenize(String(repeating: "a very long prompt ", count: 100))
            XCTAssertEqual(ids.count, 77)
            XCTAssertEqual(ids.first, 49406)
            XCTAssertEqual(ids.last, 49407)
            XCTAssertEqual(tokenizer.tokenize(""), [49406, 49407] + Array(repeating: tokenizer.padding, count: 75))
        }
    }

    func testMissingTokenizerFilesNameTheFolder() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-tokenizer-\(getpid())")
        XCTAssertThrowsError(try CLIPTokenizer.load(folder: folder)) { error in
            XCTAssert("\(error)".contains(folder.path) && "\(error)".contains("vocab.json"), "\(error)")
        }
    }
}

/// CLIP's text tower against transformers' `get_text_features`.
final class CLIPTextParityTests: XCTestCase {
    struct Expected: Decodable { var indices: [Int]; var shape: [Int] }

    /// The committed tiny tower (vocabulary 49,408, width 8): every prompt kind of the corpus.
    func testTinyTextTowerMatchesTransformers() throws {
        let folder = TokenizerTests.folder.appendingPathComponent("tiny-clip")
        let model = try CLIPTextModel(directory: folder)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("text-expected.json")))
        let reference = try NpyArray(contentsOf: folder.appendingPathComponent("text-expected.npy")).floats
        let prompts = try TokenizerTests.corpus().prompts
        let ours = model.embed(texts: expected.indices.map { prompts[$0] })
        Parity(ours, reference, width: model.embeddingWidth).check("tiny CLIP text tower")
        // Each text on its own: the same bits in any company.
        XCTAssertEqual(model.embed(texts: [prompts[expected.indices[3]]]), Array(ours[(3 * model.embeddingWidth)..<(4 * model.embeddingWidth)]))
    }

    /// Full size (ViT-B/32's text tower, random weights), built by the oracle into .oracle-cache.
    func testFullSizeTextTowerMatchesTransformers() throws {
        let root = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/text")
        let folder = root.appendingPathComponent("clip-vit-b-32")
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("text-expected.npy").path) {
            try Parity.runOracle("text_full.py", [root.path])
        }
        let model = try CLIPTextModel(directory: folder)
        let reference = try NpyArray(contentsOf: folder.appendingPathComponent("text-expected.npy"))
        let prompts = try TokenizerTests.corpus().prompts
        let ours = model.embed(texts: Array(prompts.prefix(reference.shape[0])))
        Parity(ours, reference.floats, width: model.embeddingWidth).check("CLIP ViT-B/32 text tower, \(reference.shape[0]) prompts")
    }

    /// The paper's own code: `clip.load(file).encode_text(clip.tokenize(...))` on ViT-B/32 checkpoints
    /// with random weights (the state dict, and the float16 TorchScript archive OpenAI ships), read
    /// from the .pt and tokenised in OpenAI's convention.
    func testOpenAICheckpointMatchesEncodeText() throws {
        let out = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/checkpoints-b32")
        if !FileManager.default.fileExists(atPath: out.appendingPathComponent("openai-torchscript.pt").path) {
            try Parity.runOracle("make_torch_checkpoints.py", [out.path, "--full"])
        }
        let prompts = try TokenizerTests.corpus().prompts
        for file in ["openai-state-dict.pt", "openai-torchscript.pt"] {
            let checkpoint = out.appendingPathComponent(file), expected = out.appendingPathComponent(file + ".text-expected.npy")
            if !FileManager.default.fileExists(atPath: expected.path) {
                try Parity.runOracle("openai_text.py", [checkpoint.path, "128", expected.path])
            }
            let model = try CLIPTextModel(directory: checkpoint)
            XCTAssertEqual(model.tokenizer.convention, .openAI)
            XCTAssertEqual(model.config.hiddenSize, 512)
            let reference = try NpyArray(contentsOf: expected)
            let ours = model.embed(texts: Array(prompts.prefix(reference.shape[0])))
            Parity(ours, reference.floats, width: model.embeddingWidth).check("clip.load(\(file)).encode_text, \(reference.shape[0]) prompts")
        }
    }
}
