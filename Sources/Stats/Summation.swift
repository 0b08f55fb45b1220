import Foundation

/// Sums, means and variances computed the way NumPy computes them, so that every statistic built
/// on them agrees with SciPy to the last bit where the algorithm allows (a t statistic whose mean
/// difference is nearly zero would otherwise differ in its leading digits).
public enum NumPy {
    /// `numpy.sum` of a contiguous float64 array: pairwise summation in blocks of 128 with eight
    /// accumulators (numpy/_core/src/umath/loops_utils.h.src, `pairwise_sum`), started from 0.
    public static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { 0.0 + pairwise($0[...]) }
    }

    private static func pairwise(_ a: Slice<UnsafeBufferPointer<Double>>) -> Double {
        let n = a.count, start = a.startIndex
        if n < 8 {
            var res = 0.0
            for v in a { res += v }
            return res
        }
        if n <= 128 {
            var r = (0..<8).map { a[start + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[start + i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += a[start + i]; i += 1 }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwise(a[start..<(start + n2)]) + pairwise(a[(start + n2)...])
    }

    /// `numpy.mean`: the pairwise sum divided by n (NaN for an empty array).
    public static func mean(_ values: [Double]) -> Double {
        sum(values) / Double(values.count)
    }

    /// `numpy.var(x, ddof=)`: sum of squared deviations from the mean, divided by n − ddof.
    public static func variance(_ values: [Double], ddof: Int) -> Double {
        let m = mean(values)
        return sum(values.map { ($0 - m) * ($0 - m) }) / Double(values.count - ddof)
    }

    /// `numpy.std(x, ddof=)`.
    public static func standardDeviation(_ values: [Double], ddof: Int) -> Double {
        variance(values, ddof: ddof).squareRoot()
    }

    /// SciPy's private `_var(x, ddof=1)` used by the t tests: the mean of squared deviations
    /// times n / (n − 1) (a different rounding order from `numpy.var`).
    static func scipyVariance(_ values: [Double], ddof: Int) -> Double {
        let m = mean(values)
        let n = Double(values.count)
        return mean(values.map { ($0 - m) * ($0 - m) }) * (n / (n - Double(ddof)))
    }

    /// `numpy.percentile(x, q, method="linear")` of sorted values, with NumPy's `_lerp`
    /// (which interpolates from the nearer end for t ≥ 0.5).
    public static func percentile(sorted values: [Double], _ q: Double) -> Double {
        let n = values.count
        precondition(n > 0)
        let quantile = q / 100
        let virtual = Double(n) * quantile + (1 + quantile * (1 - 1 - 1)) - 1
        let previous = min(max(virtual.rounded(.down), 0), Double(n - 1))
        let next = min(previous + 1, Double(n - 1))
        let gamma = virtual - previous
        let a = values[Int(previous)], b = values[Int(next)]
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }

    /// `numpy.median`: the middle value, or the mean of the two middle values.
    public static func median(sorted values: [Double]) -> Double {
        let n = values.count
        precondition(n > 0)
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
    }
}
