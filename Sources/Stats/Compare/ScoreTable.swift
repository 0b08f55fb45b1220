import Foundation

/// One group's score: the rows of scores.csv that `scs compare` uses.
public struct PromptScore: Sendable, Equatable {
    /// The model (folder), the prompt (group name) and the group's SCS.
    public let model: String
    public let prompt: String
    public let score: Double

    public init(model: String, prompt: String, score: Double) {
        self.model = model
        self.prompt = prompt
        self.score = score
    }
}

/// Why a table of scores cannot be compared.
public struct ComparisonError: Error, CustomStringConvertible, Equatable {
    /// The message, naming the file, row or model at fault.
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Per-prompt scores by model, in the order of the file.
public struct ScoreTable: Sendable {
    /// Models in order of first appearance.
    public let models: [String]
    private let prompts: [String: [String]]
    private let scores: [String: [String: Double]]

    /// Builds the table; a (model, prompt) pair given twice or a score that is not a finite
    /// number is an error (`source` names the row in messages, e.g. "line 7").
    public init(_ rows: [PromptScore], source: (Int) -> String = { "row \($0 + 1)" }) throws {
        var models: [String] = [], prompts: [String: [String]] = [:], scores: [String: [String: Double]] = [:]
        // Where each (model, prompt) was first given, by model then prompt.
        var seen: [String: [String: Int]] = [:]
        for (i, row) in rows.enumerated() {
            guard row.score.isFinite else {
                throw ComparisonError("\(source(i)): the score of \(row.model) / \(row.prompt) is \(row.score), not a number")
            }
            if let first = seen[row.model]?[row.prompt] {
                throw ComparisonError("\(source(i)): \(row.model) / \(row.prompt) is scored twice (also \(source(first)))")
            }
            seen[row.model, default: [:]][row.prompt] = i
            if scores[row.model] == nil { models.append(row.model) }
            prompts[row.model, default: []].append(row.prompt)
            scores[row.model, default: [:]][row.prompt] = row.score
        }
        self.models = models
        self.prompts = prompts
        self.scores = scores
    }

    /// The prompts scored for `model`, in file order (empty for an unknown model).
    public func prompts(of model: String) -> [String] { prompts[model] ?? [] }

    public func score(_ model: String, _ prompt: String) -> Double? { scores[model]?[prompt] }

    /// Throws a message naming the models that exist when `model` is not one of them.
    public func require(_ model: String) throws {
        guard scores[model] == nil else { return }
        throw ComparisonError("no model \"\(model)\" in the scores (models: \(models.joined(separator: ", ")))")
    }

    /// All scores of one model, in file order.
    public func values(of model: String) -> [Double] {
        prompts(of: model).compactMap { score(model, $0) }
    }

    /// The group of `model` that a prompt text names: the exact prompt, else the one prompt
    /// that equals it once characters that cannot be in a folder name are replaced by "_"
    /// (the published data set wrote "person's" as "person_s"); nil when none or several do.
    public func group(of model: String, named text: String) -> (prompt: String, normalized: Bool)? {
        if score(model, text) != nil { return (text, false) }
        let key = PromptText.folderKey(text)
        let matches = prompts(of: model).filter { PromptText.folderKey($0) == key }
        return matches.count == 1 ? (matches[0], true) : nil
    }
}

/// How prompt texts are compared.
public enum PromptText {
    /// The text with surrounding whitespace removed and every character that dataset tools
    /// replace in folder names (apostrophes, / \ : * ? " < > |) turned into "_".
    public static func folderKey(_ text: String) -> String {
        let replaced: Set<Character> = ["'", "\u{2019}", "/", "\\", ":", "*", "?", "\"", "<", ">", "|"]
        return String(text.trimmingCharacters(in: .whitespacesAndNewlines).map { replaced.contains($0) ? "_" : $0 })
    }

    /// The words where two prompts differ, after their common leading and trailing words:
    /// "a cat in the style of Monet" / "a cat in the style of TOK" → ("Monet", "TOK").
    public static func difference(_ a: String, _ b: String) -> (a: String, b: String) {
        let wa = folderKey(a).split(whereSeparator: \.isWhitespace), wb = folderKey(b).split(whereSeparator: \.isWhitespace)
        var prefix = 0
        while prefix < min(wa.count, wb.count) && wa[prefix] == wb[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(wa.count, wb.count) - prefix && wa[wa.count - 1 - suffix] == wb[wb.count - 1 - suffix] { suffix += 1 }
        return (wa[prefix..<(wa.count - suffix)].joined(separator: " "), wb[prefix..<(wb.count - suffix)].joined(separator: " "))
    }
}
