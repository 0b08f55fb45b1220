import Foundation

/// One pair of groups compared: A's prompt and score against B's.
public struct PromptPair: Sendable, Equatable {
    /// The groups' prompts (as named in the scores) and their scores.
    public let promptA: String
    public let promptB: String
    public let scoreA: Double
    public let scoreB: Double
    /// The line (or CSV row) of the pairing lists, when pairs come from lists.
    public let line: Int?
}

/// A pairing that does not line up, reported rather than silently used or dropped.
public struct PairingIssue: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A list line names a prompt that has no group in scores.csv.
        case noGroup = "no_group"
        /// One list is longer than the other.
        case unpaired
        /// The two lines differ in more than the substitution the other lines share.
        case mismatch
        /// A group already paired on an earlier line.
        case duplicate
    }

    /// The line (or CSV row) of the lists, what is wrong, the two prompt texts as listed
    /// (nil past the end of a list), and the sentence the report prints.
    public let line: Int
    public let kind: Kind
    public let promptA: String?
    public let promptB: String?
    public let message: String
    /// Whether the pair is in the comparison anyway (`--keep-mismatched`).
    public let included: Bool

    var json: JSONValue {
        .object([
            ("line", .integer(line)), ("kind", .string(kind.rawValue)),
            ("a", promptA.map { .string($0) } ?? .null), ("b", promptB.map { .string($0) } ?? .null),
            ("message", .string(message)), ("included", .bool(included))
        ])
    }
}

/// Which groups of A are compared with which groups of B, and what did not pair.
public struct Pairing: Sendable {
    public enum Mode: String, Sendable {
        /// A's and B's groups with the same prompt.
        case prompt
        /// Line i of one list with line i of the other (`--pairs-a`, `--pairs-b`, `--pairs`).
        case lists
    }

    /// How the pairs were formed.
    public let mode: Mode
    /// The pairs compared, in order.
    public let pairs: [PromptPair]
    /// Prompt mode: prompts scored for one side only.
    public let onlyA: [String]
    public let onlyB: [String]
    /// List mode: lines that do not line up.
    public let issues: [PairingIssue]
    /// List mode: the wording the lines' A and B prompts differ by (e.g. "Monet" → "TOK").
    public let substitution: (a: String, b: String)?
    /// Pairs found only after replacing folder-unsafe characters (prompt text vs folder name).
    public let normalizedMatches: Int

    /// Pairs A's and B's groups by identical prompt (then, for what is left, by the prompt with
    /// folder-unsafe characters replaced by "_", when that is unambiguous), in A's file order.
    public static func byPrompt(_ table: ScoreTable, a: String, b: String) -> Pairing {
        var pairs: [PromptPair] = [], onlyA: [String] = [], normalized = 0
        var usedB = Set<String>()
        for prompt in table.prompts(of: a) {
            if let sb = table.score(b, prompt), let sa = table.score(a, prompt) {
                pairs.append(PromptPair(promptA: prompt, promptB: prompt, scoreA: sa, scoreB: sb, line: nil))
                usedB.insert(prompt)
            }
        }
        let leftB = table.prompts(of: b).filter { !usedB.contains($0) }
        var byKey: [String: [String]] = [:]
        for p in leftB { byKey[PromptText.folderKey(p), default: []].append(p) }
        let pairedA = Set(pairs.map(\.promptA))
        let leftA = table.prompts(of: a).filter { !pairedA.contains($0) }
        var keyCountA: [String: Int] = [:]
        for p in leftA { keyCountA[PromptText.folderKey(p), default: 0] += 1 }
        for prompt in leftA {
            let key = PromptText.folderKey(prompt)
            if keyCountA[key] == 1, let candidates = byKey[key], candidates.count == 1,
                let sa = table.score(a, prompt), let sb = table.score(b, candidates[0])
            {
                pairs.append(PromptPair(promptA: prompt, promptB: candidates[0], scoreA: sa, scoreB: sb, line: nil))
                usedB.insert(candidates[0])
                normalized += 1
            } else {
                onlyA.append(prompt)
            }
        }
        let onlyB = table.prompts(of: b).filter { !usedB.contains($0) }
        return Pairing(
            mode: .prompt, pairs: pairs, onlyA: onlyA, onlyB: onlyB, issues: [], substitution: nil,
            normalizedMatches: normalized)
    }

    /// The `pairing` object of `--json`.
    public var json: JSONValue {
        var out: [(String, JSONValue)] = [("mode", .string(mode.rawValue)), ("pairs_used", .integer(pairs.count))]
        switch mode {
        case .prompt:
            out.append(("only_a", .array(onlyA.map { .string($0) })))
            out.append(("only_b", .array(onlyB.map { .string($0) })))
        case .lists:
            out.append(("substitution", substitution.map { .object([("a", .string($0.a)), ("b", .string($0.b))]) } ?? .null))
            out.append(("issues", .array(issues.map(\.json))))
            // The pairs used, so a report can draw this comparison without the lists.
            out.append(
                (
                    "pairs",
                    .array(
                        pairs.map { p in
                            .object([("a", .string(p.promptA)), ("b", .string(p.promptB)), ("line", p.line.map { .integer($0) } ?? .null)])
                        })
                ))
        }
        out.append(("normalized_matches", .integer(normalizedMatches)))
        return .object(out)
    }
}
