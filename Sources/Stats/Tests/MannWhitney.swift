import Foundation

/// The Mann–Whitney U test, as `scipy.stats.mannwhitneyu(x, y)` with its SciPy 1.17 defaults:
/// use_continuity=True, alternative="two-sided", method="auto".
public enum MannWhitney {
    /// The statistic is U₁, the one of the first sample. Method "auto" is exact when either
    /// sample has at most 8 observations and no value is tied (Löffler's recursion for the
    /// null distribution); otherwise the normal approximation with the tie-corrected variance
    /// and the continuity correction, p = 2·Φ(−(max(U₁, U₂) − mn/2 − ½)/σ), clipped to 1.
    public static func test(_ x: [Double], _ y: [Double]) -> TestResult {
        let name = "mannwhitneyu"
        guard !x.isEmpty, !y.isEmpty else { return TestResult(test: name, reason: "a sample is empty") }
        let n1 = x.count, n2 = y.count
        let ranks = Ranks(x + y)
        let r1 = NumPy.sum(Array(ranks.ranks[0..<n1]))
        let u1 = r1 - Double(n1) * Double(n1 + 1) / 2
        let u2 = Double(n1) * Double(n2) - u1
        let u = max(u1, u2)
        if (n1 <= 8 || n2 <= 8) && !ranks.hasTies {
            let p = exactSF(Int(u), n1, n2)
            return TestResult(test: name, statistic: u1, pvalue: min(max(2 * p, 0), 1), method: "exact")
        }
        let a = Double(n1), b = Double(n2), n = a + b
        let s = (a * b / 12 * ((n + 1) - ranks.tieTerm / (n * (n - 1)))).squareRoot()
        let z = (u - a * b / 2 - 0.5) / s
        let p = 2 * Normal.cdf(-z)
        return TestResult(test: name, statistic: u1, pvalue: min(max(p, 0), 1), method: "asymptotic")
    }

    /// P(U ≥ k) under the null, k ≥ mn/2 (SciPy's `_MWU.sf`): by symmetry P(U ≤ mn − k),
    /// a cumulative sum of the frequencies of u = 0 … mn − k divided by C(m + n, m).
    static func exactSF(_ k: Int, _ n1: Int, _ n2: Int) -> Double {
        let m = min(n1, n2), n = max(n1, n2)
        let kc = m * n - k
        if k < kc {
            // Not reached from the two-sided test (k = max(U₁, U₂)); kept for completeness.
            let frequencies = uFrequencies(k, m, n)
            return 1 - frequencies.reduce(0, +) + frequencies[k]
        }
        return uFrequencies(kc, m, n).reduce(0, +)
    }

    /// Frequencies of u = 0 … maxu divided by C(m + n, m), by Löffler's (1983) recursion
    /// u·f(u) = Σ_{i<u} f(i)·σ(u − i), with σ(a) = Σ_{d | a, d ≤ m} d − Σ_{d | a, n < d ≤ m+n} d.
    static func uFrequencies(_ maxu: Int, _ m: Int, _ n: Int) -> [Double] {
        var sigma = [Double](repeating: 0, count: maxu + 1)
        if maxu >= 1 {
            for d in 1...m { for i in stride(from: d, through: maxu, by: d) { sigma[i] += Double(d) } }
            for d in (n + 1)...(n + m) where d <= maxu {
                for i in stride(from: d, through: maxu, by: d) { sigma[i] -= Double(d) }
            }
        }
        var configurations = [Double](repeating: 0, count: maxu + 1)
        configurations[0] = 1
        if maxu >= 1 {
            for u in 1...maxu {
                var dot = 0.0
                for i in 0..<u { dot += configurations[i] * sigma[u - i] }
                // SciPy stores the count in a uint64 (truncating) while it fits.
                configurations[u] = (dot / Double(u)).rounded(.towardZero)
            }
        }
        let total = binomial(m + n, m)
        return configurations.map { $0 / total }
    }

    /// C(n, k) as a double (exact while it fits in 53 bits).
    static func binomial(_ n: Int, _ k: Int) -> Double {
        let k = min(k, n - k)
        var result = 1.0
        if k > 0 { for i in 1...k { result = result * Double(n - k + i) / Double(i) } }
        return result
    }
}
