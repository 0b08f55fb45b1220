import Foundation

/// W1KP's reusability curve: u_k, the expected minimum squared distance between two of k images
/// drawn at random (without replacement) from the group, for k = 2 … n (past 100 images every
/// 25th k: `sizes`). The authors estimate it from 1,000 random permutations for a few k (`reduce='reusability'` in
/// `ListwiseDreamSimDistanceMeasure.measure`; every pair counts there, duplicates included); here
/// it is the exact expectation over all C(n, k) subsets wherever that is cheap, and a seeded
/// sample with its standard error beyond.
public enum W1KPReusability {
    /// Up to this many images, every subset is visited once (2ⁿ of them, one step each) and all k
    /// are exact together.
    public static let allSubsetsLimit = 20
    /// Larger groups: a k whose C(n, k) is at most this is still enumerated exactly.
    public static let enumerationLimit = 100_000.0
    /// Otherwise this many random k-subsets (the reference draws 1,000).
    public static let samples = 2_000
    /// Every k up to this is on the curve; past it, every 25th and n (the reference's own k go to
    /// 200 in steps of 50), which keeps a group of a thousand images to some seconds.
    public static let everyKLimit = 100
    /// A prompt starts to repeat at the first k whose calibrated u_k, 1 − F(u_k), reaches this:
    /// the closest pair among k images is then expected closer than 80% of the calibration's
    /// distances (a choice of scs's; the paper reads its ranges off the curves).
    public static let repeatThreshold = 0.8

    public enum Method: String, Codable, Sendable { case exact, sampled }

    public struct Point: Sendable, Equatable, Codable {
        public var k: Int
        /// u_k: the expected minimum squared DreamSim-l2 distance among k of the images.
        public var expectedMinimum: Double
        /// 1 − F(u_k), on W1KP's scale (the reference's script applies F to u_k the same way).
        public var score: Double
        public var method: Method
        /// For a sampled k: how many subsets, and the standard error of their mean.
        public var samples: Int?
        public var standardError: Double?

        enum CodingKeys: String, CodingKey {
            case k, expectedMinimum = "u", score = "w1kp", method, samples, standardError = "standard_error"
        }
    }

    /// The sizes on the curve of a group of n: 2 … n, or past `everyKLimit` every 25th and n.
    public static func sizes(_ n: Int) -> [Int] {
        guard n >= 2 else { return [] }
        if n <= everyKLimit { return Array(2...n) }
        return Array(2...everyKLimit) + stride(from: everyKLimit + 25, to: n, by: 25) + [n]
    }

    /// The curve of a full distance matrix at `sizes(n)`; `seed` fixes the sampled points.
    public static func curve(distances d: [[Double]], seed: UInt64 = 0) -> [Point] {
        let n = d.count
        guard n >= 2 else { return [] }
        var points: [Point] = []
        if n <= allSubsetsLimit {
            for (k, u) in allSubsetMeans(d) { points.append(Point(k: k, expectedMinimum: u, score: W1KP.score(meanDistance: u), method: .exact)) }
            return points
        }
        var generator = SplitMix64(seed: seed)
        let sortedPairs = pairsByDistance(d)
        for k in sizes(n) {
            if binomial(n, k) <= enumerationLimit {
                let u = enumeratedMean(d, k: k)
                points.append(Point(k: k, expectedMinimum: u, score: W1KP.score(meanDistance: u), method: .exact))
            } else {
                let (mean, se) = sampledMean(d, sortedPairs: sortedPairs, k: k, generator: &generator)
                points.append(
                    Point(k: k, expectedMinimum: mean, score: W1KP.score(meanDistance: mean), method: .sampled, samples: samples, standardError: se))
            }
        }
        return points
    }

    /// The first k of the curve whose calibrated score reaches `threshold`; nil if none does.
    public static func repeatK(_ curve: [Point], threshold: Double = repeatThreshold) -> Int? {
        curve.first { $0.score >= threshold }?.k
    }

    /// Σ over all subsets S of size k of min over pairs in S, divided by C(n, k), for every k at
    /// once. min(S) is the least of min(S without its highest member), min(S without its lowest)
    /// and the distance of those two: every other pair of S misses one of them.
    static func allSubsetMeans(_ d: [[Double]]) -> [(Int, Double)] {
        let n = d.count, count = 1 << n
        var minimum = [Double](repeating: .infinity, count: count)
        var sums = [Double](repeating: 0, count: n + 1)
        for s in 1..<count where s & (s - 1) != 0 {
            let lo = s.trailingZeroBitCount, hi = Int.bitWidth - 1 - s.leadingZeroBitCount
            let m = Swift.min(minimum[s ^ (1 << hi)], minimum[s ^ (1 << lo)], d[lo][hi])
            minimum[s] = m
            sums[s.nonzeroBitCount] += m
        }
        return (2...n).map { ($0, sums[$0] / binomial(n, $0)) }
    }

    /// The mean of the minimum over every k-subset, visited in lexicographic order with the
    /// running minimum of its prefix.
    static func enumeratedMean(_ d: [[Double]], k: Int) -> Double {
        let n = d.count
        var total = 0.0
        var chosen: [Int] = []
        func extend(from start: Int, running: Double) {
            if chosen.count == k {
                total += running
                return
            }
            guard start <= n - (k - chosen.count) else { return }
            for next in start...(n - (k - chosen.count)) {
                var m = running
                for c in chosen { m = Swift.min(m, d[c][next]) }
                chosen.append(next)
                extend(from: next + 1, running: m)
                chosen.removeLast()
            }
        }
        extend(from: 0, running: .infinity)
        return total / binomial(n, k)
    }

    /// Every pair i < j, nearest first: their ends and distances in three flat arrays.
    struct SortedPairs {
        var a: [Int] = [], b: [Int] = [], distance: [Double] = []
    }

    static func pairsByDistance(_ d: [[Double]]) -> SortedPairs {
        var pairs: [(Int, Int)] = []
        for i in 0..<d.count { for j in (i + 1)..<d.count { pairs.append((i, j)) } }
        pairs.sort { d[$0.0][$0.1] < d[$1.0][$1.1] }
        return SortedPairs(a: pairs.map(\.0), b: pairs.map(\.1), distance: pairs.map { d[$0.0][$0.1] })
    }

    /// The mean and standard error (sample SD / √samples) of the minimum over random k-subsets:
    /// a partial Fisher–Yates shuffle draws each subset, and its minimum is the first pair in
    /// distance order with both ends drawn.
    static func sampledMean(_ d: [[Double]], sortedPairs pairs: SortedPairs, k: Int, generator: inout SplitMix64) -> (Double, Double) {
        let n = d.count
        var order = Array(0..<n)
        var member = [Bool](repeating: false, count: n)
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<samples {
            for i in 0..<k {
                order.swapAt(i, i + Int(generator.next(below: UInt64(n - i))))
                member[order[i]] = true
            }
            var p = 0
            while !(member[pairs.a[p]] && member[pairs.b[p]]) { p += 1 }
            let m = pairs.distance[p]
            sum += m
            sumSquares += m * m
            for i in 0..<k { member[order[i]] = false }
        }
        let count = Double(samples), mean = sum / count
        let variance = Swift.max(sumSquares - count * mean * mean, 0) / (count - 1)
        return (mean, (variance / count).squareRoot())
    }

    /// C(n, k) as a double (exact up to 2⁵³, which the limits above stay well within).
    static func binomial(_ n: Int, _ k: Int) -> Double {
        var r = 1.0
        for i in 0..<Swift.min(k, n - k) { r = r * Double(n - i) / Double(i + 1) }
        return r.rounded()
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a documented 64-bit generator, so that a sampled point
/// of the curve can be reproduced. SCSStats has the project's xoshiro256**, but SCSStats comes after
/// SCSScoring in the layers and SCSScoring may not depend on it, so the scorer carries this one.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0 ..< bound by rejection (no modulo bias).
    mutating func next(below bound: UInt64) -> UInt64 {
        let limit = (UInt64.max / bound) * bound
        while true {
            let x = next()
            if x < limit { return x % bound }
        }
    }
}
