import Foundation
import SCSScoring
import SCSStats

/// What `scs seeds` is asked to do.
public struct SeedsRequest: Sendable {
    /// The dataset folder and its scores.csv, as scored.
    public var dataset: String
    public var scores: String
    /// Subsets per n when there are more n-subsets than this (else all are enumerated).
    public var draws: Int = 200
    /// The ±δ a score must stay within, in SCS points.
    public var delta: Double = 1
    /// Seed of the subsampling (xoshiro256**).
    public var seed: UInt64 = 0

    public init(dataset: String, scores: String) {
        self.dataset = dataset
        self.scores = scores
    }
}

/// One group's curve and the two answers to "how many images does this prompt need".
public struct GroupSeeds: Sendable, Equatable {
    public let model: String
    public let prompt: String
    public let curve: SubsetCurve
    /// The smallest n whose subsets of these images stay within ±δ of the full score in 95% of
    /// cases (`SubsetCurve.nNeeded`): at most N by construction.
    public var nNeeded: Int { curve.nNeeded }
    /// The smallest m at which the projected standard error (`ScoreUncertainty`, Hoeffding's
    /// components) is at most δ/1.96; may exceed N; nil below 4 images or beyond `SeedsStudy.largestProjection`.
    public let nNeededProjected: Int?
    /// The projected standard error at N images (the group's own).
    public let standardError: Double?
}

/// A model's curve over its prompts and its summary.
public struct ModelSeeds: Sendable, Equatable {
    public let model: String
    public let curve: AveragedCurve
    public let prompts: Int
    /// Images per prompt: the fewest and the most.
    public let fewestImages: Int
    public let mostImages: Int
    /// Prompts whose projected n needed is at most their own number of images.
    public let pinned: Int
    /// Medians over the prompts of the two n-needed figures (projected: over the prompts that have one).
    public let medianNeeded: Double
    public let medianNeededProjected: Double?
}

/// `scs seeds`'s computation: every scored group's images, with their embeddings from the cache,
/// subsampled at n = 2 … N.
public enum SeedsStudy {
    /// Where the projection search stops.
    public static let largestProjection = 100_000

    public struct Result: Sendable, Equatable {
        public let request: SeedsRequestSummary
        public let groups: [GroupSeeds]
        public let models: [ModelSeeds]
    }

    /// The parameters a result was made with (written with it).
    public struct SeedsRequestSummary: Sendable, Equatable {
        public let draws: Int
        public let delta: Double
        public let seed: UInt64
    }

    public static func run(_ request: SeedsRequest, embedder: Embedder, progress: ReportWriter.Progress? = nil) throws -> Result {
        let groups = try ScoredGroups.load(dataset: request.dataset, scores: request.scores)
        let paths = groups.flatMap { $0.items.map(\.path) }
        let outcome = try embedder.embed(paths: paths, skipUnreadable: false) { p in progress?(p.phase.rawValue, p.done, p.total) }
        var offset = 0
        var results: [GroupSeeds] = []
        for (i, g) in groups.enumerated() {
            let embeddings = outcome.embeddings[offset..<(offset + g.items.count)].map { $0! }
            offset += g.items.count
            let values = ConsistencyScore.pairSimilarities(Array(embeddings))
            guard let curve = SubsetCurve(pairValues: values, draws: request.draws, delta: request.delta, seed: request.seed) else {
                throw ReportError("\(g.model)/\(g.prompt): fewer than 2 images, no subset to score")
            }
            let uncertainty = ScoreUncertainty(pairValues: values, images: g.items.count)
            let needed = uncertainty.flatMap { projectedNeeded($0, delta: request.delta) }
            results.append(
                GroupSeeds(
                    model: g.model, prompt: g.prompt, curve: curve, nNeededProjected: needed,
                    standardError: uncertainty?.projectedStandardError(images: g.items.count)))
            progress?("subsets", i + 1, groups.count)
        }
        var order: [String] = []
        for g in results where !order.contains(g.model) { order.append(g.model) }
        let models = order.map { model in
            let mine = results.filter { $0.model == model }
            let projected = mine.compactMap(\.nNeededProjected).map(Double.init).sorted()
            return ModelSeeds(
                model: model, curve: AveragedCurve(mine.map(\.curve)), prompts: mine.count,
                fewestImages: mine.map(\.curve.total).min()!, mostImages: mine.map(\.curve.total).max()!,
                pinned: mine.filter { g in g.nNeededProjected.map { $0 <= g.curve.total } ?? false }.count,
                medianNeeded: NumPy.median(sorted: mine.map { Double($0.nNeeded) }.sorted()),
                medianNeededProjected: projected.isEmpty ? nil : NumPy.median(sorted: projected))
        }
        return Result(
            request: SeedsRequestSummary(draws: request.draws, delta: request.delta, seed: request.seed), groups: results, models: models)
    }

    /// The smallest m ≥ 2 at which the standard error projected from the group's Hoeffding
    /// components is at most δ/1.96 (a 95% normal interval of ±δ); nil without components (fewer
    /// than 4 images) or beyond `largestProjection`.
    public static func projectedNeeded(_ u: ScoreUncertainty, delta: Double) -> Int? {
        (2...largestProjection).first { m in (u.projectedStandardError(images: m) ?? .infinity) <= delta / 1.96 }
    }

    /// "pixart: 20 images per prompt pin the score to ±1 point on 9 of 12 prompts; median n needed 11 (projected), 8 (subsampled)".
    public static func summary(_ m: ModelSeeds, delta: Double) -> String {
        let images = m.fewestImages == m.mostImages ? "\(m.mostImages)" : "\(m.fewestImages)–\(m.mostImages)"
        let points = delta == 1 ? "point" : "points"
        let projected = m.medianNeededProjected.map { "\(number($0)) (projected), " } ?? ""
        return "\(m.model): \(images) images per prompt pin the score to ±\(number(delta)) \(points) on \(m.pinned) of \(m.prompts) "
            + "prompt\(m.prompts == 1 ? "" : "s"); median n needed \(projected)\(number(m.medianNeeded)) (subsampled)"
    }

    /// 11, 11.5: no trailing ".0".
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }
}

/// The groups a scores.csv scores, with their images from the dataset, in the file's order.
/// Images the score passed over (`--skip-unreadable`, named in the sidecar) are left out, so each
/// group holds the images its score was made from; a group the dataset lacks, or whose count
/// differs from the scores', is an error.
public enum ScoredGroups {
    public struct Group: Sendable {
        public let model: String
        public let prompt: String
        public let items: [ImageItem]
    }

    public static func load(dataset root: String, scores path: String) throws -> [Group] {
        let dataset: Dataset
        do { dataset = try Dataset.scan(root: root) } catch let e as DatasetError { throw ReportError("dataset \(root): \(e)") }
        let file = try ScoresFile.read(path)
        let rows = try ScoreRows.rows(of: file)
        let skipped = file.meta?.skipped ?? []
        var byKey: [GroupKey: [ImageItem]] = [:]
        for g in dataset.groups {
            byKey[GroupKey(model: g.model, prompt: g.prompt)] = g.indices.map { dataset.items[$0] }.filter { item in
                !skipped.contains { $0.hasPrefix(item.path + ": ") }
            }
        }
        return try rows.map { r in
            guard let items = byKey[GroupKey(model: r.model, prompt: r.prompt)] else {
                throw ReportError("\(path) scores \(r.model)/\(r.prompt), which \(root) lacks")
            }
            if let n = r.nImages, n != items.count {
                throw ReportError(
                    "\(path) was scored on other images than \(root) holds: \(r.model)/\(r.prompt) has \(n) in the scores, \(items.count) in the dataset"
                )
            }
            return Group(model: r.model, prompt: r.prompt, items: items)
        }
    }
}
