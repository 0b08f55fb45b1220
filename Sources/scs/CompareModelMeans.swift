import Foundation
import SCSReport
import SCSScoring
import SCSStats

extension CompareReport {
    /// Per model, its mean over prompts and two standard errors of it (docs/compare.md): from the
    /// prompts (sd/√k), which the bootstrap intervals above already reflect, and the part the
    /// seeds account for (√Σse²/k), which more images per prompt would shrink.
    static func modelMeans(_ means: [ModelMeanUncertainty]) {
        guard !means.isEmpty else { return }
        let width = max(12, means.map(\.model.count).max() ?? 0)
        say("mean over prompts, with its standard error (scs_se in the scores)")
        say("model".padding(toLength: width, withPad: " ", startingAt: 0) + " prompts     mean  se(prompts)       se(seeds)   95% interval")
        for m in means {
            say(
                m.model.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: " %7d %8.2f ", m.prompts, m.mean)
                    + pad(m.sePrompts.map { String(format: "%.3f", $0) } ?? "-", 12)
                    + pad(m.seSeeds.map { String(format: "%.3f", $0) } ?? "-", 16)
                    + pad(m.low.flatMap { l in m.high.map { String(format: "%.2f–%.2f", l, $0) } } ?? "-", 15))
        }
        say("")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension Compare {
    /// With scs_se in the scores and the SCS compared: the model means with their standard errors
    /// (`ModelMeans`), printed first (the verdict stays the last line); empty otherwise.
    func modelMeans(_ metric: Metric) throws -> [ModelMeanUncertainty] {
        guard metric == .scs, by == nil else { return [] }
        let named = a.flatMap { a in b.map { [a, $0] } } ?? models.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let inFile = { try CompareInput.scores(at: scores, metric: metric).models }
        var chosen: [String] = []
        for m in try named ?? inFile() where !chosen.contains(m) { chosen.append(m) }
        guard let means = try ModelMeans.read(scores: scores, models: chosen) else { return [] }
        CompareReport.modelMeans(means)
        return means
    }
}
