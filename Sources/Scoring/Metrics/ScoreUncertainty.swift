import Foundation

/// How sure one group's SCS is, as a U-statistic of order 2 over its n images: SCS = U_n, the
/// mean over the n(n−1)/2 pairs of the kernel h(i, j) = max(100·cos(e_i, e_j), 0). Everything is
/// computed in O(n²) from the pair values through the row sums R_i = Σ_{j≠i} h(i, j), the total
/// S = Σ_{i<j} h and the sum of squares Q = Σ_{i<j} h².
///
/// - The jackknife over images (Arvesen 1969, "Jackknifing U-statistics"): U_{−i}, the score
///   without image i, is (S − R_i) / C(n−1, 2), and var = (n−1)/n · Σ_i (U_{−i} − Ū)². It is
///   never negative and needs n ≥ 3; it is the standard error scores.csv carries (scs_se).
/// - Hoeffding's variance components (Hoeffding 1948): ζ₁ = Cov(h(1,2), h(1,3)) and
///   ζ₂ = Var h(1,2), each estimated without bias from products of pair values over distinct
///   images (n ≥ 4), so that Var U_m = 4(m−2)/(m(m−1))·ζ₁ + 2/(m(m−1))·ζ₂ can be projected to
///   another number of images m (`projectedStandardError(images:)`). At m = n that is the
///   unbiased variance of U_n, which can come out negative at small n (the jackknife cannot).
public struct ScoreUncertainty: Sendable, Equatable {
    /// The number of images.
    public let n: Int
    /// The group's SCS, U_n.
    public let scs: Double
    /// The jackknife standard error over images; nil below 3 images (leaving one out of two leaves
    /// no pair).
    public let jackknifeSE: Double?
    /// The leave-one-image-out scores U_{−i}, in image order; empty below 3 images.
    public let leaveOneOut: [Double]
    /// Unbiased estimate of ζ₁ = Cov(h(i,j), h(i,k)), the variance of one image's expected
    /// similarity to the others; nil below 4 images. Can be negative.
    public let zeta1: Double?
    /// Unbiased estimate of ζ₂ = Var h(i,j), the variance of one pair's similarity; nil below 4 images.
    public let zeta2: Double?

    /// From the pair values h(i, j), i < j, in row-major pair order (as
    /// `ConsistencyScore.pairSimilarities` gives them) for `images` images; nil below 2 images or
    /// when the count of values is not C(images, 2).
    public init?(pairValues h: [Double], images n: Int) {
        guard n >= 2, h.count == n * (n - 1) / 2 else { return nil }
        var rows = [Double](repeating: 0, count: n)
        var total = 0.0, squares = 0.0, k = 0
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                let v = h[k]
                k += 1
                rows[i] += v
                rows[j] += v
                total += v
                squares += v * v
            }
        }
        let nd = Double(n), pairs = nd * (nd - 1) / 2
        self.n = n
        scs = total / pairs
        if n >= 3 {
            let rest = (nd - 1) * (nd - 2) / 2
            let loo = rows.map { (total - $0) / rest }
            let mean = loo.reduce(0, +) / nd
            let spread = loo.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            leaveOneOut = loo
            jackknifeSE = ((nd - 1) / nd * spread).squareRoot()
        } else {
            leaveOneOut = []
            jackknifeSE = nil
        }
        if n >= 4 {
            // Ordered (i; j ≠ k, both ≠ i): pairs sharing exactly image i. Σ_i (R_i² − Σ_j h_ij²).
            let shared = rows.reduce(0) { $0 + $1 * $1 } - 2 * squares
            // Ordered pairs of disjoint pairs: S² counts every ordered pair of pairs once.
            let disjoint = total * total - squares - shared
            let meanSquare = squares / pairs
            let meanShared = shared / (nd * (nd - 1) * (nd - 2))
            let meanDisjoint = disjoint / (pairs * (nd - 2) * (nd - 3) / 2)
            zeta1 = meanShared - meanDisjoint
            zeta2 = meanSquare - meanDisjoint
        } else {
            zeta1 = nil
            zeta2 = nil
        }
    }

    /// From a group's embeddings, with the SCS kernel.
    public init?(embeddings: [[Float]]) {
        self.init(pairValues: ConsistencyScore.pairSimilarities(embeddings), images: embeddings.count)
    }

    /// Var U_m from Hoeffding's components: 4(m−2)/(m(m−1))·ζ₁ + 2/(m(m−1))·ζ₂; nil below 2
    /// images or when the components are unknown (fewer than 4 images). With the unbiased
    /// estimates as they are, so it may be negative on small groups (`unbiasedVariance`).
    public func projectedVariance(images m: Int) -> Double? {
        guard m >= 2, let zeta1, let zeta2 else { return nil }
        return Self.variance(images: m, zeta1: zeta1, zeta2: zeta2)
    }

    static func variance(images m: Int, zeta1: Double, zeta2: Double) -> Double {
        let md = Double(m)
        return 4 * (md - 2) / (md * (md - 1)) * zeta1 + 2 / (md * (md - 1)) * zeta2
    }

    /// The standard error the SCS of this prompt would have with m images per group (seeds) from
    /// the same model. The question "how many seeds" asks of it, so it must not vanish: the
    /// components are first brought inside what they can be in the population, ζ₁ ≥ 0 and
    /// ζ₂ ≥ 2ζ₁ (Hoeffding 1948: ζ_c/c grows with c). Flooring Var U_m at 0 instead would let a
    /// negative estimate of ζ₁ pin any prompt to any δ at a large enough m. Nil as
    /// `projectedVariance`.
    public func projectedStandardError(images m: Int) -> Double? {
        guard m >= 2, let zeta1, let zeta2 else { return nil }
        let z1 = max(zeta1, 0)
        return Self.variance(images: m, zeta1: z1, zeta2: max(zeta2, 2 * z1)).squareRoot()
    }

    /// The unbiased U-statistic variance of this group's SCS (Var U_n at m = n); nil below 4 images.
    public var unbiasedVariance: Double? { projectedVariance(images: n) }

    /// The interval scs ± `critical`·se (se the jackknife's), clipped to the SCS's range [0, 100];
    /// nil without a jackknife SE. `critical` is the caller's quantile: for 95%, Student's
    /// t_{0.975} with n − 1 degrees of freedom, as the jackknife's pseudo-values are n values.
    public func interval(critical: Double) -> (low: Double, high: Double)? {
        guard let se = jackknifeSE else { return nil }
        return (max(scs - critical * se, 0), min(scs + critical * se, 100))
    }
}
