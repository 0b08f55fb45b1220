import Foundation

/// How a compared column reads in the verdicts: its unit, the quality a better value shows, and
/// whether a higher value is the better one (the SCS: yes; the Vendi Score, which counts distinct
/// images, and the DreamSim distance: no).
public struct ScoreReading: Sendable, Equatable {
    public var unit: String
    /// "consistent" in "X is more consistent than Y".
    public var quality: String
    /// "consistency" in "no significant difference in consistency".
    public var noun: String
    public var higherIsBetter: Bool

    public init(unit: String, quality: String, noun: String, higherIsBetter: Bool) {
        (self.unit, self.quality, self.noun, self.higherIsBetter) = (unit, quality, noun, higherIsBetter)
    }

    public static let scs = ScoreReading(unit: "SCS", quality: "consistent", noun: "consistency", higherIsBetter: true)
}

/// Everything `scs compare` reports about two sides scored on the same (paired) prompts.
public struct PairedComparison: Sendable {
    /// Display names of the two sides.
    public let a: String
    public let b: String
    /// Scores of A and B, pair i being one prompt (or one line of the pairing lists).
    public let x: [Double]
    public let y: [Double]
    /// Descriptives of A's and B's paired scores.
    public let descriptivesA: Descriptives
    public let descriptivesB: Descriptives
    /// Descriptives of the differences a − b.
    public let descriptivesDifference: Descriptives
    /// The tests under their JSON names, in report order: ks_2samp, wilcoxon, ttest_rel,
    /// ttest_ind, mannwhitneyu, shapiro_a, shapiro_b, kstest_norm_a, kstest_norm_b.
    public private(set) var tests: [(key: String, result: TestResult)]
    /// Effect sizes of A − B.
    public let effect: EffectSizes
    /// What the scores measure, for the verdict.
    public var reading: ScoreReading = .scs

    /// The SciPy-named tests are run on the paired scores only, so that every test compares
    /// the same prompts (the independent-sample tests too).
    public init(a: String, b: String, x: [Double], y: [Double], resamples: Int = 9999, seed: UInt64 = 0) {
        precondition(x.count == y.count && !x.isEmpty, "a paired comparison needs at least one pair")
        self.a = a
        self.b = b
        self.x = x
        self.y = y
        descriptivesA = Descriptives(x)!
        descriptivesB = Descriptives(y)!
        descriptivesDifference = Descriptives(zip(x, y).map { $0 - $1 })!
        tests = [
            ("ks_2samp", KolmogorovSmirnov.twoSample(x, y)),
            ("wilcoxon", Wilcoxon.test(x, y)),
            ("ttest_rel", TTest.paired(x, y)),
            ("ttest_ind", TTest.welch(x, y)),
            ("mannwhitneyu", MannWhitney.test(x, y)),
            ("shapiro_a", ShapiroWilk.test(x)),
            ("shapiro_b", ShapiroWilk.test(y)),
            ("kstest_norm_a", KolmogorovSmirnov.normality(x)),
            ("kstest_norm_b", KolmogorovSmirnov.normality(y))
        ]
        effect = EffectSizes(a: x, b: y, resamples: resamples, seed: seed)
    }

    /// The number of pairs compared.
    public var nPairs: Int { x.count }

    /// The result stored under a JSON name such as "wilcoxon".
    public subscript(test key: String) -> TestResult? {
        tests.first { $0.key == key }?.result
    }

    /// Adds Holm-adjusted p-values (`pvalue_holm`) to the named tests.
    public mutating func setHolm(_ adjusted: [String: Double]) {
        tests = tests.map { key, result in
            (key, adjusted[key].map { result.with(extra: "pvalue_holm", $0) } ?? result)
        }
    }

    /// The one-line conclusion in plain words: which side is better by `reading` (more consistent:
    /// higher SCS, or lower Vendi Score),
    /// judged by the Wilcoxon signed-rank test at the 5% level (the paper's test), with the mean
    /// difference, its bootstrap interval, the p-value and the number of prompts.
    public var verdict: String {
        let n = "\(nPairs) prompt" + (nPairs == 1 ? "" : "s")
        guard let wilcoxon = self[test: "wilcoxon"], let p = wilcoxon.pvalue else {
            let reason = self[test: "wilcoxon"]?.notComputable ?? "no Wilcoxon test"
            return "\(a) and \(b) cannot be compared: \(reason), \(n)"
        }
        let difference = Format.signed(effect.meanDifference) + " " + reading.unit
        let interval = effect.preferredCI.map { " [\(Format.fixed($0.low)), \(Format.fixed($0.high))]" } ?? ""
        let evidence = "\(difference)\(interval), Wilcoxon p = \(Format.pvalue(p)), \(n)"
        // Direction from the signed ranks, the quantity the test is about.
        let rankDirection = (effect.rankBiserial ?? 0) * (reading.higherIsBetter ? 1 : -1)
        if p < 0.05 && rankDirection != 0 {
            let (more, less) = rankDirection > 0 ? (a, b) : (b, a)
            return "\(more) is more \(reading.quality) than \(less): \(evidence)"
        }
        return "no significant difference in \(reading.noun) between \(a) and \(b): \(evidence)"
    }

    /// The `--json` document of a two-sided comparison.
    public func json(pairing: JSONValue? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("a", .string(a)), ("b", .string(b)), ("n_pairs", .integer(nPairs))]
        if let pairing { pairs.append(("pairing", pairing)) }
        pairs.append(
            (
                "descriptives",
                .object([
                    ("a", descriptivesA.json), ("b", descriptivesB.json),
                    ("difference", descriptivesDifference.json)
                ])
            ))
        pairs.append(("tests", .object(tests.map { ($0.key, $0.result.json) })))
        pairs.append(("effect", effect.json))
        pairs.append(("verdict", .string(verdict)))
        return .object(pairs)
    }
}

/// Number formats for the report and the verdict.
public enum Format {
    /// "+4.1" / "-0.3": one decimal, always signed.
    public static func signed(_ x: Double) -> String {
        (x >= 0 ? "+" : "") + fixed(x)
    }

    /// `signed`, except that a difference which is not 0 but would print as "+0.0" gets two
    /// decimals ("+0.03"), so that a sentence about it does not read as "no difference".
    public static func signedShowingSmall(_ x: Double) -> String {
        abs(x) < 0.05 && x != 0 ? (x > 0 ? "+" : "") + fixed(x, 2) : signed(x)
    }

    /// One decimal.
    public static func fixed(_ x: Double, _ decimals: Int = 1) -> String {
        String(format: "%.\(decimals)f", x)
    }

    /// A p-value people read: "0.041", "0.0012", "2e-9", "< 1e-300" for an underflowed 0.
    public static func pvalue(_ p: Double) -> String {
        if p == 0 { return "< 1e-300" }
        if p >= 0.001 { return String(format: "%.2g", p) }
        let text = String(format: "%.0e", p)  // "2e-09"
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e], exponent = Int(text[text.index(after: e)...]) ?? 0
        return "\(mantissa)e\(exponent)"
    }
}
