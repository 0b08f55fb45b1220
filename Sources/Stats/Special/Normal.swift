import Foundation

/// The standard normal distribution.
public enum Normal {
    /// Φ(x), the standard normal CDF, as `scipy.special.ndtr`: ½(1 + erf(x/√2)) near 0 and
    /// ½·erfc(|x|/√2) (complemented for x > 0) elsewhere, so the lower tail keeps its relative
    /// accuracy down to 1e-308 instead of rounding to 0 at 1e-17.
    public static func cdf(_ a: Double) -> Double {
        if a.isNaN { return .nan }
        let x = a * 0.70710678118654752440
        let z = abs(x)
        if z < 1 { return 0.5 + 0.5 * erf(x) }
        let y = 0.5 * erfc(z)
        return x > 0 ? 1 - y : y
    }

    /// 1 − Φ(x) without cancellation: Φ(−x) (`scipy.stats.norm.sf`).
    public static func sf(_ x: Double) -> Double { cdf(-x) }

    /// Φ⁻¹(p), the quantile function (`scipy.special.ndtri`): Acklam's rational approximation
    /// (relative error 1.2e-9) polished by two Halley steps on `cdf`, which brings it to a few ulp.
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        // Work in the lower half so that the refinement compares small numbers with small numbers.
        if p > 0.5 { return -quantile(1 - p) }
        var x = acklam(p)
        for _ in 0..<2 {
            let e = cdf(x) - p
            let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
            if !u.isFinite { break }
            x -= u / (1 + x * u / 2)
        }
        return x
    }

    private static func acklam(_ p: Double) -> Double {
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
