import Foundation

/// The gamma function's logarithm and the regularized incomplete gamma function.
public enum GammaFunctions {
    static let machineEpsilon = 1.11022302462515654042e-16  // Cephes' MACHEP (2⁻⁵³)
    static let maxLog = 7.09782712893383996843e2  // log(DBL_MAX)
    static let minLog = -7.08396418532264106224e2  // log(2⁻¹⁰²²)

    /// log|Γ(x)| (`scipy.special.gammaln`), from the platform's C library (glibc / Apple libm,
    /// within a few ulp), through the reentrant form: plain `lgamma` writes the global `signgam`.
    public static func logGamma(_ x: Double) -> Double {
        let (value, _): (Double, Int) = lgamma(x)
        return value
    }

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0 (`scipy.special.betaln`).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a)
    /// (`scipy.special.gammaincc`), by Cephes' `igamc`: Legendre's continued fraction for
    /// x ≥ max(1, a), else 1 − P(a, x) from the power series.
    public static func upperRegularized(_ a: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN || a <= 0 || x < 0 { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < 1 || x < a { return 1 - lowerSeries(a, x) }
        let logPrefix = a * log(x) - x - logGamma(a)
        if logPrefix < -maxLog { return 0 }
        let ax = exp(logPrefix)
        let big = 4.503599627370496e15, bigInverse = 2.22044604925031308085e-16
        var y = 1 - a, z = x + y + 1, c = 0.0
        var pkm2 = 1.0, qkm2 = x, pkm1 = x + 1, qkm1 = z * x
        var answer = pkm1 / qkm1
        for _ in 0..<2000 {
            c += 1; y += 1; z += 2
            let yc = y * c
            let pk = pkm1 * z - pkm2 * yc, qk = qkm1 * z - qkm2 * yc
            var t = 1.0
            if qk != 0 {
                let r = pk / qk
                t = abs((answer - r) / r)
                answer = r
            }
            pkm2 = pkm1; pkm1 = pk; qkm2 = qkm1; qkm1 = qk
            if abs(pk) > big { pkm2 *= bigInverse; pkm1 *= bigInverse; qkm2 *= bigInverse; qkm1 *= bigInverse }
            if t <= machineEpsilon { break }
        }
        return answer * ax
    }

    /// The regularized lower incomplete gamma function P(a, x) (`scipy.special.gammainc`).
    public static func lowerRegularized(_ a: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN || a <= 0 || x < 0 { return .nan }
        if x == 0 { return 0 }
        if x > 1 && x > a { return 1 - upperRegularized(a, x) }
        return lowerSeries(a, x)
    }

    /// P(a, x) by its power series x^a e^−x / Γ(a + 1) · Σ x^k / ((a + 1)…(a + k)).
    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        let logPrefix = a * log(x) - x - logGamma(a)
        if logPrefix < -maxLog { return 0 }
        var r = a, c = 1.0, sum = 1.0
        for _ in 0..<100_000 {
            r += 1
            c *= x / r
            sum += c
            if c / sum <= machineEpsilon { break }
        }
        return sum * exp(logPrefix) / a
    }
}

/// The chi-square distribution.
public enum ChiSquare {
    /// P(X ≥ x) for X ~ χ²(df) (`scipy.special.chdtrc`, `scipy.stats.chi2.sf`): Q(df/2, x/2).
    public static func sf(_ x: Double, df: Double) -> Double {
        if x.isNaN || df.isNaN || df <= 0 { return .nan }
        if x <= 0 { return 1 }
        return GammaFunctions.upperRegularized(df / 2, x / 2)
    }
}
