import Foundation

/// One group's score against the number of images: for each n = 2 … N, the score (mean of the
/// pair values) of n-subsets of the group's N images, drawn without replacement. When there are
/// at most `draws` n-subsets, all are enumerated (lexicographic order, as Python's
/// `itertools.combinations`), so the figures for that n are exact; otherwise `draws` subsets are
/// sampled with xoshiro256** (one generator per group, seeded with `seed`, consumed in order of
/// n), so that a run is reproducible and a Python port can replay it.
public struct SubsetCurve: Sendable, Equatable {
    /// The figures at one n.
    public struct Point: Sendable, Equatable {
        public let n: Int
        /// Subsets evaluated: all of them when `exhaustive`, else the draws.
        public let subsets: Int
        public let exhaustive: Bool
        /// Mean of the subset scores; for SCS an unbiased estimate of the full score's
        /// expectation at every n (a U-statistic), so the curve is flat up to noise.
        public let mean: Double
        /// 2.5 and 97.5 percentiles of the subset scores (`numpy.percentile`, linear): the band.
        public let low: Double
        public let high: Double
        /// Share of the subsets whose score is within ±δ of the full group's score.
        public let withinDelta: Double
    }

    /// The number of images and the score of all of them.
    public let total: Int
    public let full: Double
    /// δ the points' `withinDelta` uses.
    public let delta: Double
    public let points: [Point]

    /// The share of subsets within ±δ that counts as "pinned" (95% confidence).
    public static let confidence = 0.95

    /// `pairValues` holds the N(N−1)/2 values of pairs i < j in row-major order
    /// (`ConsistencyScore.pairSimilarities`); nil for fewer than 2 images or a count that is
    /// not N(N−1)/2.
    public init?(pairValues: [Double], draws: Int, delta: Double, seed: UInt64) {
        var n = 0
        while n * (n - 1) / 2 < pairValues.count { n += 1 }
        guard n >= 2, n * (n - 1) / 2 == pairValues.count, draws >= 1 else { return nil }
        var matrix = [Double](repeating: 0, count: n * n)
        var k = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                matrix[i * n + j] = pairValues[k]
                matrix[j * n + i] = pairValues[k]
                k += 1
            }
        }
        func score(_ subset: [Int]) -> Double {
            var sum = 0.0
            for a in 0..<subset.count {
                for b in (a + 1)..<subset.count { sum += matrix[subset[a] * n + subset[b]] }
            }
            return sum / Double(subset.count * (subset.count - 1) / 2)
        }
        let full = score(Array(0..<n))
        var rng = Xoshiro256StarStar(seed: seed)
        var points: [Point] = []
        for size in 2...n {
            var scores: [Double] = []
            let exhaustive = Self.combinations(n, size, atMost: draws) != nil
            if exhaustive {
                var subset = Array(0..<size)
                repeat { scores.append(score(subset)) } while Self.advance(&subset, n)
            } else {
                var indices = Array(0..<n)
                for _ in 0..<draws {
                    // A partial Fisher–Yates shuffle: the first `size` places are the subset.
                    for i in 0..<size { indices.swapAt(i, i + rng.index(below: n - i)) }
                    scores.append(score(Array(indices[0..<size]).sorted()))
                }
            }
            let sorted = scores.sorted()
            let within = scores.filter { abs($0 - full) <= delta }.count
            points.append(
                Point(
                    n: size, subsets: scores.count, exhaustive: exhaustive, mean: NumPy.mean(scores),
                    low: NumPy.percentile(sorted: sorted, 2.5), high: NumPy.percentile(sorted: sorted, 97.5),
                    withinDelta: Double(within) / Double(scores.count)))
        }
        (self.total, self.full, self.delta, self.points) = (n, full, delta, points)
    }

    /// The smallest n from which on every subset size keeps at least 95% of its subsets within
    /// ±δ of the full score. Conditional on these N images: at n = N the band is zero whatever
    /// the seeds' noise, so this says how many of the N images were needed to reproduce the
    /// N-image score, not how many pin the score a new set of seeds would give.
    public var nNeeded: Int {
        var needed = total
        for p in points.reversed() {
            guard p.withinDelta >= Self.confidence else { break }
            needed = p.n
        }
        return needed
    }

    /// C(n, k) when it is at most `limit`, else nil (without overflowing on the way).
    static func combinations(_ n: Int, _ k: Int, atMost limit: Int) -> Int? {
        let k = min(k, n - k)
        var c = 1
        for i in 0..<k {
            // c·(n − i)/(i + 1) is exact at each step; stop once it passes the limit.
            let (product, overflow) = c.multipliedReportingOverflow(by: n - i)
            if overflow { return nil }
            c = product / (i + 1)
            if c > limit { return nil }
        }
        return c <= limit ? c : nil
    }

    /// The next k-subset of 0 ..< n in lexicographic order; false after the last.
    private static func advance(_ subset: inout [Int], _ n: Int) -> Bool {
        let k = subset.count
        var i = k - 1
        while i >= 0 && subset[i] == n - k + i { i -= 1 }
        guard i >= 0 else { return false }
        subset[i] += 1
        for j in (i + 1)..<k { subset[j] = subset[j - 1] + 1 }
        return true
    }
}

/// A model's curve: at each n, the group curves averaged over the prompts that have at least n
/// images. The band is the mean of the prompts' bands: how far one prompt's score typically
/// moves at that n, not the (narrower) uncertainty of the model's mean over prompts.
public struct AveragedCurve: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public let n: Int
        /// Prompts averaged at this n.
        public let prompts: Int
        public let mean: Double
        public let low: Double
        public let high: Double
        public let withinDelta: Double
    }

    public let points: [Point]

    public init(_ curves: [SubsetCurve]) {
        let largest = curves.map(\.total).max() ?? 1
        var points: [Point] = []
        for n in stride(from: 2, through: largest, by: 1) {
            let at = curves.compactMap { c in c.points.first { $0.n == n } }
            guard !at.isEmpty else { continue }
            points.append(
                Point(
                    n: n, prompts: at.count, mean: NumPy.mean(at.map(\.mean)), low: NumPy.mean(at.map(\.low)),
                    high: NumPy.mean(at.map(\.high)), withinDelta: NumPy.mean(at.map(\.withinDelta))))
        }
        self.points = points
    }
}
