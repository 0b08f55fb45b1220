import ArgumentParser
import Foundation
import SCSScoring

/// The near-duplicate threshold `scs score` lists pairs by and `scs report` shows them by: one
/// flag, one definition (`NearDuplicates`).
struct NearDuplicateOptions: ParsableArguments {
    @Option(
        name: .customLong("near-duplicate-cosine"),
        help: ArgumentHelp(
            "Images of one group whose cosine is at least this are near-duplicates, listed and shown (default 0.95; on DreamSim, a distance of at most 1 − it).",
            valueName: "cos"))
    var cosine: Double = NearDuplicates.defaultThreshold

    func validate() throws {
        guard cosine.isFinite, (-1...1).contains(cosine) else {
            throw ValidationError("--near-duplicate-cosine must be a cosine, between -1 and 1")
        }
    }
}

/// Per model, the near-duplicate pairs `scs score` found, after the model summary; nothing when
/// there are none.
func printNearDuplicates(_ summary: NearDuplicateSummary?) {
    guard let summary, summary.models.contains(where: { $0.pairs > 0 }) else { return }
    say("")
    say(
        "near-duplicate pairs (cos ≥ \(summary.threshold)): "
            + summary.models.map { "\($0.model) \($0.pairs) in \($0.groupsWithPairs) of \($0.groups) prompts" }.joined(separator: ", "))
}
