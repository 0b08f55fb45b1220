import Foundation

/// Near-duplicate images within a group: two seeds that drew the same picture. The one
/// definition `scs score` lists and `scs report` shows: a pair i < j whose cosine on the
/// backbone's embeddings is at least `threshold` (on DreamSim, whose distance is 1 − cos, a
/// distance of at most 1 − threshold). Cosines are computed as the score computes them
/// (`ConsistencyScore.pairCosines`: double precision from the float32 embeddings), so a pair's
/// similarity here is its SCS pair value divided by 100.
public enum NearDuplicates {
    /// cos ≥ 0.95 (an SCS pair value of 95; a DreamSim distance of 0.05 or less): see
    /// docs/score.md for why.
    public static let defaultThreshold = 0.95

    /// One near-duplicate pair of a group: the images' positions in the group and their cosine.
    public struct Pair: Sendable, Equatable {
        public let first: Int
        public let second: Int
        public let cosine: Double
    }

    /// The pairs i < j of `embeddings` with cos(e_i, e_j) ≥ `threshold`, in row-major pair order.
    public static func pairs(_ embeddings: [[Float]], threshold: Double = defaultThreshold) -> [Pair] {
        let cosines = ConsistencyScore.pairCosines(embeddings)
        var found: [Pair] = []
        var k = 0
        for i in 0..<embeddings.count {
            for j in (i + 1)..<max(embeddings.count, i + 1) {
                if cosines[k] >= threshold { found.append(Pair(first: i, second: j, cosine: cosines[k])) }
                k += 1
            }
        }
        return found
    }
}

/// A group's near-duplicate pairs with their image files, as `scs score --json` lists them.
public struct GroupNearDuplicates: Sendable, Equatable, Codable {
    public struct Pair: Sendable, Equatable, Codable {
        public var imageA: String
        public var imageB: String
        /// The cosine of the two embeddings (100 × it is the pair's SCS value).
        public var cosine: Double

        enum CodingKeys: String, CodingKey { case imageA = "image_a", imageB = "image_b", cosine }
    }

    public var model: String
    public var prompt: String
    public var nImages: Int
    public var pairs: [Pair]

    enum CodingKeys: String, CodingKey { case model, prompt, nImages = "n_images", pairs }

    /// The near-duplicates of one group whose images are `paths`, beside `embeddings`; nil when
    /// there is none.
    public init?(model: String, prompt: String, paths: [String], embeddings: [[Float]], threshold: Double) {
        let found = NearDuplicates.pairs(embeddings, threshold: threshold)
        guard !found.isEmpty else { return nil }
        (self.model, self.prompt, nImages) = (model, prompt, paths.count)
        pairs = found.map { Pair(imageA: paths[$0.first], imageB: paths[$0.second], cosine: $0.cosine) }
    }
}

/// What the score JSON says of collapse: the threshold, every group with a near-duplicate pair,
/// and per model how many pairs and groups.
public struct NearDuplicateSummary: Sendable, Equatable, Codable {
    public struct Model: Sendable, Equatable, Codable {
        public var model: String
        /// Near-duplicate pairs over all the model's groups.
        public var pairs: Int
        /// Groups with at least one, of `groups` scored.
        public var groupsWithPairs: Int
        public var groups: Int

        enum CodingKeys: String, CodingKey { case model, pairs, groupsWithPairs = "groups_with_pairs", groups }
    }

    /// The cosine at or above which a pair is a near-duplicate.
    public var threshold: Double
    public var models: [Model]
    public var groups: [GroupNearDuplicates]

    /// Counts `groups` (those with pairs) against the scored groups, in the scores' model order.
    public init(threshold: Double, groups: [GroupNearDuplicates], scores: [GroupScore]) {
        self.threshold = threshold
        self.groups = groups
        var order: [String] = []
        var scored: [String: Int] = [:]
        for s in scores {
            if scored[s.model] == nil { order.append(s.model) }
            scored[s.model, default: 0] += 1
        }
        models = order.map { m in
            let mine = groups.filter { $0.model == m }
            return Model(model: m, pairs: mine.reduce(0) { $0 + $1.pairs.count }, groupsWithPairs: mine.count, groups: scored[m]!)
        }
    }
}
