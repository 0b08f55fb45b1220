import Foundation

/// A sample's mean with its standard error and Student's t interval: the one-sample interval
/// `scipy.stats.t.interval(confidence, n − 1, loc=mean, scale=scipy.stats.sem(x))`. Used wherever
/// scs puts an interval on a mean over prompts (a model's mean in `scs compare`, a category's in
/// the report), so that the definition lives once.
public struct MeanInterval: Sendable, Equatable {
    public let n: Int
    /// `numpy.mean`.
    public let mean: Double
    /// sd/√n with sd of ddof 1 (`scipy.stats.sem`); nil below 2 values.
    public let standardError: Double?
    /// mean ∓ t_{(1+confidence)/2, n−1}·standardError; nil below 2 values.
    public let low: Double?
    public let high: Double?

    /// nil for an empty sample.
    public init?(_ x: [Double], confidence: Double = 0.95) {
        guard !x.isEmpty else { return nil }
        n = x.count
        mean = NumPy.mean(x)
        guard n >= 2 else {
            (standardError, low, high) = (nil, nil, nil)
            return
        }
        let se = NumPy.standardDeviation(x, ddof: 1) / Double(n).squareRoot()
        let half = StudentT.quantile((1 + confidence) / 2, df: Double(n - 1)) * se
        (standardError, low, high) = (se, mean - half, mean + half)
    }
}
