import Foundation
import SCSGenerate

/// What `scs generate` prints: the plan for `--dry-run`, and the summary of a run.
enum GenerateReport {
    /// The plan, on stdout: what would be requested where, into which folders, and the first
    /// request's body (without the token, which goes in a header).
    static func printPlan(_ generation: GenerationRun, survey: GenerationSurvey, secret: Secret?, secretName: String?) {
        let plan = generation.plan
        let config = generation.configuration
        let first = survey.todo.first ?? plan.jobs[0]
        let preview = generation.preview(first)
        var backend = config.kind.rawValue
        if let preset = config.preset { backend += " (preset \(preset.name): \(preset.model):\(preset.version.prefix(12))…)" }
        say("dry run: nothing is sent")
        say("backend   \(backend), POST \(preview.endpoint)")
        say("model     \(plan.modelName) → \(generation.modelDirectory.path)")
        say(
            "images    \(plan.prompts.count) prompts × \(plan.seeds.count) seeds = \(plan.jobs.count); "
                + "\(survey.done.count) on disk, \(survey.todo.count) to request (one \(config.kind == .replicate ? "prediction" : "request") each)")
        if let suite = plan.suite { say("suite     \(suite)") }
        let categories = plan.prompts.compactMap(\.category)
        if !categories.isEmpty {
            var counts: [String: Int] = [:], order: [String] = []
            for c in categories {
                if counts[c] == nil { order.append(c) }
                counts[c, default: 0] += 1
            }
            say("categories " + order.map { "\($0) (\(counts[$0]!))" }.joined(separator: ", "))
        }
        if !survey.unreadable.isEmpty { say("          \(survey.unreadable.count) files on disk do not decode and would be replaced") }
        if !preview.sendsSeed { say("seeds     \(config.kind.rawValue) takes no seed: seeds only name the files (manifest: \"seed_sent\": false)") }
        if let secretName {
            say("token     \(secretName) " + (secret.map { "found in \($0.source)" } ?? "missing: set it in the environment or in \(config.envFile)"))
        }
        say(
            "output    \(generation.options.format == .jpeg ? "JPEG, quality 75, 4:2:0 (as PIL saves)" : "the backend's bytes"), "
                + "concurrency \(generation.options.concurrency), \(generation.options.retry.retries) retries")
        var todo: [String: Int] = [:]
        for job in survey.todo { todo[job.folder, default: 0] += 1 }
        say("folders   \(plan.prompts.count) under \(generation.modelDirectory.path)/")
        for prompt in plan.prompts {
            let folder = plan.jobs.first { $0.promptLine == prompt.line }!.folder
            let note = folder == prompt.text ? "" : "   (prompt: \(prompt.text))"
            let label = prompt.category.map { "  [\($0)" + (prompt.challenge.map { " / \($0)" } ?? "") + "]" } ?? ""
            say("  \(folder)/  \(todo[folder] ?? 0) to request\(label)\(note)")
        }
        say("first request (\(first.folder)/\(first.seed)):")
        say("  " + preview.body.description)
    }

    /// The outcome, on stderr like the other commands' reports; failed images are listed.
    static func printSummary(_ s: GenerationSummary, generation: GenerationRun) {
        var line = "\(s.generated) images generated, \(s.alreadyOnDisk) already on disk"
        if s.retries > 0 { line += ", \(s.retries) retries" }
        if !s.failed.isEmpty { line += ", \(s.failed.count) failed" }
        note(
            line
                + "; images in \(generation.modelDirectory.path), manifest \(generation.options.outputDirectory.appendingPathComponent(generation.plan.manifestName).path)"
        )
        if s.recoveredLines > 0 { note("recorded \(s.recoveredLines) images that had no manifest line") }
        if s.droppedLines > 0 { note("dropped \(s.droppedLines) manifest lines whose image was missing or unreadable") }
        if !s.failed.isEmpty {
            note("failed (run the same command again to retry them):")
            for f in s.failed { note("  \(f.path): \(f.reason)") }
        }
    }
}
