import Foundation

/// How many prompts a paired comparison needs to detect a difference: the power of the test the
/// verdict uses (`Wilcoxon.test`, two-sided) estimated by resampling the observed paired
/// differences, centred on zero and shifted to the difference D asked about, with replacement.
///
/// The power at k prompts is the share of `draws` resamples of k differences whose Wilcoxon
/// p-value is below α. Each k has its own generator, xoshiro256** seeded with
/// seed + k·0x9E3779B97F4A7C15 (mod 2⁶⁴), so that the power at k does not depend on which other
/// k the search looked at. The search doubles k from 2 until the power reaches the target, then
/// bisects between the last two k: the smallest k it finds assumes the power grows with k, which
/// holds in expectation, not draw by draw.
public struct PairedPower: Sendable, Equatable {
    /// The difference D (mean of the shifted differences), α, the target power, the resamples
    /// per k.
    public let difference: Double
    public let alpha: Double
    public let target: Double
    public let draws: Int
    /// The differences observed (their count: the prompts compared).
    public let observed: Int
    /// Every k the search evaluated, ascending, with its estimated power.
    public let evaluated: [(prompts: Int, power: Double)]
    /// The smallest k found with power ≥ target; nil when even `maxPrompts` falls short.
    public let prompts: Int?
    public let maxPrompts: Int

    /// The default bound of the search.
    public static let defaultMaxPrompts = 8192

    public init(
        differences: [Double], difference: Double, alpha: Double = 0.05, target: Double = 0.8, draws: Int = 1000,
        seed: UInt64 = 0, maxPrompts: Int = PairedPower.defaultMaxPrompts
    ) {
        precondition(!differences.isEmpty && draws > 0 && maxPrompts >= 2)
        let centre = NumPy.mean(differences)
        let shifted = differences.map { $0 - centre + difference }
        var powers: [Int: Double] = [:]
        func power(_ k: Int) -> Double {
            if let known = powers[k] { return known }
            let p = Self.power(of: shifted, prompts: k, alpha: alpha, draws: draws, seed: seed)
            powers[k] = p
            return p
        }
        var k = 2
        var found: Int?
        while true {
            if power(k) >= target { found = k; break }
            if k >= maxPrompts { break }
            k = min(2 * k, maxPrompts)
        }
        if var high = found, high > 2 {
            // The largest k evaluated below `high` fell short.
            var low = powers.keys.filter { $0 < high }.max()!
            while high - low > 1 {
                let mid = (low + high) / 2
                if power(mid) >= target { high = mid } else { low = mid }
            }
            found = high
        }
        (self.difference, self.alpha, self.target, self.draws) = (difference, alpha, target, draws)
        observed = differences.count
        evaluated = powers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        prompts = found
        self.maxPrompts = maxPrompts
    }

    /// The seed of the generator for k prompts.
    public static func seed(_ seed: UInt64, prompts k: Int) -> UInt64 {
        seed &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15
    }

    /// The share of `draws` resamples of k values of `shifted` (with replacement) that the
    /// Wilcoxon test rejects at `alpha`; a resample the test cannot judge (all zero) is not a
    /// rejection.
    public static func power(of shifted: [Double], prompts k: Int, alpha: Double, draws: Int, seed: UInt64) -> Double {
        var rng = Xoshiro256StarStar(seed: Self.seed(seed, prompts: k))
        let zeros = [Double](repeating: 0, count: k)
        var rejected = 0
        for _ in 0..<draws {
            let sample = (0..<k).map { _ in shifted[rng.index(below: shifted.count)] }
            if let p = Wilcoxon.test(sample, zeros).pvalue, p < alpha { rejected += 1 }
        }
        return Double(rejected) / Double(draws)
    }

    public static func == (l: PairedPower, r: PairedPower) -> Bool {
        l.difference == r.difference && l.alpha == r.alpha && l.target == r.target && l.draws == r.draws && l.observed == r.observed
            && l.prompts == r.prompts && l.maxPrompts == r.maxPrompts && l.evaluated.map(\.prompts) == r.evaluated.map(\.prompts)
            && l.evaluated.map(\.power) == r.evaluated.map(\.power)
    }

    /// "about 23 prompts would detect a difference of +4.0 with power 0.8", or why not.
    public func sentence(unit: String) -> String {
        let d = Format.signedShowingSmall(difference) + " " + unit
        let level = "with power \(Format.short(target)) at α = \(Format.short(alpha))"
        if let prompts { return "about \(prompts) prompts would detect a difference of \(d) \(level)" }
        return "more than \(maxPrompts) prompts would be needed to detect a difference of \(d) \(level)"
    }

    /// The `power` object of compare's JSON.
    public var json: JSONValue {
        .object([
            ("test", .string("wilcoxon")), ("difference", .double(difference)), ("alpha", .double(alpha)),
            ("target_power", .double(target)), ("draws", .integer(draws)), ("observed_pairs", .integer(observed)),
            ("prompts_needed", prompts.map { .integer($0) } ?? .null), ("max_prompts", .integer(maxPrompts)),
            (
                "evaluated",
                .array(evaluated.map { .object([("prompts", .integer($0.prompts)), ("power", .double($0.power))]) })
            )
        ])
    }
}

extension Format {
    /// "0.8", "0.95": the shortest decimal that reads back as the value.
    public static func short(_ x: Double) -> String { "\(x)" }
}
