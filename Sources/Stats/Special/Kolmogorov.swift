import Foundation

/// Kolmogorov's limiting distribution and Smirnov's one-sided distribution
/// (`scipy.special.kolmogorov`, `scipy.special.smirnov`; van Mulbregt, arXiv 1802.06966, 1803.00426).
public enum Kolmogorov {
    /// P(√n·Dₙ > x) as n → ∞: the survival function of `scipy.stats.kstwobign`
    /// (`scipy.special.kolmogorov`). Two series, switching at x = 0.82 as SciPy does:
    /// √(2π)/x · Σ exp(−(2k−1)²π²/(8x²)) below, 2 Σ (−1)^(k−1) exp(−2k²x²) above.
    public static func kolmogorov(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 || x <= Double.pi / (8.0 * (708.0 + 38.0)).squareRoot() { return 1 }
        if x <= 0.82 {
            let w = (2 * Double.pi).squareRoot() / x
            let logU8 = -Double.pi * Double.pi / (x * x)
            let u = exp(logU8 / 8)
            let cdf: Double
            if u == 0 {
                cdf = exp(logU8 / 8 + log(w))
            } else {
                let u8 = exp(logU8)
                var p = 1.0
                p = 1 + pow(u8, 3) * p
                p = 1 + u8 * u8 * p
                p = 1 + u8 * p
                cdf = w * u * p
            }
            return min(max(1 - cdf, 0), 1)
        }
        let v = exp(-2 * x * x)
        let v3 = pow(v, 3)
        var p = 1.0
        p = 1 - v3 * v3 * v * p
        p = 1 - v3 * v * v * p
        p = 1 - v3 * p
        return min(max(2 * v * p, 0), 1)
    }

    /// P(Dₙ⁺ ≥ d), the one-sided one-sample Kolmogorov–Smirnov statistic's survival function
    /// (`scipy.special.smirnov(n, d)`), by the Smirnov / Birnbaum–Tingey sum
    ///     P = Σ_{v=0}^{⌊n(1−d)⌋} C(n, v) d (d + v/n)^(v−1) (1 − d − v/n)^(n−v),
    /// whose terms are all positive: each is formed in logarithms (1 − d − v/n with an fma, so
    /// that it keeps its digits when small) and the sum is taken relative to its largest term,
    /// so relative accuracy holds from P ≈ 1 down to underflow. SciPy's closed forms for d ≤ 1/n
    /// and d ≥ 1 − 1/n and its approximation for n > 10⁶ are kept.
    public static func smirnov(_ n: Int, _ d: Double) -> Double {
        if d.isNaN || n <= 0 || d < 0 || d > 1 { return .nan }
        if n == 1 { return 1 - d }
        if d == 0 { return 1 }
        if d == 1 { return 0 }
        let nd = Double(n)
        let nx = nd * d
        let nxLow = fma(nd, d, -nx)  // n·d = nx + nxLow exactly
        var nxFloor = nx.rounded(.down)
        var alpha = (nx - nxFloor) + nxLow
        if alpha < 0 { nxFloor -= 1; alpha += 1 }
        if alpha >= 1 { nxFloor += 1; alpha -= 1 }
        if nxFloor == 0 || (nxFloor == 1 && alpha == 0) {
            // d ≤ 1/n: P(Dₙ⁺ < d) = d (1 + d)^(n−1).
            return 1 - d * exp(Double(n - 1) * log1p(d))
        }
        if -2 * nd * d * d < GammaFunctions.minLog { return 0 }
        if nxFloor >= nd - 1 { return pow(1 - d, nd) }
        if n > 1_000_000 {
            let logp = -pow(6 * nd * d + 1, 2) / 18 / nd
            return logp < -M_LN2 ? exp(logp) : 1 - (-expm1(logp))
        }
        // v runs to ⌊n(1 − d)⌋ = n − ⌊nd⌋ − 1 when nd is not an integer; when it is, the term
        // v = n(1 − d) has (1 − d − v/n) = 0 and is left out, so the bound is the same.
        let lastV = n - Int(nxFloor) - 1
        var logTerms: [Double] = []
        logTerms.reserveCapacity(lastV + 1)
        let logD = log(d)
        let logGammaN1 = GammaFunctions.logGamma(nd + 1)
        for v in 0...max(lastV, 0) {
            let vd = Double(v)
            // 1 − d − v/n = ((n − v) − n·d) / n, with n·d split exactly into nx + nxLow.
            let upper = ((nd - vd) - nx - nxLow) / nd
            if upper <= 0 { break }
            let lower = d + vd / nd
            let logC = logGammaN1 - GammaFunctions.logGamma(vd + 1) - GammaFunctions.logGamma(nd - vd + 1)
            logTerms.append(logC + logD + (vd - 1) * log(lower) + (nd - vd) * log(upper))
        }
        guard let top = logTerms.max() else { return 0 }
        let scaled = logTerms.map { exp($0 - top) }.sorted()
        let total = scaled.reduce(0, +)
        return min(max(exp(top + log(total)), 0), 1)
    }
}
