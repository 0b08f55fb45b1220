import Foundation

/// A SentencePiece unigram model, read from `spiece.model` (a serialised `sentencepiece.ModelProto`)
/// and run as the sentencepiece library runs it: its normaliser (the precompiled character map,
/// the dummy prefix, whitespace folding, "▁" for spaces), then the Viterbi segmentation over the
/// pieces' log-probabilities, summed in float32 as the library sums them (double sums pick a
/// different path on rare near-ties).
public struct SentencePieceModel: Sendable {
    struct Piece: Sendable {
        let text: String
        let score: Float
        let type: Int  // 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte
    }

    let pieces: [Piece]
    /// Matchable pieces (normal and user-defined) by text → (id, score).
    let vocabulary: [String: (id: Int, score: Float)]
    let longestPiece: Int
    let unknownScore: Float
    let charsmap: PrecompiledCharsmap?
    let addDummyPrefix: Bool
    let removeExtraWhitespaces: Bool
    let escapeWhitespaces: Bool
    public let unknownID: Int
    public let endOfSentenceID: Int
    public let path: String

    public var count: Int { pieces.count }

    /// The id of a piece, special ones included.
    public func id(of piece: String) -> Int? { pieces.firstIndex { $0.text == piece } }

    /// The same model from a tokenizers `tokenizer.json` with a Unigram model: the pieces and
    /// scores, and the character map of its `Precompiled` normaliser; its special tokens (added
    /// tokens) never match text. The normaliser's other steps and the pre-tokenizer are
    /// SentencePiece's own (dummy prefix, whitespace folding, "▁").
    public init(tokenizerJSON url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path),
            let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let model = root["model"] as? [String: Any], model["type"] as? String == "Unigram",
            let vocab = model["vocab"] as? [[Any]]
        else {
            throw TokenizerError.unreadable(path: url.path, reason: "not a tokenizer.json with a Unigram model")
        }
        let unk = model["unk_id"] as? Int ?? 0
        let specials = Set((root["added_tokens"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        var pieces: [Piece] = []
        for (id, entry) in vocab.enumerated() {
            guard entry.count == 2, let text = entry[0] as? String, let score = entry[1] as? Double else {
                throw TokenizerError.unreadable(path: url.path, reason: "model.vocab[\(id)] is not [piece, score]")
            }
            pieces.append(Piece(text: text, score: Float(score), type: id == unk ? 2 : specials.contains(id) ? 3 : 1))
        }
        func precompiled(_ n: Any?) -> String? {
            guard let n = n as? [String: Any] else { return nil }
            if n["type"] as? String == "Precompiled" { return n["precompiled_charsmap"] as? String }
            return (n["normalizers"] as? [Any])?.lazy.compactMap(precompiled).first
        }
        let map = precompiled(root["normalizer"]).flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? []
        try self.init(
            pieces: pieces, charsmap: map, dummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true,
            unknownID: unk, endOfSentenceID: pieces.firstIndex { $0.text == "</s>" } ?? 1, path: url.path)
    }

    init(
        pieces: [Piece], charsmap map: [UInt8], dummyPrefix: Bool, removeExtraWhitespaces extra: Bool, escapeWhitespaces escape: Bool,
        unknownID unk: Int, endOfSentenceID eos: Int, path: String
    ) throws {
        self.path = path
        self.pieces = pieces
        var vocabulary: [String: (id: Int, score: Float)] = [:]
        for (id, p) in pieces.enumerated() where (p.type == 1 || p.type == 4) && vocabulary[p.text] == nil { vocabulary[p.text] = (id, p.score) }
        self.vocabulary = vocabulary
        longestPiece = vocabulary.keys.map(\.unicodeScalars.count).max() ?? 1
        unknownScore = (pieces.filter { $0.type == 1 }.map(\.score).min() ?? 0) - 10
        charsmap = map.isEmpty ? nil : try PrecompiledCharsmap(map, path: path)
        addDummyPrefix = dummyPrefix
        removeExtraWhitespaces = extra
        escapeWhitespaces = escape
        unknownID = unk
        endOfSentenceID = eos
    }

    /// Reads a serialised `ModelProto` (`spiece.model`): the pieces, the normaliser's settings and
    /// character map, the unknown and end-of-sentence ids; only unigram models.
    public init(file url: URL) throws {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TokenizerError.unreadable(path: url.path, reason: "cannot read the file")
        }
        var pieces: [Piece] = []
        var normalizer: [UInt8] = [], trainer: [UInt8] = []
        do {
            try Protobuf.fields(Array(data)) { field, value in
                switch (field, value) {
                case (1, .bytes(let message)):
                    var text = "", score: Float = 0, type = 1
                    try Protobuf.fields(message) { f, v in
                        switch (f, v) {
                        case (1, .bytes(let b)): text = String(decoding: b, as: UTF8.self)
                        case (2, .fixed32(let bits)): score = Float(bitPattern: bits)
                        case (3, .varint(let t)): type = Int(t)
                        default: break
                        }
                    }
                    pieces.append(Piece(text: text, score: score, type: type))
                case (2, .bytes(let message)): trainer = message
                case (3, .bytes(let message)): normalizer = message
                default: break
                }
            }
        } catch {
            throw TokenizerError.unreadable(path: url.path, reason: "not a SentencePiece model (\(error))")
        }
        guard !pieces.isEmpty else { throw TokenizerError.unreadable(path: url.path, reason: "a SentencePiece model with no pieces") }
        var unk = 0, eos = 2, modelType = 1
        try Protobuf.fields(trainer) { f, v in
            guard case .varint(let x) = v else { return }
            switch f {
            case 3: modelType = Int(x)
            case 40: unk = Int(Int32(truncatingIfNeeded: x))
            case 42: eos = Int(Int32(truncatingIfNeeded: x))
            default: break
            }
        }
        guard modelType == 1 else {
            throw TokenizerError.unreadable(path: url.path, reason: "model_type \(modelType): only unigram models (1) are supported")
        }
        var map: [UInt8] = [], dummy = true, extra = true, escape = true
        try Protobuf.fields(normalizer) { f, v in
            switch (f, v) {
            case (2, .bytes(let b)): map = b
            case (3, .varint(let x)): dummy = x != 0
            case (4, .varint(let x)): extra = x != 0
            case (5, .varint(let x)): escape = x != 0
            default: break
            }
        }
        try self.init(
            pieces: pieces, charsmap: map, dummyPrefix: dummy, removeExtraWhitespaces: extra, escapeWhitespaces: escape,
            unknownID: unk, endOfSentenceID: eos, path: url.path)
    }

    /// The ids of `text`: normalised, then segmented. `dummyPrefix` false leaves out the leading
    /// "▁" (text that continues a special token).
    public func encode(_ text: String, dummyPrefix: Bool = true) -> [Int] {
        segment(normalize(text, dummyPrefix: dummyPrefix && addDummyPrefix))
    }

    /// SentencePiece's normaliser over the UTF-8 bytes: each step the longest key of the character
    /// map at the position (else the character as it is); leading spaces skipped, a "▁" in front,
    /// runs of spaces folded, spaces written as "▁", trailing ones removed.
    func normalize(_ text: String, dummyPrefix: Bool) -> [Unicode.Scalar] {
        let bytes = Array(text.utf8)
        func step(_ i: Int) -> (replacement: [UInt8], length: Int) {
            if let hit = charsmap?.longestMatch(bytes, at: i) { return hit }
            let lead = bytes[i]
            let n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            return (Array(bytes[i..<min(i + n, bytes.count)]), n)
        }
        var i = 0
        if removeExtraWhitespaces {
            while i < bytes.count, step(i).replacement == [0x20] { i += step(i).length }
        }
        guard i < bytes.count else { return [] }
        let space: [UInt8] = escapeWhitespaces ? Array("▁".utf8) : [0x20]
        var out: [UInt8] = dummyPrefix ? space : []
        var previousSpace = removeExtraWhitespaces
        while i < bytes.count {
            var (r, n) = step(i)
            if removeExtraWhitespaces { while previousSpace, r.first == 0x20 { r.removeFirst() } }
            if !r.isEmpty {
                for b in r { if b == 0x20 { out += space } else { out.append(b) } }
                previousSpace = r.last == 0x20
            }
            i += n
        }
        if removeExtraWhitespaces { while out.count >= space.count, Array(out.suffix(space.count)) == space { out.removeLast(space.count) } }
        return Array(String(decoding: out, as: UTF8.self).unicodeScalars)
    }

    /// The best segmentation of a normalised text: for each end position the best float32 sum of
    /// piece scores (the first found kept on ties, shorter pieces first); a character no
    /// one-character piece covers is an unknown node scored below every piece; consecutive
    /// unknown characters become one `<unk>`.
    func segment(_ s: [Unicode.Scalar]) -> [Int] {
        let n = s.count
        guard n > 0 else { return [] }
        var best = [Float](repeating: -.infinity, count: n + 1)
        var back = [(start: Int, id: Int)](repeating: (-1, -1), count: n + 1)
        best[0] = 0
        for i in 0..<n where best[i] > -.infinity {
            var single = false
            var key = String.UnicodeScalarView()
            for length in 1...min(longestPiece, n - i) {
                key.append(s[i + length - 1])
                guard let piece = vocabulary[String(key)] else { continue }
                if length == 1 { single = true }
                let candidate = best[i] + piece.score
                if back[i + length].start < 0 || candidate > best[i + length] {
                    best[i + length] = candidate
                    back[i + length] = (i, piece.id)
                }
            }
            if !single {
                let candidate = best[i] + unknownScore
                if back[i + 1].start < 0 || candidate > best[i + 1] {
                    best[i + 1] = candidate
                    back[i + 1] = (i, unknownID)
                }
            }
        }
        var ids: [Int] = []
        var end = n
        while end > 0 {
            let (start, id) = back[end]
            if !(id == unknownID && ids.last == unknownID) { ids.append(id) }
            end = start
        }
        return ids.reversed()
    }
}

/// SentencePiece's precompiled normalisation map: a darts-clone double-array trie over UTF-8
/// keys, whose values are offsets of NUL-terminated replacement strings.
struct PrecompiledCharsmap: Sendable {
    let units: [UInt32]
    let strings: [UInt8]

    init(_ blob: [UInt8], path: String) throws {
        guard blob.count >= 4 else { throw TokenizerError.unreadable(path: path, reason: "precompiled_charsmap is too short") }
        let size = Int(UInt32(blob[0]) | UInt32(blob[1]) << 8 | UInt32(blob[2]) << 16 | UInt32(blob[3]) << 24)
        guard size % 4 == 0, 4 + size <= blob.count else {
            throw TokenizerError.unreadable(path: path, reason: "precompiled_charsmap's trie does not fit")
        }
        units = stride(from: 4, to: 4 + size, by: 4).map {
            UInt32(blob[$0]) | UInt32(blob[$0 + 1]) << 8 | UInt32(blob[$0 + 2]) << 16 | UInt32(blob[$0 + 3]) << 24
        }
        strings = Array(blob[(4 + size)...])
    }

    /// The longest key that starts at `bytes[i]`: its replacement and the bytes it covers.
    func longestMatch(_ bytes: [UInt8], at i: Int) -> (replacement: [UInt8], length: Int)? {
        func offset(_ u: UInt32) -> Int { Int((u >> 10) << ((u & 0x200) >> 6)) }
        guard !units.isEmpty else { return nil }
        var position = offset(units[0])
        var found: (Int, Int)?
        var k = i
        while k < bytes.count {
            let c = Int(bytes[k])
            position ^= c
            guard position < units.count else { break }
            let unit = units[position]
            guard unit & 0x8000_00FF == UInt32(c) else { break }
            position ^= offset(unit)
            if (unit >> 8) & 1 == 1, position < units.count { found = (Int(units[position] & 0x7FFF_FFFF), k + 1 - i) }
            k += 1
        }
        guard let (value, length) = found, value < strings.count else { return nil }
        let end = strings[value...].firstIndex(of: 0) ?? strings.count
        return (Array(strings[value..<end]), length)
    }
}

/// Just enough of the protobuf wire format to read a SentencePiece model.
enum Protobuf {
    enum Value { case varint(UInt64), fixed32(UInt32), fixed64(UInt64), bytes([UInt8]) }
    struct Malformed: Error, CustomStringConvertible { var description: String }

    /// Calls `visit` with each field of `message` in order.
    static func fields(_ message: [UInt8], _ visit: (Int, Value) throws -> Void) throws {
        var i = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard i < message.count, shift < 64 else { throw Malformed(description: "a varint runs past the end") }
                let b = message[i]
                i += 1
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, i + n <= message.count else { throw Malformed(description: "a field runs past the end") }
            defer { i += n }
            return message[i..<(i + n)]
        }
        while i < message.count {
            let key = try varint()
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: try visit(field, .varint(try varint()))
            case 1: try visit(field, .fixed64(try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }))
            case 2: try visit(field, .bytes(Array(try take(Int(try varint())))))
            case 5: try visit(field, .fixed32(try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }))
            default: throw Malformed(description: "wire type \(key & 7)")
            }
        }
    }
}
