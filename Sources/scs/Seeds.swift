import ArgumentParser
import Foundation
import SCSReport
import SCSScoring
import SCSStats

/// `scs seeds`: how many images per prompt pin a score, from the embeddings already in the cache.
struct Seeds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "How many images per prompt a score needs: SCS against n = 2 … N by subsampling each group's images.",
        discussion: """
            For every scored group, the SCS of subsets of n of its images (all subsets when there are at \
            most --draws, else --draws drawn without replacement, seeded), with the 2.5–97.5 percentile \
            band and the share within ±--delta of the full score; per model the curve averaged over the \
            prompts; per prompt the n needed (docs/seeds.md defines both figures). Embeddings come from \
            the cache, as for scs report: nothing is re-embedded when the dataset was scored.
            """
    )

    @Argument(help: "The dataset folder, <root>/<model>/<prompt>/<images>, as scored.")
    var dataset: String

    @Option(help: "scores.csv from scs score on that dataset.")
    var scores: String = "scores.csv"

    @Option(help: "Subsets per n when there are more than this many (else every subset is scored).")
    var draws: Int = 200

    @Option(help: "The half-width, in SCS points, within which a score counts as pinned.")
    var delta: Double = 1

    @Option(help: "Seed of the subsampling's random numbers (xoshiro256**).")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Write one row per group and n here (CSV).", valueName: "file.csv"))
    var out: String = "seeds.csv"

    @Option(help: ArgumentHelp("Also write everything as JSON here (for scs report --seeds).", valueName: "file"))
    var json: String?

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var imageOptions: ImageOptions

    func validate() throws {
        guard draws >= 1 else { throw ValidationError("--draws must be at least 1") }
        guard delta > 0, delta.isFinite else { throw ValidationError("--delta must be a positive number of SCS points") }
    }

    func run() async throws {
        let progress = ProgressBar(quiet: quiet)
        imageOptions.apply()
        do {
            let embedder = try await ScoresEmbedder.make(
                scores: scores, modelOptions: modelOptions, cacheOptions: cacheOptions, progress: progress, command: "scs seeds")
            var request = SeedsRequest(dataset: dataset, scores: scores)
            (request.draws, request.delta, request.seed) = (draws, delta, seed)
            let result = try SeedsStudy.run(request, embedder: embedder) { phase, done, total in
                progress.update(label: phase, done: done, total: total, unit: phase == "subsets" ? "groups" : "images")
            }
            progress.finishLine()
            try OutputFiles.atomicWrite(Data(SeedsFile.csv(result).utf8), to: out)
            if let json { try OutputFiles.atomicWrite(Data((SeedsFile.json(result).serialized() + "\n").utf8), to: json) }
            for m in result.models { say(SeedsStudy.summary(m, delta: delta)) }
        } catch {
            progress.finishLine()
            throw error
        }
    }
}
