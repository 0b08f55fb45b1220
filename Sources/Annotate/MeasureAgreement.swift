import Foundation
import SCSScoring
import SCSStats

/// One measure to hold against the human majority: a column of a scores file. `higherIsConsistent`
/// says which way it points: SCS and CLIPScore higher for the set people should call more
/// consistent; the Vendi Score (distinct images) and the DreamSim distance lower.
public struct Measure: Sendable, Equatable {
    public var name: String
    public var path: String
    public var column: String
    public var higherIsConsistent: Bool
    /// [model: [prompt: value]].
    public var scores: [String: [String: Double]]

    /// `PATH` (its `scs` column) or `PATH:COLUMN` with COLUMN a metric scs writes. A suffix after
    /// the last ":" that is no metric's name, on a path that does not exist, is an error naming both.
    public static func read(_ spec: String) throws -> Measure {
        var path = spec, column = "scs"
        if let colon = spec.lastIndex(of: ":") {
            let suffix = String(spec[spec.index(after: colon)...])
            if let metric = Metric(rawValue: suffix) {
                path = String(spec[..<colon])
                column = metric.rawValue
            } else if !FileManager.default.fileExists(atPath: spec) {
                throw AnnotateError.badScores(
                    path: String(spec[..<colon]), line: 0,
                    reason: "no metric \"\(suffix)\": after the \":\" give one of " + Metric.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }
        let direction = Metric(rawValue: column)?.higherIsConsistent ?? true
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + (column == "scs" ? "" : ":" + column)
        return Measure(
            name: name, path: path, column: column, higherIsConsistent: direction,
            scores: try Agreement.readScores(path, column: column))
    }

    /// The model this measure calls more consistent on `prompt`; nil without both scores or on a tie.
    func pick(_ prompt: String, _ a: String, _ b: String) -> String? {
        Self.pick(scores[a]?[prompt], scores[b]?[prompt], a, b, higherIsConsistent: higherIsConsistent)
    }

    /// Of two models scored `sa` and `sb`, the one the scores call more consistent; nil without
    /// both scores or on a tie.
    static func pick(_ sa: Double?, _ sb: Double?, _ a: String, _ b: String, higherIsConsistent: Bool) -> String? {
        guard let sa, let sb, sa != sb else { return nil }
        return (sa > sb) == higherIsConsistent ? a : b
    }
}

/// `scs annotate agreement` with several measures: which agrees best with people, and is the
/// difference real? Each measure's rate is over the decided prompts it makes a pick on (both
/// scores present and unequal); each pair is tested on the prompts both pick on.
public struct MeasureRanking: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public var measure: String
        public var file: String
        public var column: String
        public var higherIsConsistent: Bool
        public var agree: Int
        public var prompts: Int
        public var rate: Double?
        /// Wilson 95% interval, as scipy.stats.binomtest(k, n).proportion_ci(method="wilson").
        public var ciLow: Double?
        public var ciHigh: Double?
    }

    /// Two measures on the prompts both decide (with a decided human majority).
    public struct Pair: Encodable, Sendable {
        public var a: String
        public var b: String
        public var prompts: Int
        public var bothRight: Int
        public var onlyARight: Int
        public var onlyBRight: Int
        public var bothWrong: Int
        /// Agreement of a minus agreement of b on these prompts.
        public var difference: Double?
        /// Exact McNemar test: scipy.stats.binomtest(onlyARight, onlyARight + onlyBRight, 0.5), two-sided.
        public var mcnemarP: Double?
        /// Paired bootstrap over these prompts (percentile, 95%).
        public var ciLow: Double?
        public var ciHigh: Double?
    }

    public var modelA: String
    public var modelB: String
    public var decidedPrompts: Int
    public var resamples: Int
    public var seed: UInt64
    /// Best first.
    public var ranking: [Entry]
    public var pairs: [Pair]

    /// Ranks `measures` by agreement with the human majority on `study`'s decided prompts.
    public static func analyse(
        study: Study, measures: [Measure], minAnswers: Int = 1, resamples: Int = 9999,
        seed: UInt64 = 0
    ) throws -> MeasureRanking {
        let config = try study.config()
        let base = Agreement.analyse(
            answers: try study.answers(), prompts: try study.prompts().map(\.text), config: config,
            annotators: try study.annotators().map(\.name), scores: [:], minAnswers: minAnswers)
        var majority: [String: String] = [:]
        for p in base.prompts { if let h = p.humanMajority { majority[p.prompt] = h } }
        return analyse(
            majority: majority, promptOrder: base.prompts.map(\.prompt), modelA: config.modelA, modelB: config.modelB,
            measures: measures, resamples: resamples, seed: seed)
    }

    /// The same from the human majority per prompt.
    public static func analyse(
        majority: [String: String], promptOrder: [String], modelA a: String, modelB b: String,
        measures: [Measure], resamples: Int, seed: UInt64
    ) -> MeasureRanking {
        let decided = promptOrder.filter { majority[$0] != nil }
        // right[m][prompt]: does measure m pick the human majority's model? (absent: no pick)
        let right: [[String: Bool]] = measures.map { m in
            var r: [String: Bool] = [:]
            for p in decided { if let pick = m.pick(p, a, b) { r[p] = pick == majority[p] } }
            return r
        }
        var entries = measures.enumerated().map { i, m -> Entry in
            let k = right[i].values.filter { $0 }.count, n = right[i].count
            let ci = AgreementStatistics.wilson(successes: k, trials: n)
            return Entry(
                measure: m.name, file: m.path, column: m.column, higherIsConsistent: m.higherIsConsistent, agree: k, prompts: n,
                rate: n > 0 ? Double(k) / Double(n) : nil, ciLow: ci?.low, ciHigh: ci?.high)
        }
        // Best rate first; on equal rates, the one decided on more prompts.
        entries.sort { ($0.rate ?? -1, $0.prompts) > ($1.rate ?? -1, $1.prompts) }
        var pairs: [Pair] = []
        for i in measures.indices {
            for j in measures.indices where j > i {
                let shared = decided.filter { right[i][$0] != nil && right[j][$0] != nil }
                let x = shared.map { right[i][$0]! }, y = shared.map { right[j][$0]! }
                let onlyX = zip(x, y).filter { $0 && !$1 }.count, onlyY = zip(x, y).filter { !$0 && $1 }.count
                let both = zip(x, y).filter { $0 && $1 }.count
                let interval = pairedBootstrap(x, y, resamples: resamples, seed: seed)
                pairs.append(
                    Pair(
                        a: measures[i].name, b: measures[j].name, prompts: shared.count, bothRight: both,
                        onlyARight: onlyX, onlyBRight: onlyY, bothWrong: shared.count - both - onlyX - onlyY,
                        difference: shared.isEmpty ? nil : Double(onlyX - onlyY) / Double(shared.count),
                        mcnemarP: onlyX + onlyY == 0
                            ? (shared.isEmpty ? nil : 1) : AgreementStatistics.binomialTwoSided(successes: onlyX, trials: onlyX + onlyY),
                        ciLow: interval?.low, ciHigh: interval?.high))
            }
        }
        return MeasureRanking(modelA: a, modelB: b, decidedPrompts: decided.count, resamples: resamples, seed: seed, ranking: entries, pairs: pairs)
    }

    /// The percentile 95% interval of the difference in agreement rate, the prompts resampled
    /// with replacement (both measures' answers on a prompt together): `Bootstrap`'s distribution
    /// of the mean of the per-prompt differences (1, 0 or −1).
    static func pairedBootstrap(_ x: [Bool], _ y: [Bool], resamples: Int, seed: UInt64) -> (low: Double, high: Double)? {
        guard !x.isEmpty, resamples > 0 else { return nil }
        let d = zip(x, y).map { Double(($0 ? 1 : 0) - ($1 ? 1 : 0)) }
        let interval = Bootstrap.percentileInterval(Bootstrap.distribution(d, resamples: resamples, seed: seed))
        guard let low = interval.low, let high = interval.high else { return nil }
        return (low, high)
    }

    /// The ranking as the command prints it.
    public var text: String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
        var lines = ["which measure agrees best with the human majority (\(modelA) vs \(modelB), \(decidedPrompts) decided prompts):"]
        for (i, e) in ranking.enumerated() {
            lines.append(
                "  \(i + 1). \(e.measure): \(e.agree) of \(e.prompts) = \(pct(e.rate)) (95% CI \(pct(e.ciLow))–\(pct(e.ciHigh)), Wilson)"
                    + (e.higherIsConsistent ? "" : " [lower = more consistent]")
                    + (e.prompts == 0 ? " — \(e.file) scores no decided prompt for both \(modelA) and \(modelB): are those its model names?" : ""))
        }
        if !pairs.isEmpty {
            lines.append("each pair on the prompts both decide (exact McNemar; paired bootstrap 95% CI of the difference, \(resamples) resamples):")
        }
        for p in pairs {
            let diff = p.difference.map { String(format: "%+.1f", $0 * 100) } ?? "n/a"
            let ci = p.ciLow.map { String(format: "[%+.1f, %+.1f]", $0 * 100, p.ciHigh! * 100) } ?? "n/a"
            lines.append(
                "  \(p.a) − \(p.b): \(diff) points on \(p.prompts) prompts, 95% CI \(ci); only \(p.a) right \(p.onlyARight), only \(p.b) right \(p.onlyBRight), "
                    + "McNemar p = \(p.mcnemarP.map { String(format: "%.3g", $0) } ?? "n/a")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
