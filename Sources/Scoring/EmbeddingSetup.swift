import Foundation
import SCSImaging
import SCSTensor

/// How an `Embedder` runs its network, fixed when it is made: the precision and the
/// preprocessing are part of the cache key, so an embedder whose setup changed after its first
/// lookup would mix two models' embeddings under one key.
public struct EmbeddingSetup: Sendable, Equatable {
    /// The format of the network's products; part of the cache key.
    public let precision: Precision
    /// Whose preprocessing; nil for the model kind's own (`ModelKind.defaultPipeline`).
    public let pipeline: ImagePreprocessor.Pipeline?
    /// Threads running the network.
    public let workers: Int
    /// Images per forward pass, per thread.
    public let batchSize: Int
    /// Whether the weights packed for the engine are kept beside the embedding cache (`packed/`)
    /// and mapped on the next load. Only with a cache.
    public let keepsPackedWeights: Bool

    /// `workers` nil: one per core.
    public init(
        precision: Precision = .fp32, pipeline: ImagePreprocessor.Pipeline? = nil, workers: Int? = nil,
        batchSize: Int = 8, keepsPackedWeights: Bool = true
    ) {
        self.precision = precision
        self.pipeline = pipeline
        self.workers = workers ?? ProcessInfo.processInfo.activeProcessorCount
        self.batchSize = batchSize
        self.keepsPackedWeights = keepsPackedWeights
    }
}
