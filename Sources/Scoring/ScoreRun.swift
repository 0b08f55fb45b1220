import Foundation
import SCSModels
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

/// One image's alignment with the text of its group's prompt: a row of scores.alignment.csv.
public struct ImageAlignment: Sendable, Equatable {
    public var model: String
    public var prompt: String
    /// The text that was embedded (the manifest's prompt, or the folder name).
    public var text: String
    public var path: String
    public var cosine: Double
}

/// Everything `scs score` reports: per-group scores, per-model summaries, and what was left out.
public struct ScoreResult: Sendable, Codable {
    public var scores: [GroupScore]
    public var models: [ModelSummary]
    public var excluded: [ExcludedGroup]
    /// "path: reason" for each image that could not be read or decoded (when unreadable files are skipped),
    /// and each file or model folder the listing could not use (`Dataset.excluded`: a symlink
    /// loop, a FIFO, a name that is not UTF-8, …), whatever the flags.
    public var skipped: [String]
    public var ignoredFiles: Int
    public var embedded: Int
    public var fromCache: Int
    /// The network's architecture; nil for an embedder that knows only a fingerprint.
    public var backbone: ModelKind?
    public var modelFingerprint: String
    /// The network's arithmetic and the kernels that ran it.
    public var precision: Precision
    public var kernels: String
    /// How images became pixels (written as name and version; the embedding cache keys it).
    public var preprocessing: ImagePreprocessor.Pipeline
    /// With alignment metrics: each image's cosine with its prompt's text (not in scores.json;
    /// `ScoresFile.writeAlignments` writes them).
    public var alignments: [ImageAlignment] = []
    /// Groups whose prompt text is a folder name holding `_` (see `Dataset.promptTexts`).
    public var textsFromFolders: [String] = []
    /// The metric columns scores.csv has after the SCS columns: those asked for, and the DreamSim
    /// distance on a DreamSim backbone, in `Metric`'s order (whether or not any group has a value).
    public var metricColumns: [Metric] = []
    /// Each group's near-duplicate pairs and the count per model (`NearDuplicates`).
    public var nearDuplicates: NearDuplicateSummary?

    enum CodingKeys: String, CodingKey {
        case scores, models, excluded, skipped, ignoredFiles = "ignored_files", embedded, fromCache = "from_cache", backbone,
            modelFingerprint = "model_fingerprint", precision, kernels, preprocessing, nearDuplicates = "near_duplicates"
    }

    /// What the score file's rows record of the network.
    public var provenance: ScoreProvenance {
        ScoreProvenance(backbone: backbone, fingerprint: modelFingerprint, precision: precision, preprocessing: preprocessing)
    }
}

public enum ScoreRun {
    /// Embeds a dataset (through the cache) and scores every (model, prompt) group with the SCS
    /// and `metrics`; the alignment metrics embed each prompt's text with `text`. On a DreamSim
    /// backbone the DreamSim distance is always added. With scs_se, `intervalCritical` gives the
    /// quantile of the 95% interval for a group of n images (`ScoreUncertainty.columns`). Pairs
    /// of images with a cosine of `nearDuplicateCosine` or more are listed (`NearDuplicates`).
    public static func run(
        dataset: Dataset, embedder: Embedder, skipUnreadable: Bool, metrics: [Metric] = [.scs],
        text: (any TextEncoder)? = nil, intervalCritical: ((_ images: Int) -> Double)? = nil,
        nearDuplicateCosine: Double = NearDuplicates.defaultThreshold,
        progress: ((WorkProgress) -> Void)? = nil
    ) throws -> ScoreResult {
        if let metric = metrics.first(where: \.needsDreamSim), embedder.kind != .dreamsim {
            throw MetricBackboneError(metric: metric, example: "dreamsim:ensemble")
        }
        let aligned = metrics.filter(\.needsText)
        if let first = aligned.first, text == nil {
            throw MetricError(
                "metric \(first.rawValue) needs the model's text tower: a CLIP or SigLIP folder with config.json's text_config and the tokenizer files"
            )
        }
        let outcome = try embedder.embed(paths: dataset.items.map(\.path), skipUnreadable: skipUnreadable, progress: progress)
        if let text, !aligned.isEmpty, let imageWidth = outcome.embeddings.lazy.compactMap({ $0?.count }).first, text.embeddingWidth != imageWidth {
            throw MetricError(
                "the text tower embeds into \(text.embeddingWidth) numbers, the image tower into \(imageWidth): they are not one model's")
        }
        let (texts, fromFolders) = dataset.promptTexts()
        // The prompt suite's category of each group, for scores.csv's category column.
        let categories = dataset.groupCategories()
        var textEmbeddings: [String: [Float]] = [:]
        if let text, !aligned.isEmpty {
            let unique = Array(Set(texts)).sorted()
            let flat = text.embed(texts: unique), e = text.embeddingWidth
            for (i, t) in unique.enumerated() { textEmbeddings[t] = Array(flat[(i * e)..<((i + 1) * e)]) }
        }
        var scores: [GroupScore] = []
        var excluded: [ExcludedGroup] = []
        var alignments: [ImageAlignment] = []
        var duplicates: [GroupNearDuplicates] = []
        for (gi, (group, promptText)) in zip(dataset.groups, texts).enumerated() {
            let present = group.indices.filter { outcome.embeddings[$0] != nil }
            let embeddings = present.map { outcome.embeddings[$0]! }
            if var score = ConsistencyScore.score(model: group.model, prompt: group.prompt, embeddings: embeddings) {
                if embedder.kind == .dreamsim { score.metrics[.dreamsim] = ConsistencyScore.meanPairDistance(embeddings) }
                if metrics.contains(.w1kp) {
                    let w = W1KPDetail.compute(embeddings: embeddings, paths: present.map { dataset.items[$0].path })
                    (score.metrics[.w1kp], score.w1kp) = (w.score, w.detail)
                }
                if metrics.contains(.scsSE), let u = ScoreUncertainty(embeddings: embeddings) {
                    score.metrics.merge(u.columns(critical: intervalCritical)) { $1 }
                }
                if metrics.contains(.vendi) || metrics.contains(.vendiInf) {
                    let v = Vendi.scores(embeddings)
                    if metrics.contains(.vendi) { score.metrics[.vendi] = v.q1 }
                    if metrics.contains(.vendiInf) { score.metrics[.vendiInf] = v.qInf }
                }
                if let t = textEmbeddings[promptText] {
                    let alignment = Alignment(text: t, images: embeddings)
                    for m in aligned { score.metrics[m] = alignment.value(of: m) }
                    alignments += zip(present, alignment.cosines).map {
                        ImageAlignment(model: group.model, prompt: group.prompt, text: promptText, path: dataset.items[$0.0].path, cosine: $0.1)
                    }
                }
                score.category = categories[gi]
                scores.append(score)
                duplicates +=
                    GroupNearDuplicates(
                        model: group.model, prompt: group.prompt, paths: present.map { dataset.items[$0].path }, embeddings: embeddings,
                        threshold: nearDuplicateCosine
                    ).map { [$0] } ?? []
            } else {
                excluded.append(
                    ExcludedGroup(
                        model: group.model, prompt: group.prompt, nImages: embeddings.count,
                        reason: "fewer than 2 readable images"))
            }
        }
        for folder in dataset.emptyGroups {
            let url = URL(fileURLWithPath: folder)
            excluded.append(
                ExcludedGroup(
                    model: url.deletingLastPathComponent().lastPathComponent, prompt: url.lastPathComponent,
                    nImages: 0, reason: "prompt folder has no images"))
        }
        // What the listing could not use: prompt folders are groups without a score; the rest
        // (files, model folders) is listed with the images that could not be read.
        for e in dataset.excluded {
            if let model = e.model, let prompt = e.prompt {
                excluded.append(ExcludedGroup(model: model, prompt: prompt, nImages: 0, reason: e.reason))
            }
        }
        let listingSkips = dataset.excluded.filter { $0.prompt == nil }.map(\.description)
        return ScoreResult(
            scores: scores, models: ModelSummary.summarize(scores), excluded: excluded,
            skipped: (outcome.skipped.map(\.description) + listingSkips).sorted(), ignoredFiles: dataset.ignored.count,
            embedded: outcome.embeddedCount, fromCache: outcome.cachedCount,
            backbone: embedder.kind, modelFingerprint: embedder.fingerprint, precision: embedder.precision,
            kernels: KernelPath.current.rawValue, preprocessing: embedder.preprocessing,
            alignments: alignments, textsFromFolders: aligned.isEmpty ? [] : fromFolders,
            metricColumns: ScoresFile.metricColumns(metrics + (embedder.kind == .dreamsim ? [.dreamsim] : [])),
            nearDuplicates: NearDuplicateSummary(threshold: nearDuplicateCosine, groups: duplicates, scores: scores))
    }
}
