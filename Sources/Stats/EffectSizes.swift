import Foundation

/// Effect sizes of a paired comparison of A and B, on the differences d = a − b.
public struct EffectSizes: Sendable {
    /// Mean of d, in SCS points.
    public let meanDifference: Double
    /// Median of d.
    public let medianDifference: Double
    /// The bootstrap intervals of the mean difference (see `Bootstrap`).
    public let percentileCI: Bootstrap.Interval
    public let bcaCI: Bootstrap.Interval
    /// Bootstrap resamples drawn, the generator's seed, the confidence level (0.95).
    public let resamples: Int
    public let seed: UInt64
    public let level: Double
    /// Cohen's d_z = mean(d) / sd(d) with ddof = 1 (Cohen 1988; Lakens 2013, eq. 6).
    public let cohensDz: Double?
    /// The matched-pairs rank-biserial correlation r = (R⁺ − R⁻) / (R⁺ + R⁻), from the Wilcoxon
    /// signed-rank sums with zero differences dropped and ties averaged (Kerby 2014, the simple
    /// difference formula; King & Minium 2003). +1: A higher on every prompt; −1: B higher.
    public let rankBiserial: Double?
    /// Share of pairs where A scores strictly higher; `ties` pairs score equal.
    public let winRate: Double
    /// Pairs where A is higher, lower, equal.
    public let wins: Int
    public let losses: Int
    public let ties: Int

    /// Computes all effect sizes of `a` against `b` (paired, same length, at least one pair).
    public init(a: [Double], b: [Double], resamples: Int, seed: UInt64, level: Double = 0.95) {
        precondition(a.count == b.count && !a.isEmpty)
        let d = zip(a, b).map { $0 - $1 }
        meanDifference = NumPy.mean(d)
        medianDifference = NumPy.median(sorted: d.sorted())
        self.resamples = resamples
        self.seed = seed
        self.level = level
        if d.count >= 2 && resamples > 0 {
            let distribution = Bootstrap.distribution(d, resamples: resamples, seed: seed)
            percentileCI = Bootstrap.percentileInterval(distribution, level: level)
            bcaCI = Bootstrap.bcaInterval(d, distribution, level: level)
        } else {
            let reason = resamples > 0 ? "needs at least 2 pairs" : "no resamples (a bootstrap of 0)"
            percentileCI = Bootstrap.Interval(reason: reason)
            bcaCI = Bootstrap.Interval(reason: reason)
        }
        if d.count >= 2 {
            let sd = NumPy.standardDeviation(d, ddof: 1)
            cohensDz = sd > 0 ? meanDifference / sd : nil
        } else {
            cohensDz = nil
        }
        let sums = Wilcoxon.rankSums(d)
        rankBiserial = sums.count > 0 ? (sums.rPlus - sums.rMinus) / (sums.rPlus + sums.rMinus) : nil
        wins = d.filter { $0 > 0 }.count
        losses = d.filter { $0 < 0 }.count
        ties = d.count - wins - losses
        winRate = Double(wins) / Double(d.count)
    }

    /// The interval the verdict quotes: BCa, or the percentile interval when BCa is undefined.
    public var preferredCI: (low: Double, high: Double, kind: String)? {
        if let l = bcaCI.low, let h = bcaCI.high { return (l, h, "BCa") }
        if let l = percentileCI.low, let h = percentileCI.high { return (l, h, "percentile") }
        return nil
    }

    /// The `effect` object of `--json`.
    public var json: JSONValue {
        func orReason(_ x: Double?, _ reason: String) -> JSONValue {
            x.map { .double($0) } ?? .object([("not_computable", .string(reason))])
        }
        return .object([
            ("mean_difference", .double(meanDifference)),
            ("median_difference", .double(medianDifference)),
            ("ci_percentile", percentileCI.json),
            ("ci_bca", bcaCI.json),
            ("confidence_level", .double(level)),
            (
                "bootstrap",
                .object([
                    ("n_resamples", .integer(resamples)), ("seed", seed <= UInt64(Int.max) ? .integer(Int(seed)) : .string(String(seed))),
                    ("rng", .string("xoshiro256** seeded with SplitMix64; indices by rejection sampling")),
                    ("statistic", .string("mean of the paired differences a - b"))
                ])
            ),
            ("cohens_dz", orReason(cohensDz, "needs at least 2 pairs with non-zero sd of the differences")),
            ("rank_biserial", orReason(rankBiserial, "all differences are zero")),
            ("win_rate", .double(winRate)),
            ("wins", .integer(wins)), ("losses", .integer(losses)), ("ties", .integer(ties))
        ])
    }
}
