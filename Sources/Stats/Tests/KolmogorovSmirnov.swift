import Foundation

/// Kolmogorov–Smirnov tests as SciPy 1.17 computes them with default arguments.
public enum KolmogorovSmirnov {
    /// `scipy.stats.ks_2samp(x, y)`: two-sided, method "auto" — exact when both samples have at
    /// most 10 000 observations (and the exact computation succeeds), else Smirnov's asymptotic
    /// distribution `kstwo.sf(d, round(mn/(m+n)))`. The statistic is D rounded to a multiple of
    /// 1/lcm(m, n) on the exact path, as SciPy returns it.
    public static func twoSample(_ x: [Double], _ y: [Double]) -> TestResult {
        let name = "ks_2samp"
        guard !x.isEmpty, !y.isEmpty else { return TestResult(test: name, reason: "a sample is empty") }
        let a = x.sorted(), b = y.sorted()
        let n1 = a.count, n2 = b.count
        // ECDF differences at every observation (searchsorted side="right").
        var maxS = -Double.infinity, minDiff = Double.infinity
        for v in a + b {
            let diff = Double(countAtMost(a, v)) / Double(n1) - Double(countAtMost(b, v)) / Double(n2)
            maxS = max(maxS, diff)
            minDiff = min(minDiff, diff)
        }
        let minS = min(max(-minDiff, 0), 1)
        var d = minS > maxS ? minS : maxS
        let g = gcd(n1, n2)
        if max(n1, n2) <= 10_000, let exact = exactTwoSided(n1, n2, g, d) {
            return TestResult(test: name, statistic: exact.d, pvalue: min(max(exact.p, 0), 1), method: "exact")
        }
        if max(n1, n2) <= 10_000 {
            // The exact attempt failed: SciPy falls back, with d already rounded.
            d = roundedStatistic(n1, n2, g, d)
        }
        let m = Double(max(n1, n2)), n = Double(min(n1, n2))
        let en = m * n / (m + n)
        let p = KolmogorovN.sf(d, n: Int(en.rounded(.toNearestOrEven)))
        return TestResult(test: name, statistic: d, pvalue: min(max(p, 0), 1), method: "asymptotic")
    }

    /// `scipy.stats.kstest(x, "norm", args=(mean, sd))` with the sample's own mean and its sd
    /// with ddof = 1: `ks_1samp`, two-sided, exact (`kstwo.sf(D, n)`). The p-value is
    /// conservative (too large) because the parameters were estimated from the same data
    /// (Lilliefors' problem); the result says so.
    public static func normality(_ x: [Double]) -> TestResult {
        let name = "kstest_norm"
        guard x.count >= 2 else { return TestResult(test: name, reason: "needs at least 2 observations to estimate the sd, got \(x.count)") }
        let loc = NumPy.mean(x), scale = NumPy.standardDeviation(x, ddof: 1)
        guard scale > 0 else { return TestResult(test: name, reason: "all values are equal (sd = 0)") }
        let sorted = x.sorted()
        let n = sorted.count
        var dPlus = -Double.infinity, dMinus = -Double.infinity
        for (i, v) in sorted.enumerated() {
            let cdf = Normal.cdf((v - loc) / scale)
            dPlus = max(dPlus, Double(i + 1) / Double(n) - cdf)
            dMinus = max(dMinus, cdf - Double(i) / Double(n))
        }
        let d = dPlus > dMinus ? dPlus : dMinus
        let p = KolmogorovN.sf(d, n: n)
        return TestResult(
            test: name, statistic: d, pvalue: min(max(p, 0), 1), method: "exact",
            extra: ["loc": loc, "scale": scale, "scale_ddof": 1],
            note:
                "against a normal with the sample's own mean and sd (ddof = 1); the p-value is conservative because both were estimated from the data"
        )
    }

    /// How many sorted values are ≤ v (`numpy.searchsorted(sorted, v, side="right")`).
    static func countAtMost(_ sorted: [Double], _ v: Double) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// d rounded to the lattice 1/lcm(n1, n2), as `_attempt_exact_2kssamp` does first.
    private static func roundedStatistic(_ n1: Int, _ n2: Int, _ g: Int, _ d: Double) -> Double {
        let lcm = Double((n1 / g) * n2)
        return (d * lcm).rounded(.toNearestOrEven) / lcm
    }

    /// SciPy's `_attempt_exact_2kssamp` for the two-sided alternative; nil when SciPy would give
    /// up (a probability outside [0, 1]) and fall back to the asymptotic distribution.
    private static func exactTwoSided(_ n1: Int, _ n2: Int, _ g: Int, _ d: Double) -> (d: Double, p: Double)? {
        let lcm = (n1 / g) * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let dRounded = Double(h) / Double(lcm)
        if h == 0 { return (dRounded, 1) }
        let p = n1 == n2 ? probabilityOutsideSquare(n1, h) : outerProbabilityInside(n1, n2, g, h)
        guard p.isFinite, p >= 0, p <= 1 else { return nil }
        return (dRounded, p)
    }

    /// P(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^(k−1) C(2n, n−kh) / C(2n, n), by SciPy's Horner-like
    /// product form (`_compute_prob_outside_square`), which avoids the cancellation.
    static func probabilityOutsideSquare(_ n: Int, _ h: Int) -> Double {
        var p = 0.0
        var k = Int((Double(n) / Double(h)).rounded(.down))
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// 1 − (paths staying strictly inside |x/m − y/n| < h/lcm) / C(m+n, n), computed directly
    /// as a probability by Viehmann's recursion (arXiv 2102.08037), SciPy's
    /// `_compute_outer_prob_inside_method`.
    static func outerProbabilityInside(_ n1: Int, _ n2: Int, _ g: Int, _ h: Int) -> Double {
        let m = max(n1, n2), n = min(n1, n2)
        let mg = m / g, ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = min(2 * maxj + 2, n + 1)
        var A = [Double](repeating: 1, count: lenA)
        for j in minj..<min(maxj, lenA) { A[j] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = min(max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0), n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (A[jj + minj - lastminj] * Double(i) + val * Double(j)) / Double(i + j)
                A[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                let from = maxj - minj, to = min(maxj - minj + (lastlen - curlen), lenA)
                if from < to { for idx in from..<to { A[idx] = 1 } }
            }
        }
        return A[maxj - minj - 1]
    }
}
