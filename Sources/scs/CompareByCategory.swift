import ArgumentParser
import Foundation
import SCSReport
import SCSScoring
import SCSStats

/// What `scs compare --by` breaks the comparison down by.
enum CompareGrouping: String, ExpressibleByArgument, CaseIterable {
    /// The `category` column `scs score` writes for prompts of a suite.
    case category
}

/// `scs compare --by category`: the paired comparison of two models within each category, a
/// table on stdout (the last line the summary) and the JSON.
enum CompareByCategory {
    static func run(
        scores: [String], a: String, b: String, metric: Metric, labelA: String?, labelB: String?, minimumPrompts: Int,
        resamples: Int, seed: UInt64
    ) throws -> JSONValue {
        let result = try CategoryComparison.compare(
            paths: scores, a: a, b: b, metric: metric, labelA: labelA, labelB: labelB, minimumPrompts: minimumPrompts,
            resamples: resamples, seed: seed)
        print(result)
        return result.json
    }

    /// The table: one line per category, then what was left out and the summary.
    static func print(_ r: CategoryComparison) {
        let unit = r.metric.rawValue
        say("\(r.sides.nameA) vs \(r.sides.nameB) by category: \(r.sides.pairing.pairs.count) prompts paired by identical prompt")
        if !r.sides.pairing.onlyA.isEmpty || !r.sides.pairing.onlyB.isEmpty {
            let (onlyA, onlyB) = (r.sides.pairing.onlyA.count, r.sides.pairing.onlyB.count)
            say("(\(onlyA) prompt\(onlyA == 1 ? "" : "s") only in \(r.sides.nameA), \(onlyB) only in \(r.sides.nameB): not compared)")
        }
        say("")
        let width = max(8, r.entries.map(\.category.count).max() ?? 0)
        func pad(_ s: String) -> String { s.padding(toLength: width, withPad: " ", startingAt: 0) }
        func right(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        func number(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
        say(pad("category") + " prompts  mean A  mean B  A − B (\(unit))  wilcoxon p    Holm  verdict")
        for e in r.entries {
            say(
                pad(e.category) + right("\(e.nPrompts)", 8) + right(number(e.meanA), 8) + right(number(e.meanB), 8)
                    + right(e.meanDifference.map(Format.signed) ?? "-", 10 + unit.count) + right(e.wilcoxonP.map(Format.pvalue) ?? "-", 12)
                    + right(e.wilcoxonHolm.map(Format.pvalue) ?? "-", 8) + "  " + shortVerdict(e, r))
        }
        say("  A = \(r.sides.nameA), B = \(r.sides.nameB); Holm's step-down adjustment across the categories compared")
        if !r.uncategorised.isEmpty { say("\(r.uncategorised.count) paired prompts have no category and are in no row") }
        say("")
        say(r.summary)
    }

    /// The verdict's first clause, for the table ("A more consistent", "no significant difference").
    static func shortVerdict(_ e: CategoryComparison.Entry, _ r: CategoryComparison) -> String {
        guard let c = e.comparison else { return "too few prompts (fewer than \(r.minimumPrompts))" }
        guard e.wilcoxonHolm != nil else { return "not computable" }
        guard e.significant else { return "no significant difference" }
        let direction = (c.effect.rankBiserial ?? 0) * (c.reading.higherIsBetter ? 1 : -1)
        return "\(direction > 0 ? c.a : c.b) more \(c.reading.quality)"
    }
}
