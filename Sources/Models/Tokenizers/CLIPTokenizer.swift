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

    /// A tokenizer over `vocabulary` in `convention`, padding with `padding` (by default 0 for
    /// OpenAI's, `<|endoftext|>` for transformers'); the vocabulary must hold both special tokens.
    public init(vocabulary: BytePairEncoding, convention: Convention, padding: Int? = nil) throws {
        guard let sot = vocabulary.id("<|startoftext|>"), let eot = vocabulary.id("<|endoftext|>") else {
            throw TokenizerError.unreadable(path: vocabulary.path, reason: "the vocabulary has no <|startoftext|> or <|endoftext|>")
        }
        self.vocabulary = vocabulary
        self.convention = convention
        startOfText = sot
        endOfText = eot
        self.padding = padding ?? (convention == .openAI ? 0 : eot)
    }

    /// OpenAI's vocabulary, shipped with scs (`bpe_simple_vocab_16e6.txt.gz`).
    public static func bundled(_ convention: Convention = .openAI) throws -> CLIPTokenizer {
        let vocabulary = try BytePairEncoding(openAIVocabulary: TextData.openAIVocabulary, path: TextData.openAIVocabularyName)
        return try CLIPTokenizer(vocabulary: vocabulary, convention: convention)
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
        let pad = TokenizerFiles.padToken(in: folder).flatMap(bpe.id)
        return try CLIPTokenizer(vocabulary: bpe, convention: .transformers, padding: pad)
    }

    /// The 77 ids of `text`: start, at most 75 tokens, end, padding.
    public func tokenize(_ text: String) -> [Int] {
        var ids = [startOfText] + encode(text).prefix(contextLength - 2) + [endOfText]
        ids += Array(repeating: padding, count: contextLength - ids.count)
        return ids
    }

    /// The tokens of `text` without the special tokens around them, after the convention's cleaning.
    /// A literal `<|startoftext|>` or `<|endoftext|>` in the text:
    /// - OpenAI: the special token wherever the split pattern finds it in the cleaned text (so in
    ///   any case, as a word of its own);
    /// - transformers: `<|endoftext|>` where it appears in the raw text, exactly, anywhere, and
    ///   `<|startoftext|>` anywhere in the normalised (lower-cased) text — the tokenizer's added
    ///   tokens, `normalized` false and true. A literal the pattern finds after that is plain text,
    ///   which the byte-level pre-tokenizer's GPT-2 pattern cuts into `<|`, the word, `|>`.
    public func encode(_ text: String) -> [Int] {
        switch convention {
        case .openAI:
            return Self.split(Array(TextCleaning.openAI(text).unicodeScalars), .openAI).flatMap { word -> [Int] in
                if word == "<|startoftext|>" { return [startOfText] }
                if word == "<|endoftext|>" { return [endOfText] }
                return vocabulary.encode(word: Substring(word))
            }
        case .transformers:
            let eot = Self.specialTokens[1], sot = Self.specialTokens[0]
            return Self.cut(Array(text.unicodeScalars), at: eot).flatMap { raw -> [Int] in
                guard let raw else { return [endOfText] }
                let normalized = Array(Self.transformersNormalized(String(String.UnicodeScalarView(raw))).unicodeScalars)
                return Self.cut(normalized, at: sot).flatMap { piece -> [Int] in
                    guard let piece else { return [startOfText] }
                    return Self.split(piece, .transformers).flatMap { word -> [String] in
                        guard Self.specialTokens.contains(Array(word.unicodeScalars)) else { return [word] }
                        return ["<|", String(word.dropFirst(2).dropLast(2)), "|>"]
                    }.flatMap { vocabulary.encode(word: Substring($0)) }
                }
            }
        }
    }

    /// `s` cut at each exact occurrence of `literal`: the pieces between, and nil for each occurrence.
    static func cut(_ s: [Unicode.Scalar], at literal: [Unicode.Scalar]) -> [[Unicode.Scalar]?] {
        var pieces: [[Unicode.Scalar]?] = [], start = 0, i = 0
        while i + literal.count <= s.count {
            if s[i..<(i + literal.count)].elementsEqual(literal) {
                if i > start { pieces.append(Array(s[start..<i])) }
                pieces.append(nil)
                i += literal.count
                start = i
            } else {
                i += 1
            }
        }
        if start < s.count { pieces.append(Array(s[start...])) }
        return pieces
    }

    /// transformers' normaliser: NFC, each run of Unicode whitespace to one space, then each
    /// character's lower-case mapping on its own (the tokenizers library's, `UnicodeTables`).
    static func transformersNormalized(_ text: String) -> String {
        let nfc = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
        let spaced = TextCleaning.collapseWhitespace(nfc, \.properties.isWhitespace)
        let lower = UnicodeTables.transformers.lower
        return String(String.UnicodeScalarView(spaced.flatMap { lower[$0].map { Array($0.unicodeScalars) } ?? [$0] }))
    }

    static let specialTokens: [[Unicode.Scalar]] = ["<|startoftext|>", "<|endoftext|>"].map { Array($0.unicodeScalars) }
    static let contractions: [[Unicode.Scalar]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map { Array($0.unicodeScalars) }

    /// CLIP's pattern, `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`,
    /// matched as `re.findall` does: at each position the first alternative that matches; what no
    /// alternative matches (whitespace, and what `tables` drops) is skipped. Which class a code
    /// point is in, and which characters stand for a literal's letters (OpenAI's IGNORECASE), come
    /// from the reference's own tables.
    static func split(_ s: [Unicode.Scalar], _ tables: UnicodeTables) -> [String] {
        func startsWith(_ literal: [Unicode.Scalar], at i: Int) -> Bool {
            guard i + literal.count <= s.count else { return false }
            return zip(s[i..<(i + literal.count)], literal).allSatisfy { c, l in c == l || tables.ignoreCase[c] == l }
        }
        var words: [String] = []
        var i = 0
        while i < s.count {
            if let literal = (specialTokens + contractions).first(where: { startsWith($0, at: i) }) {
                words.append(String(String.UnicodeScalarView(s[i..<(i + literal.count)])))
                i += literal.count
                continue
            }
            let kind = tables.kind(s[i])
            var j = i + 1
            switch kind {
            case .letter: while j < s.count, tables.kind(s[j]) == .letter { j += 1 }
            case .number: break  // one digit per token
            case .dropped: i += 1; continue
            case .other: while j < s.count, tables.kind(s[j]) == .other { j += 1 }
            }
            words.append(String(String.UnicodeScalarView(s[i..<j])))
            i = j
        }
        return words
    }
}

/// How the references see each code point (`clip-unicode.json`, probed through them by
/// `scripts/make_text_resources.py`): its class in CLIP's split pattern, its lower case, and
/// (OpenAI's IGNORECASE) which code points match a literal's ASCII letter.
struct UnicodeTables: Sendable {
    enum Kind: Sendable { case letter, number, other, dropped }

    let starts: [UInt32]
    let ends: [UInt32]
    let kinds: [Kind]
    let lower: [Unicode.Scalar: String]
    let ignoreCase: [Unicode.Scalar: Unicode.Scalar]

    /// The class of `c`: the range holding it, else "other".
    func kind(_ c: Unicode.Scalar) -> Kind {
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= c.value { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 && c.value <= ends[lo - 1] ? kinds[lo - 1] : .other
    }

    static let openAI = load("openai")
    static let transformers = load("transformers")

    static func load(_ key: String) -> UnicodeTables {
        guard let root = (try? JSONSerialization.jsonObject(with: TextData.clipUnicode)) as? [String: Any],
            let table = root[key] as? [String: Any], let classes = table["classes"] as? [[Any]]
        else {
            fatalError("scs's compiled-in clip-unicode.json is damaged: rebuild scs")
        }
        func scalar(_ key: String) -> Unicode.Scalar? { UInt32(key).flatMap(Unicode.Scalar.init) }
        let map: [String: Kind] = ["L": .letter, "N": .number, "O": .other, "X": .dropped]
        return UnicodeTables(
            starts: classes.map { UInt32($0[0] as? Int ?? 0) }, ends: classes.map { UInt32($0[1] as? Int ?? 0) },
            kinds: classes.map { map[$0[2] as? String ?? "O"] ?? .other },
            lower: Dictionary(uniqueKeysWithValues: (table["lower"] as? [String: String] ?? [:]).compactMap { k, v in scalar(k).map { ($0, v) } }),
            ignoreCase: Dictionary(
                uniqueKeysWithValues: (table["ignorecase"] as? [String: String] ?? [:]).compactMap { k, v in
                    scalar(k).flatMap { c in v.unicodeScalars.first.map { (c, $0) } }
                }))
    }
}
