import Foundation

/// Summary statistics of one side of a comparison, with NumPy's definitions.
public struct Descriptives: Sendable, Equatable {
    /// Count, `numpy.mean`, `numpy.median`.
    public let n: Int
    public let mean: Double
    public let median: Double
    /// Sample standard deviation, ddof = 1 (`numpy.std(x, ddof=1)`, pandas' default);
    /// nil for n < 2.
    public let sd: Double?
    /// Smallest and largest value.
    public let min: Double
    public let max: Double
    /// First and third quartiles, `numpy.percentile(x, [25, 75])` (linear interpolation).
    public let q1: Double
    public let q3: Double

    /// nil for an empty sample.
    public init?(_ x: [Double]) {
        guard !x.isEmpty else { return nil }
        let sorted = x.sorted()
        n = x.count
        mean = NumPy.mean(x)
        median = NumPy.median(sorted: sorted)
        sd = x.count >= 2 ? NumPy.standardDeviation(x, ddof: 1) : nil
        min = sorted[0]
        max = sorted[sorted.count - 1]
        q1 = NumPy.percentile(sorted: sorted, 25)
        q3 = NumPy.percentile(sorted: sorted, 75)
    }

    /// The descriptives object of `--json`, with `sd_ddof: 1`.
    public var json: JSONValue {
        .object([
            ("n", .integer(n)), ("mean", .double(mean)), ("median", .double(median)),
            ("sd", .double(sd)), ("sd_ddof", .integer(1)), ("min", .double(min)), ("max", .double(max)),
            ("q1", .double(q1)), ("q3", .double(q3))
        ])
    }
}
