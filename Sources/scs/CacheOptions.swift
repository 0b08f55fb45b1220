import ArgumentParser
import SCSScoring

/// Where embeddings are cached.
struct CacheOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The embedding cache (SQLite).", valueName: "path"))
    var cache: String?

    @Flag(help: "Neither read nor write the embedding cache.")
    var noCache = false

    func open() throws -> EmbeddingCache? {
        if noCache { return nil }
        return try EmbeddingCache(path: cache ?? EmbeddingCache.defaultPath())
    }
}
