import ArgumentParser
import Foundation
import SCSImaging
import SCSReport
import SCSScoring
import SCSTensor

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an HTML report of a scored dataset: galleries, heatmaps, the paper's Figure 2.",
        discussion: """
            Writes DIR/index.html and its assets, a static folder that opens offline: the model summary, \
            each --compare file's verdict with Figure 2 (box plots and KDE) and a paired plot, and a \
            page per prompt with thumbnails, the pairwise similarity heatmap and the image that agrees \
            least flagged. Similarities come from the embedding cache: without --model, the model, \
            precision and preprocessing recorded beside the scores (scores.meta.json) find the \
            embeddings scs score left there, and nothing is loaded or run; with --model, images the \
            cache lacks are embedded.
            """
    )

    @Argument(help: "The dataset folder, <root>/<model>/<prompt>/<images>, as scored.")
    var dataset: String

    @Option(help: "scores.csv from scs score on that dataset.")
    var scores: String = "scores.csv"

    @Option(name: .customLong("compare"), help: ArgumentHelp("A JSON file from scs compare --json (repeatable).", valueName: "file"))
    var comparisons: [String] = []

    @Option(help: ArgumentHelp("A JSON file from scs seeds --json: adds the How many seeds section.", valueName: "file"))
    var seeds: String?

    @Option(help: "The report folder (replaced when it holds an earlier report).")
    var out: String = "report"

    @Option(help: "The longer side of the thumbnails, in pixels.")
    var thumbnailSize: Int = 256

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var nearDuplicates: NearDuplicateOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var imageOptions: ImageOptions

    func validate() throws {
        guard (32...1024).contains(thumbnailSize) else { throw ValidationError("--thumbnail-size must be between 32 and 1024") }
    }

    func run() async throws {
        let progress = ProgressBar(quiet: quiet)
        imageOptions.apply()
        do {
            let embedder = try await ScoresEmbedder.make(
                scores: scores, modelOptions: modelOptions, cacheOptions: cacheOptions, progress: progress, command: "the report")
            var request = ReportRequest(dataset: dataset, scores: scores, comparisons: comparisons, out: out)
            request.thumbnailSize = thumbnailSize
            request.nearDuplicateCosine = nearDuplicates.cosine
            request.seeds = seeds
            let summary = try ReportWriter.write(request, embedder: embedder) { phase, done, total in
                progress.update(label: phase, done: done, total: total, unit: phase == "thumbnails" ? "images" : "files")
            }
            progress.finishLine()
            if !quiet {
                note(
                    "\(summary.prompts) prompts, \(summary.groups) groups, \(summary.images) images (\(summary.embedded) embedded, "
                        + "\(summary.fromCache) from the cache), \(summary.figures.count) figures")
            }
            // The report lists folders as `scs score` does; what that listing cannot use is named
            // again here (it has no group in scores.csv, so no page).
            if !summary.excluded.isEmpty {
                note("left out \(summary.excluded.count) folders or files that cannot be used:")
                for e in summary.excluded { note("  \(e)") }
            }
            say(URL(fileURLWithPath: out).appendingPathComponent("index.html").path)
        } catch {
            progress.finishLine()
            throw error
        }
    }
}
