import Foundation
import SCSScoring
import SCSStats

/// Two models compared category by category (`scs compare --by category`): within each category
/// the paired comparison by prompt that `ScoreComparison` runs for the whole file (SciPy's tests,
/// effect sizes, bootstrap intervals), then Holm's step-down adjustment of the Wilcoxon and
/// paired-t p-values across the categories compared, since looking at twelve categories gives
/// twelve chances of a false positive. A category is judged on its Holm-adjusted Wilcoxon
/// p-value; one with fewer paired prompts than `minimumPrompts` is listed as too small, not
/// compared, and stays out of the adjustment's family.
public struct CategoryComparison: Sendable {
    /// One category's line of the table.
    public struct Entry: Sendable {
        public let category: String
        /// Prompts of this category that both sides scored.
        public let nPrompts: Int
        /// The comparison; nil when the category has too few prompts.
        public let comparison: PairedComparison?
        /// Holm-adjusted Wilcoxon and paired-t p-values (nil: not compared or not computable).
        public let wilcoxonHolm: Double?
        public let ttestHolm: Double?
        public let verdict: String
        /// Whether the Holm-adjusted Wilcoxon p-value is below 0.05 (the verdict names a side).
        public let significant: Bool

        public var meanA: Double? { comparison?.descriptivesA.mean }
        public var meanB: Double? { comparison?.descriptivesB.mean }
        public var meanDifference: Double? { comparison?.effect.meanDifference }
        public var wilcoxonP: Double? { comparison?[test: "wilcoxon"]?.pvalue }
    }

    /// The default smallest category compared. Below it a comparison is noise: with five pairs the
    /// exact two-sided Wilcoxon test cannot go below p = 2/2⁵ = 0.0625 (with six, 0.03125).
    public static let defaultMinimumPrompts = 5

    public let sides: ScoreComparison.PairedSides
    public let metric: Metric
    public let minimumPrompts: Int
    /// Categories in order of first appearance in A's rows.
    public let entries: [Entry]
    /// Paired prompts without a category (their rows' cell is empty), not in any entry.
    public let uncategorised: [String]

    /// Compares `a` and `b` in `paths` (scores.csv files with a `category` column), paired by
    /// prompt. A prompt takes its category from A's row, else B's. Files without categories are
    /// an error naming the file: there is nothing to break down.
    public static func compare(
        paths: [String], a: String, b: String, metric: Metric = .scs, labelA: String? = nil, labelB: String? = nil,
        minimumPrompts: Int = defaultMinimumPrompts, resamples: Int = 9999, seed: UInt64 = 0
    ) throws -> CategoryComparison {
        var categories: [GroupKey: String] = [:]
        var any = false
        for path in paths {
            let file = try ScoresFile.read(path)
            if file.columns.contains(ScoresFile.categoryColumn) { any = true }
            for row in file.rows { if let c = row.category { categories[row.group] = c } }
        }
        guard any else {
            throw ComparisonError(
                "\(paths.joined(separator: ", ")): no category column, so no breakdown by category "
                    + "(scores of images made from a prompt suite, or a manifest with a category field, have one)")
        }
        let table = try CompareInput.scores(at: paths, metric: metric)
        let sides = try ScoreComparison.pair(table, a: a, b: b, labelA: labelA, labelB: labelB)
        var order: [String] = [], pairsOf: [String: [PromptPair]] = [:], uncategorised: [String] = []
        for pair in sides.pairing.pairs {
            guard
                let c = categories[GroupKey(model: a, prompt: pair.promptA)] ?? categories[GroupKey(model: b, prompt: pair.promptB)]
            else {
                uncategorised.append(pair.promptA)
                continue
            }
            if pairsOf[c] == nil { order.append(c) }
            pairsOf[c, default: []].append(pair)
        }
        let reading = ScoreComparison.reading(of: metric)
        let compared: [PairedComparison?] = order.map { c in
            let pairs = pairsOf[c]!
            guard pairs.count >= max(minimumPrompts, 1) else { return nil }
            var comparison = PairedComparison(
                a: sides.nameA, b: sides.nameB, x: pairs.map(\.scoreA), y: pairs.map(\.scoreB), resamples: resamples, seed: seed)
            comparison.reading = reading
            return comparison
        }
        let wilcoxonHolm = Holm.adjust(compared.map { $0?[test: "wilcoxon"]?.pvalue })
        let ttestHolm = Holm.adjust(compared.map { $0?[test: "ttest_rel"]?.pvalue })
        let entries = order.indices.map { i in
            let judged = verdict(compared[i], n: pairsOf[order[i]]!.count, adjusted: wilcoxonHolm[i], minimum: minimumPrompts)
            return Entry(
                category: order[i], nPrompts: pairsOf[order[i]]!.count, comparison: compared[i], wilcoxonHolm: wilcoxonHolm[i],
                ttestHolm: ttestHolm[i], verdict: judged.text, significant: judged.significant)
        }
        return CategoryComparison(
            sides: sides, metric: metric, minimumPrompts: minimumPrompts, entries: entries, uncategorised: uncategorised)
    }

    /// A category's verdict: as the whole comparison's, but judged on the Holm-adjusted p-value.
    static func verdict(_ c: PairedComparison?, n: Int, adjusted: Double?, minimum: Int) -> (text: String, significant: Bool) {
        guard let c else { return ("too few prompts (\(n), fewer than \(minimum)): not compared", false) }
        guard let p = c[test: "wilcoxon"]?.pvalue, let adjusted else {
            return ("cannot be compared: " + (c[test: "wilcoxon"]?.notComputable ?? "no Wilcoxon test"), false)
        }
        let evidence =
            "\(Format.signed(c.effect.meanDifference)) \(c.reading.unit), Wilcoxon p = \(Format.pvalue(p)), Holm \(Format.pvalue(adjusted))"
        let direction = (c.effect.rankBiserial ?? 0) * (c.reading.higherIsBetter ? 1 : -1)
        if adjusted < 0.05 && direction != 0 {
            let (more, less) = direction > 0 ? (c.a, c.b) : (c.b, c.a)
            return ("\(more) is more \(c.reading.quality) than \(less): \(evidence)", true)
        }
        return ("no significant difference: \(evidence)", false)
    }

    /// One line over all categories.
    public var summary: String {
        let compared = entries.filter { $0.comparison != nil }
        let significant = entries.filter(\.significant)
        let small = entries.count - compared.count
        return "\(entries.count) categories, \(compared.count) compared (Holm across them), \(significant.count) with a significant difference"
            + (small > 0 ? "; \(small) with too few prompts" : "")
    }

    /// The `--json` document: the sides, the settings, and per category its numbers, adjusted
    /// p-values, verdict and the full paired comparison.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("by", .string("category")), ("a", .string(sides.nameA)), ("b", .string(sides.nameB)),
            ("model_a", .string(sides.modelA)), ("model_b", .string(sides.modelB)), ("metric", .string(metric.rawValue)),
            ("n_pairs", .integer(sides.pairing.pairs.count)), ("minimum_prompts", .integer(minimumPrompts)),
            ("correction", .string("holm"))
        ]
        fields.append(
            (
                "categories",
                .array(
                    entries.map { e in
                        var o: [(String, JSONValue)] = [("category", .string(e.category)), ("n_prompts", .integer(e.nPrompts))]
                        if let c = e.comparison {
                            o += [
                                ("mean_a", .double(e.meanA)), ("mean_b", .double(e.meanB)), ("mean_difference", .double(e.meanDifference)),
                                ("pvalue", .double(e.wilcoxonP)), ("pvalue_holm", .double(e.wilcoxonHolm)),
                                ("ttest_rel_pvalue", .double(c[test: "ttest_rel"]?.pvalue)), ("ttest_rel_pvalue_holm", .double(e.ttestHolm))
                            ]
                        } else {
                            o.append(("too_few_prompts", .bool(true)))
                        }
                        o += [("verdict", .string(e.verdict)), ("significant", .bool(e.significant))]
                        if let c = e.comparison { o.append(("comparison", c.json())) }
                        return .object(o)
                    })
            ))
        fields.append(("uncategorised", .array(uncategorised.map { .string($0) })))
        fields.append(("verdict", .string(summary)))
        return .object(fields)
    }
}
