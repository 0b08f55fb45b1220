import Foundation

/// How well a group's images follow its prompt: the cosines of the prompt's text embedding with
/// each image embedding, and the three CLIPScore summaries of them (`Metric`).
public struct Alignment: Sendable, Equatable {
    /// cos(text, image) per image, in the group's order, in double precision.
    public var cosines: [Double]

    /// The cosines of the text embedding with each image embedding (same width).
    public init(text: [Float], images: [[Float]]) {
        cosines = images.map { ConsistencyScore.cosine(text, $0) }
    }

    /// torchmetrics' CLIPScore: the mean of 100·cos, then floored at 0 (the mean is clipped, not
    /// each image).
    public var clipscore: Double { max(100 * cosines.reduce(0, +) / Double(max(cosines.count, 1)), 0) }
    /// The best-aligned image's 100·cos, floored at 0.
    public var clipscoreMax: Double { max(100 * (cosines.max() ?? 0), 0) }
    /// Hessel et al.'s per-image 2.5·max(cos, 0), averaged.
    public var clipscoreHessel: Double { cosines.reduce(0) { $0 + 2.5 * max($1, 0) } / Double(max(cosines.count, 1)) }

    /// The summary `metric` names; nil for metrics that are not about alignment.
    public func value(of metric: Metric) -> Double? {
        switch metric {
        case .clipscore: return clipscore
        case .clipscoreMax: return clipscoreMax
        case .clipscoreHessel: return clipscoreHessel
        default: return nil
        }
    }
}
