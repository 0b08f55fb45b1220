import ArgumentParser
import Foundation

/// `scs`: how semantically repeatable is a text-to-image model?
@main
struct SCS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scs",
        abstract: "The Semantic Consistency Score: how alike are the images a model draws for one prompt?",
        discussion: """
            Each image is embedded with CLIP's image tower; per prompt, the score is the mean over all \
            image pairs of max(100·cos, 0) (Bent, CVPR 2024 Workshops). 0 to 100; higher means the \
            model repeats itself more.
            """,
        version: BuildInfo.versionLine,
        subcommands: [
            Score.self, Merge.self, Cache.self, Embed.self, Models.self, Bench.self, Doctor.self, Generate.self, Compare.self, Annotate.self,
            Report.self, Seeds.self, FetchStudy.self, Worker.self
        ]
    )

    /// swift-argument-parser's own `main`, but errors from the libraries are worded with the
    /// command line's flags first (`ErrorWording`). Parse errors, `ExitCode`, `CleanExit` and
    /// `ValidationError` pass through untouched, so exit codes stay as docs/exit-codes.md says.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: ErrorWording.worded(error))
        }
    }
}
