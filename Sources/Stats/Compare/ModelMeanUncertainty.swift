import Foundation

/// A model's mean SCS over its prompts, and how sure it is, when the scores carry each prompt's
/// standard error (scs_se). Two standard errors of the mean over k prompts:
/// - from the prompts, sd/√k (sd with ddof 1): the spread of the prompts' scores, which holds
///   both the prompts' real differences and each score's seed noise;
/// - the part the seeds account for, √(Σ se_i²)/k: the SE the mean would have if the prompts
///   were fixed and only the images drawn again. More images per prompt shrink this part only.
public struct ModelMeanUncertainty: Sendable, Equatable, Codable {
    public var model: String
    public var prompts: Int
    public var mean: Double
    /// sd/√k over the prompts' scores; nil for one prompt.
    public var sePrompts: Double?
    /// √(Σ se_i²)/k; nil unless every prompt has a standard error.
    public var seSeeds: Double?
    /// The 95% interval of the mean over prompts, mean ± t(0.975, k − 1)·sePrompts (the prompts'
    /// scores as k values, as a group's interval treats its images); nil for one prompt.
    public var low: Double?
    public var high: Double?

    enum CodingKeys: String, CodingKey {
        case model, prompts, mean, sePrompts = "se_prompts", seSeeds = "se_seeds", low, high
    }

    /// `scores` one per prompt, `standardErrors` beside them (nil where a prompt has none);
    /// nil for no prompt.
    public init?(model: String, scores: [Double], standardErrors: [Double?]) {
        let k = scores.count
        guard k > 0, standardErrors.count == k else { return nil }
        let kd = Double(k)
        let mean = scores.reduce(0, +) / kd
        self.model = model
        prompts = k
        self.mean = mean
        sePrompts = k > 1 ? (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (kd - 1) / kd).squareRoot() : nil
        let known = standardErrors.compactMap { $0 }
        seSeeds = known.count == k ? known.reduce(0) { $0 + $1 * $1 }.squareRoot() / kd : nil
        if let se = sePrompts {
            let half = StudentT.quantile(0.975, df: kd - 1) * se
            (low, high) = (mean - half, mean + half)
        }
    }
}
