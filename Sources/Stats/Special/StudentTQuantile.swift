import Foundation

extension StudentT {
    /// The quantile t with P(T ≤ t) = p (`scipy.stats.t.ppf(p, df)`), by bisection on `sf` in the
    /// upper half (the lower half by symmetry). Bisection halves the bracket until it cannot
    /// shrink in double precision, so the answer is as exact as the tail function itself; a
    /// confidence interval needs one per sample size, where a few dozen evaluations cost nothing.
    public static func quantile(_ p: Double, df: Double) -> Double {
        if p.isNaN || df.isNaN || df <= 0 || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p, df: df) }
        // Upper tail q = 1 − p; sf falls from ½ at 0 towards 0, so grow the bracket until sf < q.
        let q = 1 - p
        var low = 0.0, high = 1.0
        while sf(high, df: df) > q, high < 1e300 { (low, high) = (high, high * 2) }
        while true {
            let mid = low + (high - low) / 2
            if mid <= low || mid >= high { break }
            if sf(mid, df: df) > q { low = mid } else { high = mid }
        }
        return low + (high - low) / 2
    }
}
