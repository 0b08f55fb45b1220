import Foundation
import SCSTensor
import SCSImaging

/// A group that has no score, and why.
public struct ExcludedGroup: Sendable, Equatable, Codable {
    public var model: String
    public var prompt: String
    public var nImages: Int
    public var reason: String

    enum CodingKeys: String, CodingKey { case model, prompt, nImages = "n_images", reason }
}

/// Everything `scs score` reports: per-group scores, per-model summaries, and what was left out.
public struct ScoreResult: Sendable, Codable {
    public var scores: [GroupScore]
    public var models: [ModelSummary]
    public var excluded: [ExcludedGroup]
    /// "path: reason" for each image that could not be read or decoded (with --skip-unreadable).
    public var skipped: [String]
    public var ignoredFiles: Int
    public var embedded: Int
    public var fromCache: Int
    /// The network's architecture (`ModelKind`'s name: clip, dinov2, siglip).
    public var backbone: String
    public var modelFingerprint: String
    /// The network's arithmetic ("fp32" or "bf16") and the kernels that ran it.
    public var precision: String
    public var kernels: String
    /// How images became pixels, name and version (the embedding cache keys it).
    public var preprocessing: String

    enum CodingKeys: String, CodingKey {
        case scores, models, excluded, skipped, ignoredFiles = "ignored_files", embedded, fromCache = "from_cache", backbone,
             modelFingerprint = "model_fingerprint", precision, kernels, preprocessing
    }

    /// What the score file's rows record of the network.
    public var provenance: ScoreProvenance {
        ScoreProvenance(backbone: backbone, fingerprint: modelFingerprint, precision: precision, preprocessing: preprocessing)
    }
}

public enum ScoreRun {
    /// Embeds a dataset (through the cache) and scores every (model, prompt) group.
    public static func run(dataset: Dataset, embedder: Embedder, skipUnreadable: Bool,
                           progress: ((WorkProgress) -> Void)? = nil) throws -> ScoreResult {
        let outcome = try embedder.embed(paths: dataset.items.map(\.path), skipUnreadable: skipUnreadable, progress: progress)
        var scores: [GroupScore] = []
        var excluded: [ExcludedGroup] = []
        for group in dataset.groups {
            let embeddings = group.indices.compactMap { outcome.embeddings[$0] }
            if var score = ConsistencyScore.score(model: group.model, prompt: group.prompt, embeddings: embeddings) {
                if embedder.kind == .dreamsim { score.dreamsim = ConsistencyScore.meanPairDistance(embeddings) }
                scores.append(score)
            } else {
                excluded.append(ExcludedGroup(model: group.model, prompt: group.prompt, nImages: embeddings.count,
                                              reason: "fewer than 2 readable images"))
            }
        }
        for folder in dataset.emptyGroups {
            let url = URL(fileURLWithPath: folder)
            excluded.append(ExcludedGroup(model: url.deletingLastPathComponent().lastPathComponent, prompt: url.lastPathComponent,
                                          nImages: 0, reason: "prompt folder has no images"))
        }
        return ScoreResult(scores: scores, models: ModelSummary.summarize(scores), excluded: excluded,
                           skipped: outcome.skipped.map(\.description).sorted(), ignoredFiles: dataset.ignored.count,
                           embedded: outcome.embeddedCount, fromCache: outcome.cachedCount,
                           backbone: embedder.kind?.rawValue ?? "", modelFingerprint: embedder.fingerprint, precision: embedder.precision.rawValue,
                           kernels: KernelPath.current.rawValue, preprocessing: embedder.preprocessing.versionedName)
    }
}
