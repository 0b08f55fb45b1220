import Foundation

/// Student's t distribution with real degrees of freedom (Welch's test gives fractional ν).
public enum StudentT {
    /// P(T ≤ t) (`scipy.special.stdtr(df, t)`).
    public static func cdf(_ t: Double, df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if df.isInfinite { return Normal.cdf(t) }
        if t == 0 { return 0.5 }
        let tail = lowerTail(abs(t), df: df)
        return t < 0 ? tail : 1 - tail
    }

    /// P(T ≥ t) = cdf(−t), accurate in the upper tail.
    public static func sf(_ t: Double, df: Double) -> Double { cdf(-t, df: df) }

    /// P(T ≤ −|t|) = ½ I_{ν/(ν+t²)}(ν/2, ½), with 1 − ν/(ν+t²) passed as t²/(ν+t²) so that
    /// small |t| loses nothing, and with logarithms when t² overflows.
    private static func lowerTail(_ t: Double, df: Double) -> Double {
        if t.isInfinite { return 0 }
        let t2 = t * t
        if t2.isFinite && t2 < 1e300 {
            let denominator = df + t2
            return 0.5 * IncompleteBeta.regularized(df / 2, 0.5, x: df / denominator, complement: t2 / denominator)
        }
        // z = ν/(ν+t²) ≈ ν/t² underflows or loses range: I_z(a, b) ≈ z^a / (a B(a, b)),
        // whose next term is O(z) relative, below 1e-280 here.
        let a = df / 2
        let logZ = log(df) - 2 * log(t)
        let logI = a * logZ - log(a) - GammaFunctions.logBeta(a, 0.5)
        return 0.5 * exp(logI)
    }
}
