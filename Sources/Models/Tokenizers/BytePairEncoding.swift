import CCodecs
import Foundation

/// CLIP's byte-level BPE vocabulary: 256 byte symbols, the same with the end-of-word marker
/// `</w>`, the merges in rank order, then `<|startoftext|>` and `<|endoftext|>` (49,408 ids for
/// OpenAI's vocabulary). Read from OpenAI's `bpe_simple_vocab_16e6.txt.gz` (what `clip.tokenize`
/// reads; a copy ships with scs) or a Hugging Face folder's `vocab.json` and `merges.txt`.
public struct BytePairEncoding: Sendable {
    /// token → id.
    let ids: [String: Int]
    /// "left right" → rank; lower merges first.
    let ranks: [String: Int]
    /// Each byte's printable stand-in (GPT-2's byte-to-unicode table).
    let byteSymbols: [String]
    /// The file it was read from (vocab.json for a folder).
    public let path: String

    public var count: Int { ids.count }

    /// The id of a token, if the vocabulary has it.
    public func id(_ token: String) -> Int? { ids[token] }

    /// OpenAI's vocabulary file (gzipped or not), as `SimpleTokenizer` reads it: the merges are
    /// lines 2 to 48,895 (49,152 − 256 − 2 of them).
    public init(openAIVocabulary url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TokenizerError.unreadable(path: url.path, reason: "cannot read the file")
        }
        try self.init(openAIVocabulary: data, path: url.path)
    }

    /// The same, from the file's bytes; `path` names them in errors and in `path`.
    init(openAIVocabulary bytes: Data, path: String) throws {
        var data = bytes
        if data.starts(with: [0x1F, 0x8B]) { data = try Self.gunzip(data, path: path) }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let mergeCount = 49152 - 256 - 2
        guard lines.count > mergeCount else {
            throw TokenizerError.unreadable(path: path, reason: "\(lines.count) lines; OpenAI's vocabulary has \(mergeCount + 1) or more")
        }
        let merges = try lines[1...mergeCount].enumerated().map { n, line -> (String, String) in
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw TokenizerError.unreadable(path: path, reason: "line \(n + 2) is not a merge \"a b\"") }
            return (String(parts[0]), String(parts[1]))
        }
        let symbols = Self.byteToUnicode()
        var vocabulary = symbols + symbols.map { $0 + "</w>" } + merges.map { $0.0 + $0.1 }
        vocabulary += ["<|startoftext|>", "<|endoftext|>"]
        ids = Dictionary(vocabulary.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        ranks = Dictionary(merges.enumerated().map { ($1.0 + " " + $1.1, $0) }, uniquingKeysWith: { first, _ in first })
        byteSymbols = Self.byteSymbolsByByte()
        self.path = path
    }

    /// A Hugging Face tokenizer folder's `vocab.json` (token → id) and `merges.txt` (a `#version`
    /// line, then one merge per line).
    public init(vocabJSON: URL, merges: URL) throws {
        guard let data = FileManager.default.contents(atPath: vocabJSON.path),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else {
            throw TokenizerError.unreadable(path: vocabJSON.path, reason: "not a JSON object of token ids")
        }
        var ids: [String: Int] = [:]
        for (token, value) in object {
            guard let id = value as? Int else {
                throw TokenizerError.unreadable(path: vocabJSON.path, reason: "token \(token): id is not an integer")
            }
            ids[token] = id
        }
        guard let text = try? String(contentsOf: merges, encoding: .utf8) else {
            throw TokenizerError.unreadable(path: merges.path, reason: "cannot read the file as UTF-8")
        }
        var ranks: [String: Int] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#version") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw TokenizerError.unreadable(path: merges.path, reason: "\"\(line)\" is not a merge \"a b\"") }
            let key = String(parts[0]) + " " + String(parts[1])
            if ranks[key] == nil { ranks[key] = ranks.count }
        }
        self.ids = ids
        self.ranks = ranks
        byteSymbols = Self.byteSymbolsByByte()
        path = vocabJSON.path
    }

    /// The ids of one pre-tokenised word (a match of the split pattern): its UTF-8 bytes as
    /// symbols, `</w>` on the last, then the lowest-ranked adjacent pair merged everywhere, again
    /// and again, until no pair is a merge.
    func encode(word: Substring) -> [Int] {
        var parts = word.utf8.map { byteSymbols[Int($0)] }
        guard !parts.isEmpty else { return [] }
        parts[parts.count - 1] += "</w>"
        while parts.count > 1 {
            var best: (rank: Int, left: String, right: String)?
            for i in 0..<(parts.count - 1) {
                if let r = ranks[parts[i] + " " + parts[i + 1]], r < best?.rank ?? .max { best = (r, parts[i], parts[i + 1]) }
            }
            guard let best else { break }
            var merged: [String] = []
            merged.reserveCapacity(parts.count)
            var i = 0
            while i < parts.count {
                if i + 1 < parts.count, parts[i] == best.left, parts[i + 1] == best.right {
                    merged.append(best.left + best.right)
                    i += 2
                } else {
                    merged.append(parts[i])
                    i += 1
                }
            }
            parts = merged
        }
        // Every symbol of a complete vocabulary is in it; an incomplete one drops what it lacks,
        // as both reference tokenizers would fail or drop there too.
        return parts.compactMap { ids[$0] }
    }

    /// Bytes that stand for themselves in GPT-2's byte-to-unicode table: printable Latin-1.
    static let printableBytes = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)

    /// GPT-2's table, indexed by byte: printable bytes are their own character, the other 68 take
    /// U+0100 onwards in byte order.
    static func byteSymbolsByByte() -> [String] {
        let printable = Set(printableBytes)
        var next: UInt32 = 256
        return (0..<256).map { b in
            if printable.contains(b) { return String(UnicodeScalar(UInt8(b))) }
            defer { next += 1 }
            return String(UnicodeScalar(next)!)
        }
    }

    /// The table in the order of the vocabulary's first 256 ids: the printable bytes, then the rest.
    static func byteToUnicode() -> [String] {
        let symbols = byteSymbolsByByte(), printable = Set(printableBytes)
        return (printableBytes + (0..<256).filter { !printable.contains($0) }).map { symbols[$0] }
    }

    static func gunzip(_ data: Data, path: String) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = data.withUnsafeBytes { raw in
            ccodecs_gunzip(raw.bindMemory(to: UInt8.self).baseAddress, data.count, &out, &size)
        }
        guard status == 0, let out else { throw TokenizerError.unreadable(path: path, reason: "not a valid gzip file") }
        defer { ccodecs_free(out) }
        return Data(bytes: out, count: size)
    }
}
