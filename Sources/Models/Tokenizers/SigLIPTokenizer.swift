import Foundation

/// SigLIP's tokenizer, as transformers' `SiglipTokenizer` runs it with the processor's settings
/// (`padding="max_length", max_length=64, truncation=True`):
///
/// 1. the text is cut at literal `</s>` and `<unk>` (those become their ids; text after one gets no
///    leading "▁");
/// 2. each piece is canonicalised as big_vision does: "▁" → " ", `str.lower()`, the 32 ASCII
///    punctuation characters removed, runs of whitespace to one space, stripped;
/// 3. SentencePiece (`spiece.model`) normalises and segments it;
/// 4. at most 63 ids, then `</s>`, then padding with the pad token (`</s>` in SigLIP's repos) to 64.
public struct SigLIPTokenizer: Sendable {
    public let model: SentencePieceModel
    public let contextLength: Int
    public let padding: Int
    public let endOfSentence: Int

    /// A tokenizer over `model` making `contextLength` ids, padding with `padding` (by default the
    /// end-of-sentence id, as SigLIP's repos set it).
    public init(model: SentencePieceModel, contextLength: Int = 64, padding: Int? = nil) {
        self.model = model
        self.contextLength = contextLength
        endOfSentence = model.endOfSentenceID
        self.padding = padding ?? model.endOfSentenceID
    }

    /// A folder's `spiece.model` (what SigLIP's hub repos hold and transformers reads), else its
    /// `tokenizer.json` (a Unigram model), and the pad token its `tokenizer_config.json` names.
    public static func load(folder: URL, contextLength: Int = 64) throws -> SigLIPTokenizer {
        let file = folder.appendingPathComponent("spiece.model"), json = folder.appendingPathComponent("tokenizer.json")
        let model: SentencePieceModel
        if FileManager.default.fileExists(atPath: file.path) {
            model = try SentencePieceModel(file: file)
        } else if FileManager.default.fileExists(atPath: json.path) {
            model = try SentencePieceModel(tokenizerJSON: json)
        } else {
            throw TokenizerError.missing(folder: folder.path, reason: "no spiece.model or tokenizer.json (SigLIP's SentencePiece tokenizer)")
        }
        return SigLIPTokenizer(
            model: model, contextLength: contextLength,
            padding: TokenizerFiles.padToken(in: folder).flatMap(model.id(of:)))
    }

    static let specials = ["</s>", "<unk>"].map { Array($0.unicodeScalars) }

    /// The `contextLength` ids of `text`.
    public func tokenize(_ text: String) -> [Int] {
        var ids: [Int] = []
        var first = true
        for piece in Self.cutSpecials(Array(text.unicodeScalars)) {
            switch piece {
            case .special(let s): ids.append(s == Self.specials[0] ? endOfSentence : model.unknownID)
            case .text(let scalars): ids += model.encode(Self.canonicalize(String(String.UnicodeScalarView(scalars))), dummyPrefix: first)
            }
            first = false
        }
        ids = Array(ids.prefix(contextLength - 1))
        if ids.last != endOfSentence { ids.append(endOfSentence) }
        return ids + Array(repeating: padding, count: contextLength - ids.count)
    }

    enum Piece { case text([Unicode.Scalar]), special([Unicode.Scalar]) }

    /// The raw text cut at each literal special token, leftmost first.
    static func cutSpecials(_ s: [Unicode.Scalar]) -> [Piece] {
        var pieces: [Piece] = [], start = 0, i = 0
        while i < s.count {
            if let special = specials.first(where: { i + $0.count <= s.count && s[i..<(i + $0.count)].elementsEqual($0) }) {
                if i > start { pieces.append(.text(Array(s[start..<i]))) }
                pieces.append(.special(special))
                i += special.count
                start = i
            } else {
                i += 1
            }
        }
        if start < s.count { pieces.append(.text(Array(s[start...]))) }
        return pieces
    }

    /// big_vision's canonicalisation, as SiglipTokenizer.canonicalize_text does it.
    static func canonicalize(_ text: String) -> String {
        let replaced = text.unicodeScalars.map { $0 == "\u{2581}" ? " " : $0 }
        let lower = TextCleaning.pythonLower(replaced).filter { !($0.isASCII && asciiPunctuation.contains(Character($0))) }
        let collapsed = TextCleaning.collapseWhitespace(lower, TextCleaning.isPythonSpace)
        return String(String.UnicodeScalarView(TextCleaning.strip(collapsed, TextCleaning.isPythonSpace)))
    }

    /// Python's `string.punctuation`.
    static let asciiPunctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
}
