import ArgumentParser
import Foundation
import SCSReport
import SCSScoring
import SCSStats

/// `scs compare`: are one model's per-prompt scores higher than another's, and by how much?
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare models' per-prompt scores with SciPy's tests, effect sizes and bootstrap intervals.",
        discussion: """
            Two models, paired by identical prompt: scs compare scores.csv --a pixart --b SDXL. \
            Paired line by line from two prompt lists (the paper's LoRA comparison, both under SDXL): \
            scs compare scores.csv --a SDXL --b SDXL --pairs-a prompts_monet_lora.txt --pairs-b \
            prompts_monet_sdxl.txt (or --pairs FILE.csv with A's and B's prompt in two columns). \
            More models: --models A,B,C, or no --a/--b/--models for every model in the file.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "One or more scores.csv as written by scs score (model,prompt,...,scs,...); several files "
                + "are compared as one table, and only when the same backbone scored them all.", valueName: "scores.csv"))
    var scores: [String]

    @Option(
        help: ArgumentHelp(
            "The column to compare: scs (default), or any metric scs score wrote (vendi, vendi_inf, clipscore, clipscore_max, clipscore_hessel, dreamsim, w1kp).",
            valueName: "name"))
    var metric: String = "scs"

    @Option(help: "Side A: a model in the scores.")
    var a: String?

    @Option(help: "Side B: a model in the scores.")
    var b: String?

    @Option(name: .customLong("pairs-a"), help: ArgumentHelp("A's prompts, one per line, paired by line with --pairs-b.", valueName: "file"))
    var pairsA: String?

    @Option(name: .customLong("pairs-b"), help: ArgumentHelp("B's prompts, one per line.", valueName: "file"))
    var pairsB: String?

    @Option(help: ArgumentHelp("A CSV with a header and two columns: A's prompt, B's prompt, one pair per row.", valueName: "file.csv"))
    var pairs: String?

    @Flag(help: "Keep list lines whose prompts do not line up (they are reported either way).")
    var keepMismatched = false

    @Option(name: .customLong("label-a"), help: "Name side A in the report (default: the model, and the list's name).")
    var labelA: String?

    @Option(name: .customLong("label-b"), help: "Name side B in the report.")
    var labelB: String?

    @Option(help: ArgumentHelp("Compare these models pairwise (comma-separated).", valueName: "A,B,C"))
    var models: String?

    @Option(help: "Bootstrap resamples for the confidence intervals (0: none).")
    var bootstrap: Int = 9999

    @Option(help: "Seed of the bootstrap's random numbers (xoshiro256**).")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Also write everything as JSON here.", valueName: "file"))
    var json: String?

    @OptionGroup var powerOptions: PowerOptions

    @Option(
        help: ArgumentHelp(
            "category: compare --a and --b within each category of scores.csv's category column, Holm-adjusted across categories.",
            valueName: "column"))
    var by: CompareGrouping?

    @Option(help: ArgumentHelp("With --by category: a category with fewer paired prompts is listed, not compared.", valueName: "N"))
    var minPrompts: Int = CategoryComparison.defaultMinimumPrompts

    func validate() throws {
        if scores.isEmpty { throw ValidationError("give a scores.csv") }
        if (a == nil) != (b == nil) { throw ValidationError("give both --a and --b") }
        if models != nil && a != nil { throw ValidationError("give --a/--b or --models, not both") }
        if (pairsA == nil) != (pairsB == nil) { throw ValidationError("give both --pairs-a and --pairs-b") }
        if pairs != nil && pairsA != nil { throw ValidationError("give --pairs-a/--pairs-b or --pairs, not both") }
        if (pairs != nil || pairsA != nil) && a == nil { throw ValidationError("pairing lists need --a and --b") }
        if (labelA != nil || labelB != nil) && a == nil { throw ValidationError("--label-a/--label-b go with --a and --b") }
        if bootstrap < 0 { throw ValidationError("--bootstrap must be 0 or more") }
        if by != nil && a == nil { throw ValidationError("--by category compares two models: give --a and --b") }
        if by != nil && (pairs != nil || pairsA != nil) { throw ValidationError("--by category pairs by prompt: leave out the pairing lists") }
        if minPrompts < 1 { throw ValidationError("--min-prompts must be at least 1") }
        if Metric(rawValue: metric) == nil {
            throw ValidationError("--metric \(metric): choose from " + Metric.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        let metric = Metric(rawValue: self.metric)!
        let document: JSONValue
        let means = try modelMeans(metric)
        do {
            let table = try CompareInput.scores(at: scores, metric: metric)
            if metric != .scs { print("metric: \(metric.rawValue)") }
            if by == .category, let a, let b {
                try requireEqualImageCounts([a, b], metric)
                if powerOptions.power { note("--power estimates the prompts of one comparison: run it without --by category") }
                document = try CompareByCategory.run(
                    scores: scores, a: a, b: b, metric: metric, labelA: labelA, labelB: labelB, minimumPrompts: minPrompts,
                    resamples: bootstrap, seed: seed)
            } else if let a, let b {
                document = try compareTwo(table, a, b, metric)
            } else {
                let chosen = models.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? table.models
                // Two models are a paired comparison by prompt, whichever way they were named.
                document =
                    chosen.count == 2 && chosen[0] != chosen[1]
                    ? try compareTwo(table, chosen[0], chosen[1], metric) : try compareMany(table, chosen, metric)
            }
        } catch let e as ScoresFileError {
            guard e.problem == .missingColumn(metric.rawValue) else { throw e }
            throw ComparisonError("\(e.path): no \"\(metric.rawValue)\" column (score with --metrics \(metric.rawValue) to add it)")
        } catch let e as ComparisonSetupError {
            throw ComparisonError(Self.wording(e))
        } catch let e as UnequalImageCounts {
            throw ComparisonError(e.description + ": compare groups of one size, or give --allow-unequal-n")
        }
        if let json { try OutputFiles.atomicWrite(Data((ModelMeans.adding(means, to: document).serialized() + "\n").utf8), to: json) }
    }

    private func compareTwo(_ table: ScoreTable, _ a: String, _ b: String, _ metric: Metric) throws -> JSONValue {
        let pairing: PromptPairing =
            if let pairsA, let pairsB { .lists(a: pairsA, b: pairsB) } else if let pairs { .pairsFile(pairs) } else { .byPrompt }
        try requireEqualImageCounts([a, b], metric)
        let sides = try ScoreComparison.pair(table, a: a, b: b, by: pairing, labelA: labelA, labelB: labelB, keepMismatched: keepMismatched)
        CompareReport.pairing(sides.pairing, a: sides.nameA, b: sides.nameB, jsonPath: json)
        let (comparison, document) = try ScoreComparison.compare(sides, metric: metric, resamples: bootstrap, seed: seed)
        CompareReport.two(comparison)
        guard powerOptions.power else { return document }
        let p = powerOptions
        let power = ComparisonPower.estimate(
            comparison, difference: p.difference, alpha: p.alpha, target: p.target, draws: p.draws, seed: seed)
        let line = ComparisonPower.line(comparison, power)
        say(line)
        return ComparisonPower.adding(power, line: line, to: document)
    }

    private func compareMany(_ table: ScoreTable, _ chosen: [String], _ metric: Metric) throws -> JSONValue {
        try requireEqualImageCounts(chosen, metric)
        if powerOptions.power { note("--power estimates the prompts for two sides: give --a and --b") }
        let (multi, document) = try ScoreComparison.compare(table, models: chosen, metric: metric, resamples: bootstrap, seed: seed)
        CompareReport.many(multi)
        return document
    }

    /// An n-dependent metric is refused across groups of different sizes unless allowed.
    private func requireEqualImageCounts(_ models: [String], _ metric: Metric) throws {
        if !powerOptions.allowUnequalN { try UnequalImageCounts.check(scores: scores, metric: metric, models: Set(models)) }
    }

    /// The library's reasons in this command's flags.
    static func wording(_ e: ComparisonSetupError) -> String {
        switch e {
        case .sameModelUnpaired(let model): return "--a and --b are both \(model): give --pairs-a/--pairs-b or --pairs to say which prompts pair"
        case .modelNamedTwice: return "--models names a model twice"
        case .differentBackbones: return e.description + ", or rescore both with the same --model"
        case .tooFewModels: return e.description
        }
    }
}
