import Foundation

/// Three or more models: every pair compared on the prompts both scored, p-values adjusted with
/// Holm's method across the pairs (separately for each test), and the Friedman test over the
/// prompts that all models scored.
public struct MultiComparison: Sendable {
    public struct Entry: Sendable {
        public let a: String
        public let b: String
        public let pairing: Pairing
        /// nil when the two models share no prompt.
        public var comparison: PairedComparison?
    }

    /// The models, in the order given.
    public let models: [String]
    /// Each model's scores over all its prompts.
    public let descriptives: [(model: String, values: Descriptives)]
    public private(set) var entries: [Entry]
    /// `friedmanchisquare` over the prompts all models scored.
    public let friedman: TestResult
    /// The prompts every model scored (exact prompt text), in the first model's order.
    public let sharedPrompts: [String]
    /// Mean Friedman rank of each model over the shared prompts (higher: higher scores).
    public let meanRanks: [String: Double]
    /// What the scores measure, for the verdicts (set on every pair's comparison too).
    public let reading: ScoreReading

    /// The tests whose p-values get Holm's adjustment.
    public static let adjustedTests = ["ks_2samp", "wilcoxon", "ttest_rel", "ttest_ind", "mannwhitneyu"]

    public init(table: ScoreTable, models: [String], resamples: Int = 9999, seed: UInt64 = 0, reading: ScoreReading = .scs) {
        self.models = models
        self.reading = reading
        descriptives = models.compactMap { m in Descriptives(table.values(of: m)).map { (m, $0) } }
        var entries: [Entry] = []
        for i in 0..<models.count {
            for j in (i + 1)..<models.count {
                let pairing = Pairing.byPrompt(table, a: models[i], b: models[j])
                var comparison =
                    pairing.pairs.isEmpty
                    ? nil
                    : PairedComparison(
                        a: models[i], b: models[j], x: pairing.pairs.map(\.scoreA),
                        y: pairing.pairs.map(\.scoreB), resamples: resamples, seed: seed)
                comparison?.reading = reading
                entries.append(Entry(a: models[i], b: models[j], pairing: pairing, comparison: comparison))
            }
        }
        for test in MultiComparison.adjustedTests {
            let adjusted = Holm.adjust(entries.map { $0.comparison?[test: test]?.pvalue })
            for k in entries.indices {
                if let p = adjusted[k] { entries[k].comparison?.setHolm([test: p]) }
            }
        }
        self.entries = entries
        let first = models.first.map { table.prompts(of: $0) } ?? []
        sharedPrompts = first.filter { p in models.allSatisfy { table.score($0, p) != nil } }
        let blocks = sharedPrompts.map { p in models.map { table.score($0, p)! } }
        friedman = Friedman.test(blocks)
        var ranks: [String: Double] = [:]
        if !blocks.isEmpty {
            var sums = [Double](repeating: 0, count: models.count)
            for block in blocks { for (j, r) in Ranks(block).ranks.enumerated() { sums[j] += r } }
            for (j, m) in models.enumerated() { ranks[m] = sums[j] / Double(blocks.count) }
        }
        meanRanks = ranks
    }

    /// Pairs whose Holm-adjusted Wilcoxon p is below 0.05, as "X > Y" (X better by `reading`).
    public var significantPairs: [String] {
        entries.compactMap { e in
            guard let c = e.comparison, let w = c[test: "wilcoxon"], let p = w.extra["pvalue_holm"], p < 0.05,
                let r = c.effect.rankBiserial, r != 0
            else { return nil }
            return (r > 0) == reading.higherIsBetter ? "\(e.a) > \(e.b)" : "\(e.b) > \(e.a)"
        }
    }

    /// The one-line conclusion: the Friedman test decides whether the models differ at 5%;
    /// then the best mean rank and the pairs that differ after Holm's adjustment.
    public var verdict: String {
        let k = models.count, n = sharedPrompts.count
        guard let p = friedman.pvalue else {
            return "the \(k) models cannot be ranked together: Friedman test not computable (\(friedman.notComputable ?? "")), \(n) shared prompts"
        }
        let pairs = significantPairs
        let pairText = pairs.isEmpty ? "no pair differs after Holm" : "after Holm (Wilcoxon): " + pairs.joined(separator: ", ")
        let better = { (x: String, y: String) in ((meanRanks[x] ?? 0) < (meanRanks[y] ?? 0)) == self.reading.higherIsBetter }
        if p < 0.05, let best = models.max(by: better) {
            return "\(best) is the most \(reading.quality) of \(k) models (mean rank \(Format.fixed(meanRanks[best] ?? 0, 2)) of \(k)), "
                + "Friedman p = \(Format.pvalue(p)), \(n) shared prompts; \(pairText)"
        }
        return
            "no significant difference in \(reading.noun) among the \(k) models: Friedman p = \(Format.pvalue(p)), \(n) shared prompts; \(pairText)"
    }

    /// The `--json` document for more than two models.
    public var json: JSONValue {
        .object([
            ("models", .array(models.map { .string($0) })),
            ("descriptives", .object(descriptives.map { ($0.model, $0.values.json) })),
            ("n_shared_prompts", .integer(sharedPrompts.count)),
            ("friedmanchisquare", friedman.json),
            ("mean_ranks", .object(models.map { ($0, .double(meanRanks[$0])) })),
            (
                "holm",
                .string(
                    "Holm's step-down adjustment over the \(entries.count) pairs, separately for each of \(MultiComparison.adjustedTests.joined(separator: ", ")); given as pvalue_holm"
                )
            ),
            (
                "comparisons",
                .array(
                    entries.map { e in
                        e.comparison?.json(pairing: e.pairing.json)
                            ?? .object([
                                ("a", .string(e.a)), ("b", .string(e.b)), ("n_pairs", .integer(0)),
                                ("pairing", e.pairing.json), ("not_computable", .string("no prompt is scored for both"))
                            ])
                    })
            ),
            ("verdict", .string(verdict))
        ])
    }
}
