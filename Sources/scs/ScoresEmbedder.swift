import ArgumentParser
import Foundation
import SCSScoring

/// The embedder of a command that reads a scored dataset back (`scs report`, `scs seeds`): the
/// scores' own model, from the embedding cache, when they say which it was and no --model is
/// given (nothing is loaded or run); else --model, which embeds what the cache lacks.
enum ScoresEmbedder {
    static func make(
        scores: String, modelOptions: ModelOptions, cacheOptions: CacheOptions, progress: ProgressBar, command: String
    ) async throws -> Embedder {
        let meta = try ScoresMeta.read(forScores: scores)
        if modelOptions.model == nil, let meta {
            guard !cacheOptions.noCache, let cache = try cacheOptions.open() else {
                throw ValidationError("--no-cache needs --model: without a cache \(command) must embed the images")
            }
            progress.message(
                "using the embeddings of \(meta.model) (\(meta.modelFingerprint.prefix(12))…, \(meta.precision.rawValue)) that made \(scores), from \(cache.path)"
            )
            return Embedder(reproducing: meta, cache: cache)
        }
        let embedder = try Embedder(
            modelDirectory: try await modelOptions.resolve(progress: progress), cache: try cacheOptions.open(),
            setup: modelOptions.setup)
        if let meta, meta.modelFingerprint != embedder.fingerprint {
            progress.message(
                "note: \(scores) was made with another model (\(meta.model), \(meta.modelFingerprint.prefix(12))…) than --model \(modelOptions.name)")
        }
        return embedder
    }
}
