import Foundation

/// The numbers behind one box of a box plot, with matplotlib's conventions
/// (`matplotlib.cbook.boxplot_stats(x, whis=1.5)`): quartiles and median by NumPy's linear
/// percentiles, whiskers at the most extreme data within 1.5 IQR of the box, the rest outliers.
public struct BoxPlotStats: Sendable, Equatable {
    public let q1: Double
    public let median: Double
    public let q3: Double
    /// The whisker ends: data points, never beyond the box's edges.
    public let whiskerLow: Double
    public let whiskerHigh: Double
    /// Points beyond the whiskers, in sorted order.
    public let outliers: [Double]
    public let mean: Double

    /// nil for an empty sample.
    public init?(_ x: [Double], whis: Double = 1.5) {
        guard !x.isEmpty else { return nil }
        let sorted = x.sorted()
        q1 = NumPy.percentile(sorted: sorted, 25)
        median = NumPy.percentile(sorted: sorted, 50)
        q3 = NumPy.percentile(sorted: sorted, 75)
        mean = NumPy.mean(x)
        let iqr = q3 - q1
        let loVal = q1 - whis * iqr, hiVal = q3 + whis * iqr
        // matplotlib: the whisker snaps back to the box when no point lies between box and fence.
        let high = sorted.last { $0 <= hiVal }
        whiskerHigh = (high == nil || high! < q3) ? q3 : high!
        let low = sorted.first { $0 >= loVal }
        whiskerLow = (low == nil || low! > q1) ? q1 : low!
        let (lo, hi) = (whiskerLow, whiskerHigh)
        outliers = sorted.filter { $0 < lo || $0 > hi }
    }
}
