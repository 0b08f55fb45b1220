import Foundation

/// Student's t tests as SciPy 1.17 computes them (two-sided).
public enum TTest {
    /// `scipy.stats.ttest_rel(x, y)`: the one-sample t test of d = x − y against 0,
    /// t = mean(d) / √(var(d, ddof=1)/n), df = n − 1.
    public static func paired(_ x: [Double], _ y: [Double]) -> TestResult {
        let name = "ttest_rel"
        guard x.count == y.count else { return TestResult(test: name, reason: "the samples are not paired (different lengths)") }
        guard x.count >= 2 else { return TestResult(test: name, reason: "needs at least 2 pairs, got \(x.count)") }
        let d = zip(x, y).map { $0 - $1 }
        let n = Double(d.count)
        let mean = NumPy.mean(d)
        let v = NumPy.scipyVariance(d, ddof: 1)
        let denominator = (v / n).squareRoot()
        if denominator == 0 && mean == 0 { return TestResult(test: name, reason: "all differences are zero") }
        let t = mean / denominator
        return TestResult(test: name, statistic: t, pvalue: twoSided(t, df: n - 1), extra: ["df": n - 1])
    }

    /// `scipy.stats.ttest_ind(x, y, equal_var=False)`: Welch's test,
    /// t = (mean(x) − mean(y)) / √(v₁/n₁ + v₂/n₂) with Welch–Satterthwaite degrees of freedom
    /// (taken as 1 when both variances are zero, as SciPy does).
    public static func welch(_ x: [Double], _ y: [Double]) -> TestResult {
        let name = "ttest_ind"
        guard x.count >= 2, y.count >= 2 else {
            return TestResult(test: name, reason: "needs at least 2 observations per sample, got \(x.count) and \(y.count)")
        }
        let n1 = Double(x.count), n2 = Double(y.count)
        let v1 = NumPy.scipyVariance(x, ddof: 1), v2 = NumPy.scipyVariance(y, ddof: 1)
        let vn1 = v1 / n1, vn2 = v2 / n2
        var df = (vn1 + vn2) * (vn1 + vn2) / (vn1 * vn1 / (n1 - 1) + vn2 * vn2 / (n2 - 1))
        if df.isNaN { df = 1 }
        let denominator = (vn1 + vn2).squareRoot()
        let difference = NumPy.mean(x) - NumPy.mean(y)
        if denominator == 0 && difference == 0 { return TestResult(test: name, reason: "both samples are constant and equal") }
        let t = difference / denominator
        return TestResult(test: name, statistic: t, pvalue: twoSided(t, df: df), extra: ["df": df])
    }

    /// 2·P(T ≥ |t|) for T ~ t(df).
    static func twoSided(_ t: Double, df: Double) -> Double {
        2 * StudentT.sf(abs(t), df: df)
    }
}
