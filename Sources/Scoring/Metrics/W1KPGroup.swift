import Foundation

/// What the JSON summary says of one group's W1KP beyond the `w1kp` column: the mean distance
/// it calibrates, the pairs the reference would have dropped as duplicates (named by file, not
/// silently left out), and the reusability curve.
public struct W1KPDetail: Sendable, Equatable, Codable {
    /// One pair at or below `W1KP.duplicateDistance`: the same picture twice.
    public struct Duplicate: Sendable, Equatable, Codable {
        public var a: String
        public var b: String
        public var distance: Double
    }

    /// d̄, the mean squared DreamSim-l2 distance over the kept pairs; nil if none was kept.
    public var meanDistance: Double?
    public var keptPairs: Int
    public var duplicateThreshold: Double
    public var duplicates: [Duplicate]
    public var calibration: String
    public var reusability: [W1KPReusability.Point]
    /// The threshold on the calibrated u_k and the first k below it (nil: not within n images).
    public var repeatThreshold: Double
    public var repeatK: Int?

    enum CodingKeys: String, CodingKey {
        case meanDistance = "mean_distance", keptPairs = "kept_pairs", duplicateThreshold = "duplicate_threshold", duplicates,
            calibration, reusability, repeatThreshold = "repeat_threshold", repeatK = "repeat_k"
    }

    /// A group's detail and score from its embeddings (DreamSim's) and the images' paths, in the
    /// same order; `seed` fixes any sampled point of the curve.
    public static func compute(embeddings: [[Float]], paths: [String], seed: UInt64 = 0) -> (score: Double?, detail: W1KPDetail) {
        let d = W1KP.squaredDistances(embeddings)
        let summary = W1KP.Summary(distances: d)
        let curve = W1KPReusability.curve(distances: d, seed: seed)
        let detail = W1KPDetail(
            meanDistance: summary.meanDistance, keptPairs: summary.keptPairs, duplicateThreshold: W1KP.duplicateDistance,
            duplicates: summary.duplicates.map { Duplicate(a: paths[$0.i], b: paths[$0.j], distance: $0.distance) },
            calibration: W1KP.calibrationSource, reusability: curve, repeatThreshold: W1KPReusability.repeatThreshold,
            repeatK: W1KPReusability.repeatK(curve))
        return (summary.score, detail)
    }
}
