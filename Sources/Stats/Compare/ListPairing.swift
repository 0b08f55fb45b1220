import Foundation

extension Pairing {
    /// Pairs line i of `listA` (prompts of model `a`) with line i of `listB` (prompts of model
    /// `b`), as the paper's LoRA comparison does, and checks every line:
    /// - a prompt with no group in the scores (exact, or up to folder-unsafe characters),
    /// - a line that only one list has,
    /// - a group paired twice,
    /// - two lines that differ in more than the wording most lines differ by (the
    ///   "substitution", e.g. "Monet" → "TOK"): the lists have drifted apart there; the report
    ///   says on which line of the other list each prompt does appear.
    /// Such lines are reported; mismatched ones are left out unless `keepMismatched`.
    /// `lineNumber` maps a 0-based index to the number shown (lines of a text file, rows of a CSV).
    public static func byLines(
        _ table: ScoreTable, a: String, b: String, listA: [String], listB: [String],
        keepMismatched: Bool = false, lineNumber: (Int) -> Int = { $0 + 1 }
    ) -> Pairing {
        let count = max(listA.count, listB.count)
        // The substitution shared by most lines (ties: the one seen first).
        var tally: [String: (count: Int, first: Int, a: String, b: String)] = [:]
        for i in 0..<min(listA.count, listB.count) {
            let d = PromptText.difference(listA[i], listB[i])
            let key = d.a + "\u{0}" + d.b
            let entry = tally[key] ?? (0, i, d.a, d.b)
            tally[key] = (entry.count + 1, entry.first, d.a, d.b)
        }
        let dominant = tally.values.max { ($0.count, -$0.first) < ($1.count, -$1.first) }
        let substitution = dominant.map { (a: $0.a, b: $0.b) }
        func linesUp(_ x: String, _ y: String) -> Bool {
            guard let substitution else { return true }
            let d = PromptText.difference(x, y)
            return d.a == substitution.a && d.b == substitution.b
        }

        var pairs: [PromptPair] = [], issues: [PairingIssue] = [], normalized = 0
        var usedA: [String: Int] = [:], usedB: [String: Int] = [:]
        for i in 0..<count {
            let line = lineNumber(i)
            let textA = i < listA.count ? listA[i].trimmingCharacters(in: .whitespaces) : nil
            let textB = i < listB.count ? listB[i].trimmingCharacters(in: .whitespaces) : nil
            guard let textA, let textB else {
                let which = textA == nil ? "B" : "A"
                issues.append(
                    PairingIssue(
                        line: line, kind: .unpaired, promptA: textA, promptB: textB,
                        message: "line \(line): only list \(which) has this line (\"\(textA ?? textB ?? "")\")", included: false))
                continue
            }
            let groupA = table.group(of: a, named: textA), groupB = table.group(of: b, named: textB)
            if groupA == nil || groupB == nil {
                var missing: [String] = []
                if groupA == nil { missing.append("\"\(textA)\" has no group under \(a)") }
                if groupB == nil { missing.append("\"\(textB)\" has no group under \(b)") }
                issues.append(
                    PairingIssue(
                        line: line, kind: .noGroup, promptA: textA, promptB: textB,
                        message: "line \(line): " + missing.joined(separator: "; ") + " in the scores", included: false))
                continue
            }
            let pa = groupA!.prompt, pb = groupB!.prompt
            if let earlier = usedA[pa] ?? usedB[pb] {
                issues.append(
                    PairingIssue(
                        line: line, kind: .duplicate, promptA: textA, promptB: textB,
                        message: "line \(line): a group already paired on line \(earlier)", included: false))
                continue
            }
            var included = true
            if !linesUp(textA, textB), let substitution {
                included = keepMismatched
                var hints: [String] = []
                if let j = listB.indices.first(where: { linesUp(textA, listB[$0]) }) {
                    hints.append("A's prompt lines up with line \(lineNumber(j)) of B")
                } else {
                    hints.append("A's prompt is on no line of B")
                }
                if let j = listA.indices.first(where: { linesUp(listA[$0], textB) }) {
                    hints.append("B's prompt lines up with line \(lineNumber(j)) of A")
                } else {
                    hints.append("B's prompt is on no line of A")
                }
                let expected = "\"\(substitution.a)\" → \"\(substitution.b)\""
                issues.append(
                    PairingIssue(
                        line: line, kind: .mismatch, promptA: textA, promptB: textB,
                        message: "line \(line): \"\(textA)\" and \"\(textB)\" differ in more than \(expected) (\(hints.joined(separator: "; ")))"
                            + (included ? "; kept (mismatches kept, as asked)" : "; left out"),
                        included: included))
            }
            guard included, let sa = table.score(a, pa), let sb = table.score(b, pb) else { continue }
            if groupA!.normalized { normalized += 1 }
            if groupB!.normalized { normalized += 1 }
            usedA[pa] = line
            usedB[pb] = line
            pairs.append(PromptPair(promptA: pa, promptB: pb, scoreA: sa, scoreB: sb, line: line))
        }
        return Pairing(
            mode: .lists, pairs: pairs, onlyA: [], onlyB: [], issues: issues, substitution: substitution,
            normalizedMatches: normalized)
    }
}
