import Foundation

/// The prompt suites scs carries, each with its licence and source beside it in
/// `Resources/Suites/` (copied by `scripts/make_suite_resources.py`) and embedded in the binary,
/// so a suite works wherever the binary is copied.
public enum BuiltInSuite: String, Sendable, CaseIterable {
    /// PartiPrompts (Yu et al. 2022, google-research/parti, Apache-2.0): 1,632 prompts, each with
    /// a Category (12) and a Challenge (11).
    case parti
    /// GenEval (Ghosh et al. 2023, djghosh13/geneval, MIT): 553 prompts, each with a tag
    /// (single_object, two_object, counting, colors, position, color_attr).
    case geneval
    /// The paper's prompts (Bent 2024, MIT): the first 100 of its 104, without categories.
    case paper

    /// The licence the suite's prompts are distributed under, in SPDX words.
    public var licence: String {
        switch self {
        case .parti: return "Apache-2.0"
        case .geneval, .paper: return "MIT"
        }
    }

    /// The licence's full text, as shipped.
    public var licenceText: String { String(decoding: Self.bytes(of: self).licence, as: UTF8.self) }

    /// Where the file came from (repository, path and commit).
    public var sourceNote: String {
        String(decoding: Self.bytes(of: self).source, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The suite's prompts, read by the same rules as a prompts file of its format.
    public func load() throws -> PromptSuite {
        let data = Self.bytes(of: self).prompts
        let source = "the built-in suite \(rawValue)"
        let text = String(decoding: data, as: UTF8.self)
        switch self {
        case .parti: return try PromptSuite.parse(text, format: .tsv, source: source, name: rawValue)
        case .geneval: return try PromptSuite.parse(text, format: .jsonl, source: source, name: rawValue)
        case .paper: return try PromptSuite.parse(text, format: .lines, source: source, name: rawValue)
        }
    }

    /// The embedded files (SwiftPM's `.embedInCode`: `PackageResources`, named after the files).
    static func bytes(of suite: BuiltInSuite) -> (prompts: [UInt8], licence: [UInt8], source: [UInt8]) {
        switch suite {
        case .parti: return (PackageResources.partiprompts_tsv, PackageResources.partiprompts_LICENSE, PackageResources.partiprompts_SOURCE)
        case .geneval: return (PackageResources.geneval_jsonl, PackageResources.geneval_LICENSE, PackageResources.geneval_SOURCE)
        case .paper: return (PackageResources.paper_txt, PackageResources.paper_LICENSE, PackageResources.paper_SOURCE)
        }
    }
}

/// A list of prompts, each perhaps with a category: a built-in suite or a prompts file someone
/// brings. The one reader of prompts files, in three formats:
///
/// - plain text (`.txt` and any other name): one prompt per line, taken exactly, blank lines
///   skipped (as the paper read its prompts; no categories);
/// - TSV (`.tsv`): a header row naming a `prompt` column and optionally `category` and
///   `challenge` columns (names without case: PartiPrompts' `Prompt`, `Category`, `Challenge`),
///   fields split at every tab with no quoting (PartiPrompts' `"G I G G L E" painted …` keeps its
///   quotes), every row with the header's number of fields;
/// - JSON Lines (`.jsonl`, `.ndjson`): one object per line with a string `prompt` and optionally
///   a string `category` (or `tag`, GenEval's name for it) and `challenge`.
///
/// A UTF-8 byte-order mark is dropped; every error names the file and the line.
public struct PromptSuite: Sendable {
    public enum Format: String, Sendable { case lines, tsv, jsonl }

    /// What the manifest records as the suite: the built-in's name; nil for a file.
    public let name: String?
    /// How messages name it: a path, or "the built-in suite parti".
    public let source: String
    public let prompts: [PromptRef]

    /// The categories in order of first appearance; empty when the prompts have none.
    public var categories: [String] {
        var seen = Set<String>(), out: [String] = []
        for p in prompts { if let c = p.category, seen.insert(c).inserted { out.append(c) } }
        return out
    }

    /// The challenges (PartiPrompts') in order of first appearance.
    public var challenges: [String] {
        var seen = Set<String>(), out: [String] = []
        for p in prompts { if let c = p.challenge, seen.insert(c).inserted { out.append(c) } }
        return out
    }

    /// The format a file's name says: `.tsv`, `.jsonl`/`.ndjson`, else one prompt per line.
    public static func format(ofFile path: String) -> Format {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "tsv": return .tsv
        case "jsonl", "ndjson": return .jsonl
        default: return .lines
        }
    }

    /// Reads a prompts file in the format its name says.
    public static func read(path: String) throws -> PromptSuite {
        try parse(try GenerationPlan.readText(path), format: format(ofFile: path), source: path, name: nil)
    }

    public static func parse(_ text: String, format: Format, source: String, name: String?) throws -> PromptSuite {
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        let lines = GenerationPlan.lines(body)
        let prompts: [PromptRef]
        switch format {
        case .lines: prompts = try plain(lines, source: source)
        case .tsv: prompts = try tsv(lines, source: source)
        case .jsonl: prompts = try jsonl(lines, source: source)
        }
        if prompts.isEmpty { throw GenerateError.inputFile(path: source, reason: "no prompts") }
        return PromptSuite(name: name, source: source, prompts: prompts)
    }

    /// The prompts of `categories` (all when nil), in the suite's order, and at most `limit`
    /// prompts: with categories, the first `limit` of each category (so a breakdown by
    /// category stays balanced), else the first `limit` in all. `short` lists the categories
    /// that have fewer than `limit` prompts (all of theirs are kept). Categories match without
    /// case; an unknown one is an error that lists the suite's.
    public func select(categories wanted: [String]? = nil, limit: Int? = nil) throws -> (
        prompts: [PromptRef], short: [(category: String, available: Int)]
    ) {
        if let limit, limit < 1 { throw GenerateError.setting(.tooSmall(.limit, value: limit, least: 1)) }
        guard let wanted else {
            if let limit, prompts.count < limit {
                throw GenerateError.setting(.pastFile(.limit, value: limit, path: source, available: prompts.count))
            }
            return (limit.map { Array(prompts.prefix($0)) } ?? prompts, [])
        }
        let known = categories
        var chosen: [String] = []
        for w in wanted {
            guard let match = known.first(where: { $0.caseInsensitiveCompare(w) == .orderedSame }) ?? known.first(where: { $0 == w }) else {
                throw GenerateError.unknownCategory(w, suite: name ?? source, known: known)
            }
            if !chosen.contains(match) { chosen.append(match) }
        }
        var taken: [String: Int] = [:]
        var out: [PromptRef] = []
        for p in prompts {
            guard let c = p.category, chosen.contains(c) else { continue }
            if let limit, taken[c, default: 0] >= limit { continue }
            taken[c, default: 0] += 1
            out.append(p)
        }
        let short = limit.map { limit in chosen.compactMap { c in taken[c, default: 0] < limit ? (c, taken[c, default: 0]) : nil } } ?? []
        return (out, short)
    }

    // MARK: The three formats

    private static func plain(_ lines: [String], source: String) throws -> [PromptRef] {
        var out: [PromptRef] = []
        for (i, raw) in lines.enumerated() where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            try checkText(raw, source: source, line: i + 1)
            out.append(PromptRef(line: i + 1, text: raw))
        }
        return out
    }

    private static func tsv(_ lines: [String], source: String) throws -> [PromptRef] {
        guard let headerIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return [] }
        let header = lines[headerIndex].components(separatedBy: "\t").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let promptColumn = column("prompt") else {
            throw GenerateError.badLine(
                path: source, line: headerIndex + 1,
                reason: "the header names no prompt column (a TSV of prompts starts with a header such as Prompt<tab>Category)")
        }
        let categoryColumn = column("category"), challengeColumn = column("challenge")
        var out: [PromptRef] = []
        for i in (headerIndex + 1)..<lines.count where !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = lines[i].components(separatedBy: "\t")
            guard fields.count == header.count else {
                throw GenerateError.badLine(path: source, line: i + 1, reason: "\(fields.count) tab-separated fields, the header has \(header.count)")
            }
            let text = fields[promptColumn]
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                throw GenerateError.badLine(path: source, line: i + 1, reason: "the prompt is empty")
            }
            try checkText(text, source: source, line: i + 1)
            out.append(
                PromptRef(
                    line: i + 1, text: text, category: try label(categoryColumn.map { fields[$0] }, "category", source, i + 1),
                    challenge: try label(challengeColumn.map { fields[$0] }, "challenge", source, i + 1)))
        }
        return out
    }

    private static func jsonl(_ lines: [String], source: String) throws -> [PromptRef] {
        var out: [PromptRef] = []
        for (i, raw) in lines.enumerated() where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let value = JSONValue.parse(Data(raw.utf8)), case .object(let object) = value else {
                throw GenerateError.badLine(path: source, line: i + 1, reason: "not a JSON object")
            }
            guard let prompt = object["prompt"] else { throw GenerateError.badLine(path: source, line: i + 1, reason: "no \"prompt\" field") }
            guard let text = prompt.stringValue, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw GenerateError.badLine(path: source, line: i + 1, reason: "\"prompt\" must be a non-empty string, not \(prompt.typeName)")
            }
            try checkText(text, source: source, line: i + 1)
            func field(_ key: String) throws -> String? {
                guard let v = object[key], v != .null else { return nil }
                guard let s = v.stringValue else {
                    throw GenerateError.badLine(path: source, line: i + 1, reason: "\"\(key)\" must be a string, not \(v.typeName)")
                }
                return try label(s, key, source, i + 1)
            }
            let category = try field("category") ?? field("tag")
            out.append(PromptRef(line: i + 1, text: text, category: category, challenge: try field("challenge")))
        }
        return out
    }

    /// A category or challenge: trimmed; empty is none; a control character is refused (it
    /// would break the CSV and TSV it travels into).
    private static func label(_ raw: String?, _ what: String, _ source: String, _ line: Int) throws -> String? {
        guard let value = raw?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw GenerateError.badLine(path: source, line: line, reason: "the \(what) holds a control character")
        }
        return value
    }

    private static func checkText(_ text: String, source: String, line: Int) throws {
        if text.contains("\0") { throw GenerateError.badLine(path: source, line: line, reason: "the prompt holds a NUL character") }
    }
}
