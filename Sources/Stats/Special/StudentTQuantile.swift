import Foundation

extension StudentT {
    /// The quantile t with P(T ≤ t) = p (`scipy.stats.t.ppf(p, df)`), by bisection on `sf` for
    /// |t| (the sign by symmetry). Bisection halves the bracket until it cannot
    /// shrink in double precision, so the answer is as exact as the tail function itself; a
    /// confidence interval needs one per sample size, where a few dozen evaluations cost nothing.
    public static func quantile(_ p: Double, df: Double) -> Double {
        if p.isNaN || df.isNaN || df <= 0 || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        // The tail beyond |t|, q = min(p, 1 − p): 1 − p is exact for p ≥ ½, and p itself keeps its
        // relative precision in the lower tail (1 − (1 − p) would not). sf falls from ½ at 0
        // towards 0, so grow the bracket until sf < q, then bisect.
        let q = min(p, 1 - p)
        let sign = p < 0.5 ? -1.0 : 1.0
        var low = 0.0, high = 1.0
        while sf(high, df: df) > q, high < 1e300 { (low, high) = (high, high * 2) }
        while true {
            let mid = low + (high - low) / 2
            if mid <= low || mid >= high { break }
            if sf(mid, df: df) > q { low = mid } else { high = mid }
        }
        return sign * (low + (high - low) / 2)
    }
}
