import Foundation

/// A seeded bootstrap of the mean paired difference with percentile and BCa intervals.
public enum Bootstrap {
    /// A two-sided confidence interval, or why there is none.
    public struct Interval: Sendable, Equatable {
        public let low: Double?
        public let high: Double?
        public let notComputable: String?

        init(_ low: Double, _ high: Double) {
            if low.isFinite && high.isFinite {
                self.low = low; self.high = high; notComputable = nil
            } else {
                self.low = nil; self.high = nil; notComputable = "the interval is undefined for these data"
            }
        }

        init(reason: String) { low = nil; high = nil; notComputable = reason }

        public var json: JSONValue {
            if let low, let high { return .array([.double(low), .double(high)]) }
            return .object([("not_computable", .string(notComputable ?? ""))])
        }
    }

    /// Means of `resamples` resamples of `d` drawn with replacement, indices from
    /// `Xoshiro256StarStar(seed:)`: resample after resample, n indices each, in order.
    public static func distribution(_ d: [Double], resamples: Int, seed: UInt64) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed)
        var buffer = [Double](repeating: 0, count: d.count)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for i in 0..<d.count { buffer[i] = d[rng.index(below: d.count)] }
            means.append(NumPy.mean(buffer))
        }
        return means
    }

    /// The percentile interval: the α and 1 − α quantiles of the bootstrap distribution,
    /// α = (1 − level)/2, as `scipy.stats.bootstrap(method="percentile")`.
    public static func percentileInterval(_ distribution: [Double], level: Double = 0.95) -> Interval {
        let alpha = (1 - level) / 2
        let sorted = distribution.sorted()
        return Interval(quantile(sorted, alpha), quantile(sorted, 1 - alpha))
    }

    /// The bias-corrected and accelerated interval of the mean, as `scipy.stats.bootstrap`
    /// (method "BCa", Efron & Tibshirani 1993, §14.3 and eq. 15.36):
    /// z₀ = Φ⁻¹((#{θ*ᵦ < θ̂} + #{θ*ᵦ ≤ θ̂}) / 2B), â = Σ U³ / (6 (Σ U²)^{3/2}) from the jackknife
    /// U_i = (n − 1)(θ̄₍.₎ − θ̂₍ᵢ₎), and the interval is the distribution's quantiles at
    /// Φ(z₀ + (z₀ ± z_α)/(1 − â(z₀ ± z_α))).
    public static func bcaInterval(_ d: [Double], _ distribution: [Double], level: Double = 0.95) -> Interval {
        let n = d.count
        guard n >= 2 else { return Interval(reason: "needs at least 2 pairs") }
        guard !distribution.isEmpty else { return Interval(reason: "no resamples") }
        let thetaHat = NumPy.mean(d)
        let below = distribution.filter { $0 < thetaHat }.count
        let atOrBelow = distribution.filter { $0 <= thetaHat }.count
        let z0 = Normal.quantile(Double(below + atOrBelow) / Double(2 * distribution.count))
        var jackknife: [Double] = []
        jackknife.reserveCapacity(n)
        for i in 0..<n {
            var rest = d
            rest.remove(at: i)
            jackknife.append(NumPy.mean(rest))
        }
        let dot = NumPy.mean(jackknife)
        let nd = Double(n)
        let u = jackknife.map { (nd - 1) * (dot - $0) }
        let numerator = NumPy.sum(u.map { $0 * $0 * $0 }) / (nd * nd * nd)
        let denominator = NumPy.sum(u.map { $0 * $0 }) / (nd * nd)
        let aHat = 1.0 / 6 * numerator / pow(denominator, 1.5)
        if aHat.isNaN { return Interval(reason: "all paired differences are equal") }
        let zAlpha = Normal.quantile((1 - level) / 2)
        let num1 = z0 + zAlpha, num2 = z0 - zAlpha
        let alpha1 = Normal.cdf(z0 + num1 / (1 - aHat * num1))
        let alpha2 = Normal.cdf(z0 + num2 / (1 - aHat * num2))
        let sorted = distribution.sorted()
        return Interval(quantile(sorted, alpha1), quantile(sorted, alpha2))
    }

    /// `scipy.stats.quantile(x, p, method="linear")` of sorted values: j = ⌊pn + 1 − p⌋ − 1,
    /// g = (pn + 1 − p) mod 1, (1 − g)·x[j] + g·x[j + 1], indices clipped.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard p.isFinite, p >= 0, p <= 1 else { return .nan }
        let n = Double(sorted.count)
        let jg = p * n + (1 - p)
        let jp1 = jg.rounded(.down)
        let j = jp1 - 1
        var g = jg - jp1
        if j < 0 { g = 0 }
        let lo = Int(min(max(j, 0), n - 1)), hi = Int(min(max(jp1, 0), n - 1))
        return (1 - g) * sorted[lo] + g * sorted[hi]
    }
}
