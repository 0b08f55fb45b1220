import Foundation
import SCSStats

/// The readable report of `scs compare` on stdout; the last line is the verdict.
enum CompareReport {
    /// What did not pair: prompts on one side only, list lines that do not line up.
    static func pairing(_ p: Pairing, a: String, b: String, jsonPath: String?) {
        switch p.mode {
        case .prompt:
            say("\(a) vs \(b): \(p.pairs.count) prompt" + (p.pairs.count == 1 ? "" : "s") + " paired by identical prompt")
            list("only in \(a)", p.onlyA, jsonPath)
            list("only in \(b)", p.onlyB, jsonPath)
        case .lists:
            let change = p.substitution.map { $0.a.isEmpty && $0.b.isEmpty ? "identical prompts" : "\"\($0.a)\" → \"\($0.b)\"" } ?? "-"
            say("\(a) vs \(b): \(p.pairs.count) pairs from the lists, line by line (lines differ by \(change))")
            if !p.issues.isEmpty {
                let left = p.issues.filter { !$0.included }.count
                say("\(p.issues.count) lines do not pair cleanly (\(left) left out):\n" + p.issues.map { "  \($0.message)" }.joined(separator: "\n"))
            }
        }
        if p.normalizedMatches > 0 {
            say("\(p.normalizedMatches) prompts matched only after replacing characters folder names cannot hold (' / : …) by _")
        }
        say("")
    }

    /// Prompts on one side only: all of them up to 20, else the first 10 and where the rest are.
    private static func list(_ title: String, _ prompts: [String], _ jsonPath: String?) {
        guard !prompts.isEmpty else { return }
        say("\(title) (\(prompts.count), not compared):")
        let shown = prompts.count <= 20 ? prompts : Array(prompts.prefix(10))
        for prompt in shown { say("  \(prompt)") }
        if shown.count < prompts.count {
            say("  … and \(prompts.count - shown.count) more (" + (jsonPath.map { "all in \($0)" } ?? "--json FILE lists all") + ")")
        }
    }

    static func two(_ c: PairedComparison) {
        let width = max(12, c.a.count, c.b.count, 7)
        func pad(_ s: String) -> String { s.padding(toLength: width, withPad: " ", startingAt: 0) }
        say(pad("") + "      n     mean   median   sd(1)      min       q1       q3      max")
        for (name, d) in [(c.a, c.descriptivesA), (c.b, c.descriptivesB), ("A − B", c.descriptivesDifference)] {
            say(
                pad(name) + String(format: " %6d %8.2f %8.2f ", d.n, d.mean, d.median)
                    + right(d.sd.map { String(format: "%.2f", $0) } ?? "-", 7)
                    + String(format: " %8.2f %8.2f %8.2f %8.2f", d.min, d.q1, d.q3, d.max))
        }
        say("")
        let labels = [
            "ks_2samp": "ks_2samp", "wilcoxon": "wilcoxon (paired)", "ttest_rel": "ttest_rel",
            "ttest_ind": "ttest_ind (Welch)", "mannwhitneyu": "mannwhitneyu",
            "shapiro_a": "shapiro \(c.a)", "shapiro_b": "shapiro \(c.b)",
            "kstest_norm_a": "kstest norm \(c.a) *", "kstest_norm_b": "kstest norm \(c.b) *"
        ]
        let labelWidth = max(26, labels.values.map(\.count).max() ?? 0)
        say("test (SciPy)".padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "    statistic          p")
        for (key, r) in c.tests { say(row(labels[key] ?? key, r, width: labelWidth)) }
        say("  * against a normal with the sample's own mean and sd (ddof 1): conservative p")
        say("")
        let e = c.effect
        say("mean difference A − B   \(Format.signed(e.meanDifference)) \(c.reading.unit) (median \(Format.signed(e.medianDifference)))")
        say("  95% CI, BCa           \(interval(e.bcaCI))")
        say("  95% CI, percentile    \(interval(e.percentileCI))   (\(e.resamples) bootstrap resamples, seed \(e.seed))")
        say("Cohen's dz              \(e.cohensDz.map { Format.fixed($0, 3) } ?? "not computable (too few pairs or zero sd)")")
        say("rank-biserial r         \(e.rankBiserial.map { Format.fixed($0, 3) } ?? "not computable (all differences zero)")")
        say("win rate of A           \(Format.fixed(e.winRate, 3)) (\(e.wins) higher, \(e.losses) lower, \(e.ties) tied)")
        say("")
        say(c.verdict)
    }

    static func many(_ m: MultiComparison) {
        let width = max(12, m.models.map(\.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s.padding(toLength: w, withPad: " ", startingAt: 0) }
        say("\(m.models.count) models; \(m.sharedPrompts.count) prompts scored by all")
        say(pad("model", width) + " prompts     mean   median   sd(1)  mean rank")
        for (model, d) in m.descriptives {
            say(
                pad(model, width) + String(format: " %7d %8.2f %8.2f ", d.n, d.mean, d.median)
                    + right(d.sd.map { String(format: "%.2f", $0) } ?? "-", 7)
                    + right(m.meanRanks[model].map { String(format: "%.2f", $0) } ?? "-", 11))
        }
        say("")
        say(row("friedmanchisquare", m.friedman))
        say("")
        let pairWidth = max(20, 2 * width + 3)
        say(pad("pair (A − B)", pairWidth) + "     n   mean diff  95% CI             wilcoxon p    Holm   ttest_rel p    Holm  ks_2samp p    Holm")
        for entry in m.entries {
            let name = pad("\(entry.a) − \(entry.b)", pairWidth)
            guard let c = entry.comparison else { say(name + "     0   (no prompt scored by both)"); continue }
            let ci = c.effect.preferredCI.map { "[\(Format.fixed($0.low)), \(Format.fixed($0.high))]" } ?? "-"
            var line =
                name + String(format: " %5d", c.nPairs) + right(Format.signed(c.effect.meanDifference), 12) + "  "
                + ci.padding(toLength: 17, withPad: " ", startingAt: 0)
            for key in ["wilcoxon", "ttest_rel", "ks_2samp"] {
                let r = c[test: key]
                line += " " + right(r?.pvalue.map(Format.pvalue) ?? "n/a", 12) + " " + right(r?.extra["pvalue_holm"].map(Format.pvalue) ?? "n/a", 7)
            }
            say(line)
        }
        say("(every test, effect size and the pairing of each pair: --json)")
        say("")
        say(m.verdict)
    }

    /// `text` right-aligned in `width` columns.
    private static func right(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func row(_ label: String, _ r: TestResult, width: Int = 26) -> String {
        let name = label.padding(toLength: width, withPad: " ", startingAt: 0)
        guard let s = r.statistic, let p = r.pvalue else { return name + "  not computable: \(r.notComputable ?? "")" }
        var text = name + String(format: " %12.6g", s) + " " + right(Format.pvalue(p), 10)
        var details: [String] = []
        if let m = r.method { details.append(m) }
        if let df = r.extra["df"] { details.append("df " + String(format: "%.4g", df)) }
        if let note = r.note, !note.hasPrefix("against") { details.append(note) }
        if !details.isEmpty { text += "  " + details.joined(separator: ", ") }
        return text
    }

    private static func interval(_ ci: Bootstrap.Interval) -> String {
        if let l = ci.low, let h = ci.high { return "[\(Format.fixed(l, 2)), \(Format.fixed(h, 2))]" }
        return "not computable: \(ci.notComputable ?? "")"
    }
}
