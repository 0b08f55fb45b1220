import Foundation

/// CLIP's tokenizer: text → 77 token ids, `<|startoftext|>` first and `<|endoftext|>` last, in
/// one of the two conventions people run:
///
/// - `.openAI`: OpenAI's `clip.tokenize(text, truncate=True)`, the paper's. The text is cleaned
///   (`TextCleaning.openAI`: ftfy's fixes, HTML entities decoded, whitespace collapsed,
///   `str.lower()`), split, byte-pair encoded; padded with 0.
/// - `.transformers`: transformers' `CLIPTokenizer` as `CLIPProcessor` calls it
///   (`padding="max_length", max_length=77, truncation=True`): NFC, whitespace runs to one
///   space, lower-casing character by character (no final-sigma rule); no ftfy, no entity
///   decoding; padded with the folder's pad token (`<|endoftext|>` in OpenAI's hub repos).
///
/// Both split the cleaned text with CLIP's pattern — the special tokens, the contractions
/// `'s 't 're 've 'm 'll 'd`, runs of letters, single digits, runs of anything else; whitespace
/// separates — and both truncate to 76 tokens before putting `<|endoftext|>` last, so the pooled
/// token of the text tower is always there.
public struct CLIPTokenizer: Sendable {
    public enum Convention: String, Sendable, CaseIterable {
        case openAI = "openai"
        case transformers
    }

    public let vocabulary: BytePairEncoding
    public let convention: Convention
    public let contextLength = 77
    public let startOfText: Int
    public let endOfText: Int
    /// The id after `<|endoftext|>`: 0 in OpenAI's convention, the pad token's in transformers'.
    public let padding: Int

    public init(vocabulary: BytePairEncoding, convention: Convention, padding: Int? = nil) throws {
        guard let sot = vocabulary.id("<|startoftext|>"), let eot = vocabulary.id("<|endoftext|>") else {
            throw TokenizerError.missing(folder: "", reason: "the vocabulary has no <|startoftext|> or <|endoftext|>")
        }
        self.vocabulary = vocabulary
        self.convention = convention
        startOfText = sot
        endOfText = eot
        self.padding = padding ?? (convention == .openAI ? 0 : eot)
    }

    /// OpenAI's vocabulary, shipped with scs (`bpe_simple_vocab_16e6.txt.gz`).
    public static func bundled(_ convention: Convention = .openAI) throws -> CLIPTokenizer {
        guard let url = Bundle.module.url(forResource: "bpe_simple_vocab_16e6.txt", withExtension: "gz") else {
            throw TokenizerError.missing(folder: Bundle.module.bundlePath, reason: "scs's copy of bpe_simple_vocab_16e6.txt.gz is missing")
        }
        return try CLIPTokenizer(vocabulary: BytePairEncoding(openAIVocabulary: url), convention: convention)
    }

    /// A Hugging Face folder's tokenizer (`vocab.json`, `merges.txt`; the pad token from
    /// `special_tokens_map.json` or `tokenizer_config.json` when they name one), in transformers'
    /// convention.
    public static func load(folder: URL) throws -> CLIPTokenizer {
        let vocab = folder.appendingPathComponent("vocab.json"), merges = folder.appendingPathComponent("merges.txt")
        guard FileManager.default.fileExists(atPath: vocab.path), FileManager.default.fileExists(atPath: merges.path) else {
            throw TokenizerError.missing(folder: folder.path, reason: "no vocab.json and merges.txt (CLIP's tokenizer files)")
        }
        let bpe = try BytePairEncoding(vocabJSON: vocab, merges: merges)
        let pad = padToken(in: folder).flatMap(bpe.id)
        return try CLIPTokenizer(vocabulary: bpe, convention: .transformers, padding: pad)
    }

    /// The pad token a folder's tokenizer files name.
    static func padToken(in folder: URL) -> String? {
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                  let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { continue }
            if let pad = root["pad_token"] as? String { return pad }
            if let pad = (root["pad_token"] as? [String: Any])?["content"] as? String { return pad }
        }
        return nil
    }

    /// The 77 ids of `text`: start, at most 75 tokens, end, padding.
    public func tokenize(_ text: String) -> [Int] {
        var ids = [startOfText] + encode(text).prefix(contextLength - 2) + [endOfText]
        ids += Array(repeating: padding, count: contextLength - ids.count)
        return ids
    }

    /// The tokens of `text` without the special tokens around them, after the convention's cleaning.
    public func encode(_ text: String) -> [Int] {
        let cleaned = convention == .openAI ? TextCleaning.openAI(text) : Self.transformersNormalized(text)
        return Self.split(Array(cleaned.unicodeScalars), isSpace: convention == .openAI ? TextCleaning.isPythonSpace : \.properties.isWhitespace)
            .flatMap { word -> [Int] in
                if let special = vocabulary.id(word), word == "<|startoftext|>" || word == "<|endoftext|>" { return [special] }
                return vocabulary.encode(word: Substring(word))
            }
    }

    /// transformers' normaliser: NFC, each run of Unicode whitespace to one space, then each
    /// character's lower-case mapping on its own.
    static func transformersNormalized(_ text: String) -> String {
        let nfc = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
        let spaced = TextCleaning.collapseWhitespace(nfc, \.properties.isWhitespace)
        return String(String.UnicodeScalarView(spaced.flatMap { $0.properties.lowercaseMapping.unicodeScalars }))
    }

    static let specialTokens: [[Unicode.Scalar]] = ["<|startoftext|>", "<|endoftext|>"].map { Array($0.unicodeScalars) }
    static let contractions: [[Unicode.Scalar]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map { Array($0.unicodeScalars) }

    /// CLIP's pattern, `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`,
    /// matched as `re.findall` does: at each position the first alternative that matches; what no
    /// alternative matches (whitespace) is skipped.
    static func split(_ s: [Unicode.Scalar], isSpace: (Unicode.Scalar) -> Bool) -> [String] {
        func isLetter(_ c: Unicode.Scalar) -> Bool {
            switch c.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
            default: return false
            }
        }
        func isNumber(_ c: Unicode.Scalar) -> Bool {
            switch c.properties.generalCategory {
            case .decimalNumber, .letterNumber, .otherNumber: return true
            default: return false
            }
        }
        func startsWith(_ literal: [Unicode.Scalar], at i: Int) -> Bool {
            i + literal.count <= s.count && s[i..<(i + literal.count)].elementsEqual(literal)
        }
        var words: [String] = []
        var i = 0
        while i < s.count {
            if let literal = (specialTokens + contractions).first(where: { startsWith($0, at: i) }) {
                words.append(String(String.UnicodeScalarView(literal)))
                i += literal.count
                continue
            }
            let c = s[i]
            var j = i + 1
            if isLetter(c) {
                while j < s.count, isLetter(s[j]) { j += 1 }
            } else if isNumber(c) {
                // one digit per token
            } else if isSpace(c) {
                i += 1
                continue
            } else {
                while j < s.count, !isSpace(s[j]), !isLetter(s[j]), !isNumber(s[j]) { j += 1 }
            }
            words.append(String(String.UnicodeScalarView(s[i..<j])))
            i = j
        }
        return words
    }
}
