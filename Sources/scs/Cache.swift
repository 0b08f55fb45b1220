import ArgumentParser
import Foundation
import SCSScoring

/// `scs cache`: the embedding cache.
struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with embedding caches.",
        subcommands: [CacheMerge.self]
    )
}

/// `scs cache merge`: shard caches folded into one.
struct CacheMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Fold embedding caches (e.g. one per shard) into one, checking every row.",
        discussion: """
            Each row must have a well-formed key and a vector of finite float32 values of its stated \
            length; an embedding the destination already holds must have the same bits (two shards \
            that embedded one image agree, or the merge stops naming the image). The sources are only \
            read; each is folded in one transaction.
            """
    )

    @Argument(help: "The caches to fold in (SQLite files written by scs).")
    var sources: [String]

    @Option(help: ArgumentHelp("The cache to fold them into (created if missing; default: the usual cache).", valueName: "path"))
    var into: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if sources.isEmpty { throw ValidationError("give the caches to merge") }
    }

    func run() throws {
        let destination = try EmbeddingCache(path: into ?? EmbeddingCache.defaultPath())
        var total = EmbeddingCache.MergeCounts()
        for source in sources {
            if URL(fileURLWithPath: source).standardizedFileURL == URL(fileURLWithPath: destination.path).standardizedFileURL {
                throw ValidationError("\(source) is the destination cache")
            }
            let counts = try destination.merge(from: source)
            total.added += counts.added
            total.alreadyPresent += counts.alreadyPresent
            total.fileHashes += counts.fileHashes
            if !quiet { note("\(source): \(counts.added) embeddings added, \(counts.alreadyPresent) already there") }
        }
        if !quiet { note("\(destination.path): \(total.added) embeddings added from \(sources.count) caches") }
    }
}
