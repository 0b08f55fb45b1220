import Foundation

/// The Wilcoxon signed-rank test for paired samples, as `scipy.stats.wilcoxon(x, y)` with its
/// defaults in SciPy 1.17: zero_method="wilcox" (zero differences dropped), correction=False,
/// alternative="two-sided", method="auto".
public enum Wilcoxon {
    /// The signed-rank sums of d = x − y with zeros dropped and tied |d| given average ranks.
    public struct RankSums: Sendable {
        public let rPlus: Double
        public let rMinus: Double
        /// Non-zero differences.
        public let count: Int
        public let zeros: Int
        public let hasTies: Bool
        /// Ranks of |d| among the non-zero differences, with each difference's sign.
        let signedRanks: [(rank: Double, positive: Bool)]
        let tieTerm: Double
    }

    /// R⁺ and R⁻ of the differences (SciPy's `_wilcoxon_statistic` with zero_method="wilcox").
    public static func rankSums(_ d: [Double]) -> RankSums {
        let nonZero = d.filter { $0 != 0 }
        let ranks = Ranks(nonZero.map(abs))
        var rPlus = 0.0, rMinus = 0.0
        var signed: [(Double, Bool)] = []
        for (value, rank) in zip(nonZero, ranks.ranks) {
            if value > 0 { rPlus += rank } else { rMinus += rank }
            signed.append((rank, value > 0))
        }
        return RankSums(
            rPlus: rPlus, rMinus: rMinus, count: nonZero.count, zeros: d.count - nonZero.count,
            hasTies: ranks.hasTies, signedRanks: signed, tieTerm: ranks.tieTerm)
    }

    /// `scipy.stats.wilcoxon(x, y)`. The statistic is min(R⁺, R⁻). SciPy's method "auto" picks:
    /// the exact null distribution when n ≤ 50 and there are neither ties nor zeros; an exact
    /// permutation test over all 2ⁿ sign flips when n ≤ 13 otherwise; the normal approximation
    /// (tie-corrected variance, no continuity correction) in every other case.
    public static func test(_ x: [Double], _ y: [Double]) -> TestResult {
        let name = "wilcoxon"
        guard x.count == y.count else { return TestResult(test: name, reason: "the samples are not paired (different lengths)") }
        guard !x.isEmpty else { return TestResult(test: name, reason: "no pairs") }
        let d = zip(x, y).map { $0 - $1 }
        let sums = rankSums(d)
        let statistic = min(sums.rPlus, sums.rMinus)
        let n = d.count
        if n <= 50 && !sums.hasTies && sums.zeros == 0 {
            return TestResult(test: name, statistic: statistic, pvalue: exactPValue(sums), method: "exact")
        }
        if n <= 13 {
            // SciPy's permutation_test refuses a single observation.
            if n < 2 { return TestResult(test: name, reason: "the permutation test needs at least 2 pairs (the only difference is zero)") }
            return TestResult(
                test: name, statistic: statistic, pvalue: permutationPValue(sums, zeros: sums.zeros),
                method: "permutation")
        }
        if sums.count == 0 { return TestResult(test: name, reason: "all differences are zero") }
        let count = Double(sums.count)
        let mean = count * (count + 1) * 0.25
        let se = ((count * (count + 1) * (2 * count + 1) - sums.tieTerm / 2) / 24).squareRoot()
        let z = (sums.rPlus - mean) / se
        let p = 2 * Normal.sf(abs(z))
        return TestResult(test: name, statistic: statistic, pvalue: p, method: "asymptotic", extra: ["zstatistic": -abs(z)])
    }

    /// Counts of R⁺ = 0 … n(n+1)/2 over the 2ⁿ sign patterns (SciPy's `_get_wilcoxon_distr`,
    /// kept as integer counts: exact for n ≤ 50, as SciPy's halved floats are).
    static func nullCounts(_ n: Int) -> [Double] {
        var c: [Double] = [1]
        if n == 0 { return c }
        for k in 1...n {
            var next = [Double](repeating: 0, count: k * (k + 1) / 2 + 1)
            for (i, v) in c.enumerated() {
                next[i] += v
                next[i + k] += v
            }
            c = next
        }
        return c
    }

    /// 2·min(P(R⁺ ≤ r), P(R⁺ ≥ r)), clipped to 1, from the exact null distribution.
    private static func exactPValue(_ sums: RankSums) -> Double {
        let counts = nullCounts(sums.count)
        let total = pow(2.0, Double(sums.count))
        let r = sums.rPlus
        let hi = Int(r.rounded(.down)), lo = Int(r.rounded(.up))
        let sf = counts[min(hi, counts.count)...].reduce(0, +) / total
        let cdf = counts[...min(lo, counts.count - 1)].reduce(0, +) / total
        return min(2 * min(sf, cdf), 1)
    }

    /// SciPy's `permutation_test` with permutation_type="samples" on one sample: every sign
    /// flip of the differences, exact because 2ⁿ ≤ 9999 for n ≤ 13; the observed R⁺ is compared
    /// with a relative tolerance of 100 ulp, and p = 2·min(share ≤, share ≥), clipped to 1.
    /// Zero differences contribute nothing to R⁺ whatever their sign, so they only multiply
    /// every count by 2 each and are left out of the enumeration.
    private static func permutationPValue(_ sums: RankSums, zeros: Int) -> Double {
        let ranks = sums.signedRanks.map(\.rank)
        let observed = sums.rPlus
        let gamma = abs(Double.ulpOfOne * 100 * observed)
        var lessOrEqual = 0, greaterOrEqual = 0
        let patterns = 1 << ranks.count
        for mask in 0..<patterns {
            var r = 0.0
            for (i, rank) in ranks.enumerated() where mask & (1 << i) != 0 { r += rank }
            if r <= observed + gamma { lessOrEqual += 1 }
            if r >= observed - gamma { greaterOrEqual += 1 }
        }
        let p = 2 * Double(min(lessOrEqual, greaterOrEqual)) / Double(patterns)
        return min(max(p, 0), 1)
    }
}
