import Foundation

/// The Semantic Consistency Score of one group of images (one model, one prompt).
public struct GroupScore: Sendable, Equatable, Codable {
    public var model: String
    public var prompt: String
    public var nImages: Int
    public var nPairs: Int
    /// Mean over pairs i < j of max(100·cos(e_i, e_j), 0).
    public var scs: Double
    /// Population standard deviation (ddof = 0, numpy's default) of the clipped pair similarities.
    public var pairSD: Double
    public var pairMin: Double
    public var pairMax: Double
    /// The other measures asked for (`scs score --metrics`), each its own column and JSON key.
    public var metrics: [Metric: Double] = [:]
    /// With the w1kp metric: its mean distance, duplicate pairs and reusability curve (JSON only).
    public var w1kp: W1KPDetail?
    /// The prompt's category (`Dataset.groupCategories`, from a manifest); scores.csv's
    /// `category` column and a JSON key, both only when known.
    public var category: String?

    public init(
        model: String, prompt: String, nImages: Int, nPairs: Int, scs: Double, pairSD: Double, pairMin: Double, pairMax: Double,
        metrics: [Metric: Double] = [:], category: String? = nil
    ) {
        (self.model, self.prompt, self.nImages, self.nPairs, self.scs) = (model, prompt, nImages, nPairs, scs)
        (self.pairSD, self.pairMin, self.pairMax, self.metrics, self.category) = (pairSD, pairMin, pairMax, metrics, category)
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, nImages = "n_images", nPairs = "n_pairs", scs, pairSD = "pair_sd", pairMin = "pair_min", pairMax = "pair_max"
        case w1kp = "w1kp_detail"
        case category
    }

    struct MetricKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            model: try c.decode(String.self, forKey: .model), prompt: try c.decode(String.self, forKey: .prompt),
            nImages: try c.decode(Int.self, forKey: .nImages), nPairs: try c.decode(Int.self, forKey: .nPairs),
            scs: try c.decode(Double.self, forKey: .scs), pairSD: try c.decode(Double.self, forKey: .pairSD),
            pairMin: try c.decode(Double.self, forKey: .pairMin), pairMax: try c.decode(Double.self, forKey: .pairMax))
        w1kp = try c.decodeIfPresent(W1KPDetail.self, forKey: .w1kp)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        let extra = try decoder.container(keyedBy: MetricKey.self)
        for metric in Metric.allCases where metric != .scs {
            if let v = try extra.decodeIfPresent(Double.self, forKey: MetricKey(stringValue: metric.rawValue)) { metrics[metric] = v }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(prompt, forKey: .prompt)
        try c.encodeIfPresent(category, forKey: .category)
        try c.encode(nImages, forKey: .nImages)
        try c.encode(nPairs, forKey: .nPairs)
        try c.encode(scs, forKey: .scs)
        try c.encode(pairSD, forKey: .pairSD)
        try c.encode(pairMin, forKey: .pairMin)
        try c.encode(pairMax, forKey: .pairMax)
        try c.encodeIfPresent(w1kp, forKey: .w1kp)
        var extra = encoder.container(keyedBy: MetricKey.self)
        for (metric, value) in metrics { try extra.encode(value, forKey: MetricKey(stringValue: metric.rawValue)) }
    }
}

public enum ConsistencyScore {
    /// The clipped pair similarities max(100·cos, 0) for i < j, in row-major pair order.
    /// Cosines are computed in double precision from the float32 embeddings.
    public static func pairSimilarities(_ embeddings: [[Float]]) -> [Double] {
        pairCosines(embeddings).map { max(100 * $0, 0) }
    }

    /// The mean DreamSim distance of a group: 1 − cos over pairs i < j, averaged.
    public static func meanPairDistance(_ embeddings: [[Float]]) -> Double {
        let cosines = pairCosines(embeddings)
        return cosines.reduce(0) { $0 + (1 - $1) } / Double(max(cosines.count, 1))
    }

    /// cos(e_i, e_j) for i < j, in row-major pair order, in double precision.
    static func pairCosines(_ embeddings: [[Float]]) -> [Double] {
        let normalized = unitRows(embeddings)
        var sims: [Double] = []
        sims.reserveCapacity(embeddings.count * (embeddings.count - 1) / 2)
        for i in 0..<normalized.count {
            for j in (i + 1)..<max(normalized.count, i + 1) {
                var dot = 0.0
                for k in 0..<normalized[i].count { dot += normalized[i][k] * normalized[j][k] }
                sims.append(dot)
            }
        }
        return sims
    }

    /// Each embedding in double precision, divided by its L2 norm (a zero row stays zero).
    static func unitRows(_ embeddings: [[Float]]) -> [[Double]] {
        embeddings.map { e in
            let v = e.map(Double.init)
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : v
        }
    }

    /// The cosine of two embeddings, in double precision (0 if either is zero).
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }

    /// The score of a group of at least two embeddings; nil for fewer (no pair to compare).
    public static func score(model: String, prompt: String, embeddings: [[Float]]) -> GroupScore? {
        guard embeddings.count >= 2 else { return nil }
        let sims = pairSimilarities(embeddings)
        let mean = sims.reduce(0, +) / Double(sims.count)
        let variance = sims.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sims.count)
        return GroupScore(
            model: model, prompt: prompt, nImages: embeddings.count, nPairs: sims.count, scs: mean,
            pairSD: variance.squareRoot(), pairMin: sims.min()!, pairMax: sims.max()!)
    }
}

/// Per-model summary of prompt scores.
public struct ModelSummary: Sendable, Equatable, Codable {
    public var model: String
    public var prompts: Int
    public var mean: Double
    public var median: Double
    /// Sample standard deviation (ddof = 1, as pandas' `.std()`); 0 for a single prompt.
    public var sd: Double

    public init(model: String, scores: [Double]) {
        self.model = model
        prompts = scores.count
        mean = scores.reduce(0, +) / Double(max(scores.count, 1))
        let sorted = scores.sorted()
        let n = sorted.count
        median = n == 0 ? .nan : (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2)
        let m = mean
        sd = n > 1 ? (sorted.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot() : 0
    }

    public static func summarize(_ scores: [GroupScore]) -> [ModelSummary] {
        var order: [String] = []
        var byModel: [String: [Double]] = [:]
        for s in scores {
            if byModel[s.model] == nil { order.append(s.model) }
            byModel[s.model, default: []].append(s.scs)
        }
        return order.map { ModelSummary(model: $0, scores: byModel[$0]!) }
    }
}
