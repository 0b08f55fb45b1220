import Foundation
import SCSScoring

/// `scs annotate agreement`: do humans agree with the score, and with each other?
public struct AgreementReport: Encodable, Sendable {
    /// One prompt: the votes, the human majority, and the model the score prefers.
    public struct PromptResult: Encodable, Sendable {
        public var prompt: String
        public var votesA: Int
        public var votesB: Int
        public var cantTell: Int
        /// `decided`, `tie` (equal votes) or `too_few_answers` (fewer decisive answers than
        /// `min_answers`): only decided prompts enter the agreement rate.
        public var status: String
        public var humanMajority: String?
        public var scoreA: Double?
        public var scoreB: Double?
        /// The model with the higher SCS; `nil` if a score is missing or both are equal.
        public var higherScore: String?
        public var agrees: Bool?
    }

    public struct Rate: Encodable, Sendable {
        public var agree: Int
        public var prompts: Int
        public var rate: Double?
        public var ciLow: Double?
        public var ciHigh: Double?
        /// Exact two-sided binomial test against chance (0.5), as scipy.stats.binomtest.
        public var pValue: Double?
    }

    public struct PairKappa: Encodable, Sendable {
        public var a: String
        public var b: String
        public var prompts: Int
        public var kappa: Double?
    }

    public struct AnnotatorAgreement: Encodable, Sendable {
        public var annotator: String
        public var answers: Int
        /// Decisive answers on prompts with a decided majority (the annotator's own vote counts
        /// towards that majority).
        public var compared: Int
        public var agree: Int
        public var rate: Double?
    }

    public var modelA: String
    public var modelB: String
    public var minAnswers: Int
    public var annotators: Int
    public var answers: Int
    public var prompts: [PromptResult]
    public var agreement: Rate
    public var ties: [String]
    public var tooFewAnswers: [String]
    /// Decided prompts left out of the rate because a score is missing or the scores are equal.
    public var missingScores: [String]
    public var scoreTies: [String]
    public var fleissKappa: Double?
    public var fleissPrompts: Int
    public var categories: [String]
    public var cohenKappa: [PairKappa]
    public var annotatorAgreement: [AnnotatorAgreement]
}

public enum Agreement {
    /// The scores of a scores.csv (`ScoresFile.read`, its rules: a group given twice is an error)
    /// as [model: [prompt: value]], the value from `column` (scs, or another metric's column).
    /// A missing column or value keeps this command's wording (`badScores`, naming the line).
    public static func readScores(_ path: String, column: String = "scs") throws -> [String: [String: Double]] {
        do {
            guard let metric = Metric(rawValue: column) else { throw ScoresFileError(path: path, line: 1, .missingColumn(column)) }
            var scores: [String: [String: Double]] = [:]
            for (row, value) in try ScoresFile.read(path).values(of: metric) { scores[row.model, default: [:]][row.prompt] = value }
            return scores
        } catch let e as ScoresFileError {
            switch e.problem {
            case .missingColumn: throw AnnotateError.badScores(path: path, line: 1, reason: "needs columns model, prompt and \(column)")
            case .notANumber, .emptyCell: throw AnnotateError.badScores(path: path, line: e.line ?? 0, reason: "missing or non-numeric \(column)")
            default: throw e
            }
        }
    }

    /// The whole analysis. `minAnswers`: decisive (non-"can't tell") answers a prompt needs
    /// before its majority counts.
    /// `higherIsConsistent`: false for measures where the lower value marks the more consistent
    /// set (the Vendi Score, the DreamSim distance); `higherScore` is then the model that measure
    /// calls more consistent.
    public static func analyse(
        study: Study, scores: [String: [String: Double]], minAnswers: Int = 1,
        higherIsConsistent: Bool = true
    ) throws -> AgreementReport {
        let config = try study.config()
        return analyse(
            answers: try study.answers(), prompts: try study.prompts().map(\.text), config: config,
            annotators: try study.annotators().map(\.name), scores: scores, minAnswers: minAnswers,
            higherIsConsistent: higherIsConsistent)
    }

    public static func analyse(
        answers: [AnswerRecord], prompts: [String], config: StudyConfig, annotators: [String],
        scores: [String: [String: Double]], minAnswers: Int = 1, higherIsConsistent: Bool = true
    ) -> AgreementReport {
        let a = config.modelA, b = config.modelB
        let byPrompt = Dictionary(grouping: answers, by: \.prompt)
        var results: [AgreementReport.PromptResult] = []
        var majority: [String: String] = [:]
        for prompt in prompts {
            let given = byPrompt[prompt] ?? []
            let va = given.filter { $0.chosenModel == a }.count, vb = given.filter { $0.chosenModel == b }.count
            let status = va + vb < max(minAnswers, 1) ? "too_few_answers" : va == vb ? "tie" : "decided"
            let human: String? = status == "decided" ? (va > vb ? a : b) : nil
            if let human { majority[prompt] = human }
            let sa = scores[a]?[prompt], sb = scores[b]?[prompt]
            let higher = Measure.pick(sa, sb, a, b, higherIsConsistent: higherIsConsistent)
            let agrees: Bool? = human != nil && higher != nil ? human == higher : nil
            results.append(
                .init(
                    prompt: prompt, votesA: va, votesB: vb, cantTell: given.count - va - vb, status: status,
                    humanMajority: human, scoreA: sa, scoreB: sb, higherScore: higher, agrees: agrees))
        }
        let compared = results.compactMap(\.agrees)
        let k = compared.filter { $0 }.count, n = compared.count
        let ci = AgreementStatistics.wilson(successes: k, trials: n)
        let rate = AgreementReport.Rate(
            agree: k, prompts: n, rate: n > 0 ? Double(k) / Double(n) : nil,
            ciLow: ci?.low, ciHigh: ci?.high,
            pValue: AgreementStatistics.binomialTwoSided(successes: k, trials: n))

        // Inter-annotator agreement, over the categories a rater could pick.
        let categories = config.allowCantTell ? [a, b, Choice.cantTell.rawValue] : [a, b]
        func label(_ r: AnswerRecord) -> String { r.chosenModel ?? Choice.cantTell.rawValue }
        let counts = prompts.map { prompt in
            categories.map { c in (byPrompt[prompt] ?? []).filter { label($0) == c }.count }
        }
        let fleissRows = counts.filter { $0.reduce(0, +) >= 2 }
        var pairs: [AgreementReport.PairKappa] = []
        var labelsBy: [String: [String: String]] = [:]
        for r in answers { labelsBy[r.annotator, default: [:]][r.prompt] = label(r) }
        for (i, x) in annotators.enumerated() {
            for y in annotators[(i + 1)...] {
                let lx = labelsBy[x] ?? [:], ly = labelsBy[y] ?? [:]
                let shared = prompts.filter { lx[$0] != nil && ly[$0] != nil }
                pairs.append(
                    .init(
                        a: x, b: y, prompts: shared.count,
                        kappa: AgreementStatistics.cohenKappa(shared.map { lx[$0]! }, shared.map { ly[$0]! })))
            }
        }
        let perAnnotator = annotators.map { name -> AgreementReport.AnnotatorAgreement in
            let mine = answers.filter { $0.annotator == name }
            let decisive = mine.filter { $0.chosenModel != nil && majority[$0.prompt] != nil }
            let agree = decisive.filter { $0.chosenModel == majority[$0.prompt] }.count
            return .init(
                annotator: name, answers: mine.count, compared: decisive.count, agree: agree,
                rate: decisive.isEmpty ? nil : Double(agree) / Double(decisive.count))
        }
        return AgreementReport(
            modelA: a, modelB: b, minAnswers: minAnswers, annotators: annotators.count, answers: answers.count,
            prompts: results, agreement: rate,
            ties: results.filter { $0.status == "tie" }.map(\.prompt),
            tooFewAnswers: results.filter { $0.status == "too_few_answers" }.map(\.prompt),
            missingScores: results.filter { $0.status == "decided" && ($0.scoreA == nil || $0.scoreB == nil) }.map(\.prompt),
            scoreTies: results.filter { $0.status == "decided" && $0.scoreA != nil && $0.scoreA == $0.scoreB }.map(\.prompt),
            fleissKappa: AgreementStatistics.fleissKappa(fleissRows), fleissPrompts: fleissRows.count,
            categories: categories, cohenKappa: pairs, annotatorAgreement: perAnnotator)
    }

    /// The report as the command prints it: a line per prompt, then the summary.
    public static func text(_ r: AgreementReport) -> String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
        func num(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
        func list(_ xs: [String]) -> String {
            xs.isEmpty ? "" : ": " + xs.prefix(10).map { "\"\($0)\"" }.joined(separator: ", ") + (xs.count > 10 ? ", ..." : "")
        }
        func cell(_ text: String, _ width: Int) -> String {
            let cut = text.count > width ? String(text.prefix(width - 1)) + "…" : text
            return cut + String(repeating: " ", count: max(0, width - cut.count))
        }
        var lines: [String] = []
        let promptWidth = min(48, max(6, r.prompts.map(\.prompt.count).max() ?? 6))
        let modelWidth = max(12, r.modelA.count, r.modelB.count) + 2
        let votesHeader = "votes \(r.modelA):\(r.modelB)\(r.categories.count > 2 ? ":?" : "")"
        let votesWidth = max(12, votesHeader.count + 2)
        lines.append(
            cell("prompt", promptWidth) + "  " + cell(votesHeader, votesWidth)
                + cell("majority", modelWidth) + cell("higher score", modelWidth) + "agrees")
        for p in r.prompts {
            let votes = "\(p.votesA):\(p.votesB)" + (r.categories.count > 2 ? ":\(p.cantTell)" : "")
            let majority = p.humanMajority ?? (p.status == "tie" ? "(tie)" : "(too few)")
            let higher = p.higherScore ?? (p.scoreA == nil || p.scoreB == nil ? "(no score)" : "(equal)")
            let agrees = p.agrees.map { $0 ? "yes" : "no" } ?? "–"
            lines.append(
                cell(p.prompt, promptWidth) + "  " + cell(votes, votesWidth) + cell(majority, modelWidth) + cell(higher, modelWidth) + agrees)
        }
        lines.append("")
        lines.append("study: \(r.modelA) vs \(r.modelB), \(r.prompts.count) prompts, \(r.annotators) annotators, \(r.answers) answers")
        let g = r.agreement
        if let rate = g.rate {
            lines.append(
                "human majority agrees with the higher score on \(g.agree) of \(g.prompts) prompts: \(pct(rate)) "
                    + "(95% CI \(pct(g.ciLow))–\(pct(g.ciHigh)), Wilson; exact binomial p = \(String(format: "%.3g", g.pValue ?? 1)) vs chance 0.5)")
        } else {
            lines.append("human majority vs higher score: no prompt with both a decided majority and two different scores")
        }
        lines.append("left out of the rate: \(r.ties.count) tied votes\(list(r.ties))")
        lines.append("  \(r.tooFewAnswers.count) with fewer than \(r.minAnswers) decisive answers\(list(r.tooFewAnswers))")
        if !r.missingScores.isEmpty { lines.append("  \(r.missingScores.count) without a score for both models\(list(r.missingScores))") }
        if !r.scoreTies.isEmpty { lines.append("  \(r.scoreTies.count) with equal scores\(list(r.scoreTies))") }
        lines.append(
            "Fleiss' kappa: \(num(r.fleissKappa)) (\(r.fleissPrompts) prompts with 2+ answers; categories \(r.categories.joined(separator: ", ")))")
        if !r.cohenKappa.isEmpty {
            lines.append("Cohen's kappa per annotator pair:")
            for p in r.cohenKappa { lines.append("  \(p.a) – \(p.b): \(num(p.kappa)) (\(p.prompts) prompts in common)") }
        }
        lines.append("agreement with the majority, per annotator:")
        for a in r.annotatorAgreement {
            lines.append("  \(a.annotator): \(a.agree) of \(a.compared) = \(pct(a.rate)) (\(a.answers) answers)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
