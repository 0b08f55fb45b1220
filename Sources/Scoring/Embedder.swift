import Foundation
import SCSModels
import SCSImaging
import SCSTensor

/// Progress of long work, for a progress bar: which phase, how far.
public struct WorkProgress: Sendable {
    public enum Phase: String, Sendable { case hashing = "hashing", embedding = "embedding" }
    public var phase: Phase
    public var done: Int
    public var total: Int
}

/// Embeddings for a list of image files, through the cache: files are identified by the SHA-256
/// of their bytes, cached embeddings are reused, the rest go through the network and into the
/// cache batch by batch. The model is loaded only when something is missing from the cache.
public final class Embedder {
    /// The model's folder; nil for an embedder that only reads the cache (`reproducing:`).
    public let modelDirectory: URL?
    public let cache: EmbeddingCache?
    public let fingerprint: String
    /// How the network runs; given at construction and never changed (see `EmbeddingSetup`).
    public let setup: EmbeddingSetup
    public var workers: Int { setup.workers }
    public var batchSize: Int { setup.batchSize }
    /// The format of the network's products; part of the cache key.
    public var precision: Precision { setup.precision }

    /// The model's architecture, read from its files (for an embedder reproducing a score file,
    /// from its sidecar; nil when the sidecar predates backbones).
    public let kind: ModelKind?

    /// Whose preprocessing: `clip.load`'s (resize in the image's own mode, crop, then RGB; see
    /// ImagePreprocessor and ModeResize) or the transformers image processor's: the setup's, else
    /// the model kind's own (`ModelKind.defaultPipeline`). Part of the cache key; score files
    /// record its name and version.
    public let preprocessing: ImagePreprocessor.Pipeline

    /// The cache's key for this model's embeddings: the weights' fingerprint, the precision and
    /// the engine's arithmetic (`engineVersion`), so a cached embedding is always the one a fresh
    /// run would compute.
    public var cacheKey: String { Self.cacheKey(fingerprint: fingerprint, precision: precision) }

    /// The cache key of a model with this fingerprint, run in `precision`.
    public static func cacheKey(fingerprint: String, precision: Precision) -> String {
        "\(fingerprint)|\(precision.rawValue)|engine\(engineVersion)"
    }

    /// Bumped whenever the forward pass's arithmetic changes (kernels, operation order).
    public static let engineVersion = 3

    /// What a run did.
    public struct Outcome: Sendable {
        /// One per input path; nil where the file was skipped.
        public var embeddings: [[Float]?]
        public var skipped: [ImageFileError]
        public var embeddedCount: Int
        public var cachedCount: Int
    }

    public init(modelDirectory: URL, cache: EmbeddingCache?, setup: EmbeddingSetup = EmbeddingSetup()) throws {
        self.modelDirectory = modelDirectory
        self.cache = cache
        self.setup = setup
        let kind = try ModelKind.detect(at: modelDirectory)
        self.kind = kind
        preprocessing = setup.pipeline ?? kind.defaultPipeline
        fingerprint = try ModelFingerprint.compute(directory: modelDirectory, cache: cache)
    }

    /// An embedder for the model that made a score file, known only by its sidecar: it finds
    /// that model's embeddings in the cache (same fingerprint, precision and preprocessing) and
    /// cannot compute new ones; a miss is an `EmbedderError.notCached`.
    public init(reproducing meta: ScoresMeta, cache: EmbeddingCache) {
        modelDirectory = nil
        kind = meta.backbone
        self.cache = cache
        fingerprint = meta.modelFingerprint
        setup = EmbeddingSetup(precision: meta.precision, pipeline: meta.preprocessing)
        preprocessing = meta.preprocessing
    }

    private var loadedModel: (any ImageEncoder)?

    /// The packed-weights cache of the last load (its `outcome`: mapped or written), if any.
    public private(set) var packedWeights: PackedWeightCache?

    /// Where packed weights are kept for the embedding cache at `cachePath`.
    public static func packedWeightsFolder(cachePath: String) -> URL {
        URL(fileURLWithPath: cachePath).deletingLastPathComponent().appendingPathComponent("packed")
    }

    /// The network, loaded on first use.
    public func model() throws -> any ImageEncoder {
        if let loadedModel { return loadedModel }
        guard let modelDirectory else { throw EmbedderError.noModel(fingerprint: fingerprint, cache: cache?.path ?? "") }
        packedWeights =
            setup.keepsPackedWeights
            ? cache.map {
                PackedWeightCache(
                    folder: Self.packedWeightsFolder(cachePath: $0.path), fingerprint: fingerprint, precision: precision,
                    engineVersion: Self.engineVersion)
            } : nil
        let model = try ImageEncoders.load(modelDirectory, kind: kind, precision: precision, packedCache: packedWeights)
        loadedModel = model
        return model
    }

    /// Embeds `paths`. Without `skipUnreadable`, the first unreadable file stops the run with an
    /// error naming it; what was embedded before then is already in the cache.
    public func embed(
        paths: [String], skipUnreadable: Bool,
        progress: ((WorkProgress) -> Void)? = nil
    ) throws -> Outcome {
        // 1. Hash every file (in parallel: this is I/O and SHA-256).
        var hashes = [String?](repeating: nil, count: paths.count)
        var readErrors = [ImageFileError?](repeating: nil, count: paths.count)
        let lock = NSLock()
        var hashed = 0
        hashes.withUnsafeMutableBufferPointer { h in
            readErrors.withUnsafeMutableBufferPointer { r in
                let (hp, rp) = (h, r)
                DispatchQueue.concurrentPerform(iterations: paths.count) { i in
                    do {
                        hp[i] = Hashing.sha256(try ImageDecoder.readFile(paths[i]))
                    } catch {
                        rp[i] = ImageFileError(path: paths[i], reason: "cannot read: \(FileProblem.describe(error))")
                    }
                    lock.lock()
                    hashed += 1
                    let done = hashed
                    lock.unlock()
                    if done % 64 == 0 || done == paths.count { progress?(WorkProgress(phase: .hashing, done: done, total: paths.count)) }
                }
            }
        }
        var skipped: [ImageFileError] = []
        for case let error? in readErrors {
            if !skipUnreadable { throw error }
            skipped.append(error)
        }

        // 2. What the cache has.
        let preprocess = preprocessing.cacheKey
        var known = try cache?.lookup(model: cacheKey, preprocess: preprocess, hashes: hashes.compactMap { $0 }) ?? [:]
        let cachedCount = hashes.filter { $0.map { known[$0] != nil } ?? false }.count

        // 3. Embed one file per missing hash.
        var firstPath: [String: Int] = [:]
        for (i, hash) in hashes.enumerated() {
            if let hash, known[hash] == nil, firstPath[hash] == nil { firstPath[hash] = i }
        }
        let todo = firstPath.values.sorted()
        var embeddedCount = 0
        if !todo.isEmpty {
            if modelDirectory == nil {
                throw EmbedderError.notCached(
                    missing: todo.count, example: paths[todo[0]], fingerprint: fingerprint,
                    cache: cache?.path ?? "")
            }
            let pipeline = EmbeddingPipeline(model: try model(), workers: workers, batchSize: batchSize, preprocessing: preprocessing)
            progress?(WorkProgress(phase: .embedding, done: 0, total: todo.count))
            var done = 0
            try pipeline.run(paths: todo.map { paths[$0] }) { result in
                var fresh: [(hash: String, vector: [Float])] = []
                for (j, vector) in result.embedded {
                    let hash = hashes[todo[j]]!
                    known[hash] = vector
                    fresh.append((hash, vector))
                }
                try cache?.store(model: cacheKey, preprocess: preprocess, embeddings: fresh)
                embeddedCount += fresh.count
                done += result.embedded.count + result.failed.count
                progress?(WorkProgress(phase: .embedding, done: done, total: todo.count))
                for (_, error) in result.failed {
                    if !skipUnreadable { throw error }
                }
                skipped += result.failed.map(\.error)
            }
        }
        // Duplicate files share a hash: a skipped file's duplicates are skipped with it.
        let embeddings = hashes.map { $0.flatMap { known[$0] } }
        let skippedPaths = Set(skipped.map(\.path))
        for (i, e) in embeddings.enumerated() where e == nil && hashes[i] != nil && !skippedPaths.contains(paths[i]) {
            skipped.append(ImageFileError(path: paths[i], reason: "same bytes as a file that could not be decoded"))
        }
        return Outcome(embeddings: embeddings, skipped: skipped, embeddedCount: embeddedCount, cachedCount: cachedCount)
    }
}

/// An embedder without a model that was asked for what its cache does not hold.
public enum EmbedderError: Error, Equatable, CustomStringConvertible {
    case notCached(missing: Int, example: String, fingerprint: String, cache: String)
    case noModel(fingerprint: String, cache: String)

    /// What is missing, without the remedy (a caller's interface words that its own way).
    public var fact: String {
        switch self {
        case let .notCached(missing, example, fingerprint, cache):
            return "\(missing) images (e.g. \(example)) are not in \(cache) for model \(fingerprint.prefix(12))…"
        case let .noModel(fingerprint, cache):
            return "model \(fingerprint.prefix(12))… is known only from \(cache)"
        }
    }

    public var description: String {
        switch self {
        case .notCached: return fact + ": load the model that made the scores (and open the cache it used, if another)"
        case .noModel: return fact + ": load the model to embed with it"
        }
    }
}
