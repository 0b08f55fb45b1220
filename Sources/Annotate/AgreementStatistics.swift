import Foundation

/// The statistics `agreement` reports, from their textbook definitions. Checked against SciPy
/// (`binomtest`, its Wilson interval) and plain-numpy kappas in `AnnotateTests/StatisticsTests`.
public enum AgreementStatistics {
    /// z for a two-sided 95% interval: scipy.stats.norm.ppf(0.975).
    public static let z95 = 1.959963984540054

    /// Wilson score interval for `successes` of `trials` (no continuity correction), as
    /// `scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`. `nil` when `trials` is 0.
    public static func wilson(successes k: Int, trials n: Int, z: Double = z95) -> (low: Double, high: Double)? {
        guard n > 0, (0...n).contains(k) else { return nil }
        let nd = Double(n), p = Double(k) / nd, z2 = z * z
        let denominator = 1 + z2 / nd
        let centre = (p + z2 / (2 * nd)) / denominator
        let half = z / denominator * (p * (1 - p) / nd + z2 / (4 * nd * nd)).squareRoot()
        // At k = 0 or n the bound is exactly 0 or 1; clamp rounding on the other side.
        return (k == 0 ? 0 : max(0, centre - half), k == n ? 1 : min(1, centre + half))
    }

    /// log P(X = k) for X ~ Binomial(n, p).
    static func logPMF(_ k: Int, _ n: Int, _ p: Double) -> Double {
        if p == 0 { return k == 0 ? 0 : -.infinity }
        if p == 1 { return k == n ? 0 : -.infinity }
        let nd = Double(n), kd = Double(k)
        return lgamma(nd + 1) - lgamma(kd + 1) - lgamma(nd - kd + 1) + kd * log(p) + (nd - kd) * log1p(-p)
    }

    /// Exact two-sided binomial test p-value, as `scipy.stats.binomtest(k, n, p).pvalue`: the
    /// probability of all outcomes no more likely than the one seen (with SciPy's relative
    /// tolerance of 1e-7 when comparing likelihoods). 1 when `k` is the expected count.
    public static func binomialTwoSided(successes k: Int, trials n: Int, p: Double = 0.5) -> Double? {
        guard n > 0, (0...n).contains(k), (0...1).contains(p) else { return nil }
        if Double(k) == p * Double(n) { return 1 }
        let threshold = logPMF(k, n, p) + log1p(1e-7)
        var total = 0.0
        for i in 0...n {
            let l = logPMF(i, n, p)
            if l <= threshold { total += exp(l) }
        }
        return min(1, total)
    }

    /// Fleiss' kappa for `counts[subject][category]` (how many raters put each subject in each
    /// category). Subjects may have different numbers of raters (the usual generalisation:
    /// P_i = (Σ_j n_ij² − n_i) / (n_i (n_i − 1)), p_j = Σ_i n_ij / Σ_i n_i); subjects with fewer
    /// than two raters are left out. `nil` when fewer than one subject remains or chance
    /// agreement is 1 (every rating in one category: kappa is undefined).
    public static func fleissKappa(_ counts: [[Int]]) -> Double? {
        let rows = counts.filter { $0.reduce(0, +) >= 2 }
        guard let categories = rows.first?.count, categories > 0 else { return nil }
        var totals = [Double](repeating: 0, count: categories)
        var sumP = 0.0, ratings = 0.0
        for row in rows {
            let n = Double(row.reduce(0, +))
            sumP += (row.reduce(0.0) { $0 + Double($1 * $1) } - n) / (n * (n - 1))
            for j in 0..<categories { totals[j] += Double(row[j]) }
            ratings += n
        }
        let pBar = sumP / Double(rows.count)
        let pe = totals.reduce(0.0) { $0 + ($1 / ratings) * ($1 / ratings) }
        guard pe < 1 else { return nil }
        return (pBar - pe) / (1 - pe)
    }

    /// Cohen's kappa of two raters' labels of the same subjects (`a[i]` and `b[i]` rate subject
    /// i): (p_o − p_e) / (1 − p_e). `nil` with no subjects or when p_e is 1.
    public static func cohenKappa<Label: Hashable>(_ a: [Label], _ b: [Label]) -> Double? {
        guard a.count == b.count, !a.isEmpty else { return nil }
        let n = Double(a.count)
        let observed = Double(zip(a, b).filter { $0 == $1 }.count) / n
        var countA: [Label: Double] = [:], countB: [Label: Double] = [:]
        for x in a { countA[x, default: 0] += 1 }
        for x in b { countB[x, default: 0] += 1 }
        let expected = countA.reduce(0.0) { $0 + ($1.value / n) * ((countB[$1.key] ?? 0) / n) }
        guard expected < 1 else { return nil }
        return (observed - expected) / (1 - expected)
    }
}
