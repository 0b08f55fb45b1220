import Foundation

/// The Friedman test and Holm's step-down adjustment, for comparing more than two models.
public enum Friedman {
    /// `scipy.stats.friedmanchisquare(*samples)`: `blocks[i][j]` is treatment j's score in
    /// block i (here: model j on prompt i). Ranks within each block (ties averaged),
    /// Q = (12/(nk(k+1)) Σ R_j² − 3n(k+1)) / (1 − Σ(t³ − t)/(nk(k² − 1))), p = χ²_{k−1} sf.
    public static func test(_ blocks: [[Double]]) -> TestResult {
        let name = "friedmanchisquare"
        guard let k = blocks.first?.count, k >= 3 else {
            return TestResult(test: name, reason: "needs at least 3 models, got \(blocks.first?.count ?? 0)")
        }
        guard blocks.allSatisfy({ $0.count == k }) else { return TestResult(test: name, reason: "blocks of unequal size") }
        let n = blocks.count
        guard n >= 1 else { return TestResult(test: name, reason: "no prompt is shared by all models") }
        var rankSums = [Double](repeating: 0, count: k)
        var ties = 0.0
        for block in blocks {
            let r = Ranks(block)
            for j in 0..<k { rankSums[j] += r.ranks[j] }
            ties += r.tieCounts.reduce(0.0) { $0 + Double($1) * (Double($1) * Double($1) - 1) }
        }
        let kd = Double(k), nd = Double(n)
        let c = 1 - ties / (kd * (kd * kd - 1) * nd)
        if c == 0 { return TestResult(test: name, reason: "every prompt gives all models the same score") }
        let ssbn = NumPy.sum(rankSums.map { $0 * $0 })
        let statistic = (12.0 / (kd * nd * (kd + 1)) * ssbn - 3 * nd * (kd + 1)) / c
        return TestResult(
            test: name, statistic: statistic, pvalue: ChiSquare.sf(statistic, df: kd - 1),
            extra: ["df": kd - 1, "n_prompts": nd])
    }
}

/// Holm's (1979) step-down adjustment for multiple comparisons.
public enum Holm {
    /// Adjusted p-values in the input order: with p₍₁₎ ≤ … ≤ p₍ₘ₎,
    /// p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎). nil entries (tests not computable) are left
    /// out of the family and stay nil.
    public static func adjust(_ pvalues: [Double?]) -> [Double?] {
        let present = pvalues.enumerated().compactMap { i, p in p.map { (i, $0) } }
        let m = present.count
        // Stable order, so equal p-values keep their input order as numpy.argsort would.
        let order = present.enumerated().sorted { $0.element.1 < $1.element.1 || ($0.element.1 == $1.element.1 && $0.offset < $1.offset) }
        var adjusted = [Double?](repeating: nil, count: pvalues.count)
        var running = 0.0
        for (rank, item) in order.enumerated() {
            let value = min(1, Double(m - rank) * item.element.1)
            running = max(running, value)
            adjusted[item.element.0] = running
        }
        return adjusted
    }
}
