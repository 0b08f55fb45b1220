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
        guard standardErrors.count == k, let interval = MeanInterval(scores) else { return nil }
        self.model = model
        prompts = k
        mean = interval.mean
        (sePrompts, low, high) = (interval.standardError, interval.low, interval.high)
        let known = standardErrors.compactMap { $0 }
        seSeeds = known.count == k ? known.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(k) : nil
    }
}
