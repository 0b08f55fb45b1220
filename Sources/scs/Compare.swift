import ArgumentParser
import Foundation
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

    @Argument(help: ArgumentHelp("One or more scores.csv as written by scs score (model,prompt,...,scs,...); several files "
                                 + "are compared as one table, and only when the same backbone scored them all.", valueName: "scores.csv"))
    var scores: [String]

    @Option(help: ArgumentHelp("The column to compare: scs (default), or any metric scs score wrote (vendi, vendi_inf, clipscore, clipscore_max, clipscore_hessel, dreamsim).",
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

    func validate() throws {
        if scores.isEmpty { throw ValidationError("give a scores.csv") }
        if (a == nil) != (b == nil) { throw ValidationError("give both --a and --b") }
        if models != nil && a != nil { throw ValidationError("give --a/--b or --models, not both") }
        if (pairsA == nil) != (pairsB == nil) { throw ValidationError("give both --pairs-a and --pairs-b") }
        if pairs != nil && pairsA != nil { throw ValidationError("give --pairs-a/--pairs-b or --pairs, not both") }
        if (pairs != nil || pairsA != nil) && a == nil { throw ValidationError("pairing lists need --a and --b") }
        if (labelA != nil || labelB != nil) && a == nil { throw ValidationError("--label-a/--label-b go with --a and --b") }
        if bootstrap < 0 { throw ValidationError("--bootstrap must be 0 or more") }
        if Metric(rawValue: metric) == nil {
            throw ValidationError("--metric \(metric): choose from " + Metric.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        let table = try CompareInput.scores(at: scores, column: metric)
        if metric != "scs" { print("metric: \(metric)") }
        let document: JSONValue
        if let a, let b {
            document = try compareTwo(table, a, b)
        } else {
            let chosen = models.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? table.models
            // Two models are a paired comparison by prompt, whichever way they were named.
            document = chosen.count == 2 && chosen[0] != chosen[1]
                ? try compareTwo(table, chosen[0], chosen[1]) : try compareMany(table, chosen)
        }
        if let json { try OutputFiles.atomicWrite(Data((document.serialized() + "\n").utf8), to: json) }
    }

    /// How the compared column reads: lower Vendi and DreamSim values are the more consistent ones;
    /// CLIPScore measures alignment, not consistency.
    var reading: ScoreReading {
        guard let m = Metric(rawValue: metric), m != .scs else { return .scs }
        return m.needsText ? ScoreReading(unit: m.rawValue, quality: "aligned with its prompts", noun: "alignment", higherIsBetter: true)
            : ScoreReading(unit: m.rawValue, quality: "consistent", noun: "consistency", higherIsBetter: m.higherIsConsistent)
    }

    private func compareTwo(_ table: ScoreTable, _ a: String, _ b: String) throws -> JSONValue {
        try table.require(a)
        try table.require(b)
        var nameA = labelA ?? a, nameB = labelB ?? b
        let pairing: Pairing
        if let pairsA, let pairsB {
            pairing = Pairing.byLines(table, a: a, b: b, listA: try CompareInput.lines(at: pairsA),
                                      listB: try CompareInput.lines(at: pairsB), keepMismatched: keepMismatched)
            if a == b && labelA == nil && labelB == nil { (nameA, nameB) = (Self.listName(a, pairsA), Self.listName(b, pairsB)) }
        } else if let pairs {
            let file = try CompareInput.pairs(at: pairs)
            // Row 1 is the header: row i of the pairs is row i + 2 of the file.
            pairing = Pairing.byLines(table, a: a, b: b, listA: file.a, listB: file.b, keepMismatched: keepMismatched,
                                      lineNumber: { $0 + 2 })
            if a == b && labelA == nil && labelB == nil { (nameA, nameB) = ("\(a) (\(file.names.0))", "\(b) (\(file.names.1))") }
        } else {
            guard a != b else {
                throw ComparisonError("--a and --b are both \(a): give --pairs-a/--pairs-b or --pairs to say which prompts pair")
            }
            pairing = Pairing.byPrompt(table, a: a, b: b)
        }
        CompareReport.pairing(pairing, a: nameA, b: nameB, jsonPath: json)
        guard !pairing.pairs.isEmpty else { throw ComparisonError("no prompt pairs \(nameA) with \(nameB): nothing to compare") }
        var comparison = PairedComparison(a: nameA, b: nameB, x: pairing.pairs.map(\.scoreA), y: pairing.pairs.map(\.scoreB),
                                          resamples: bootstrap, seed: seed)
        comparison.reading = reading
        CompareReport.two(comparison)
        var document = comparison.json(pairing: pairing.json)
        if case .object(var fields) = document {
            fields.insert(("model_a", .string(a)), at: 2)
            fields.insert(("model_b", .string(b)), at: 3)
            fields.insert(("metric", .string(metric)), at: 4)
            document = .object(fields)
        }
        return document
    }

    private func compareMany(_ table: ScoreTable, _ chosen: [String]) throws -> JSONValue {
        guard chosen.count >= 2 else {
            throw ComparisonError("need at least 2 models to compare, found \(chosen.count) (\(chosen.joined(separator: ", ")))")
        }
        for m in chosen { try table.require(m) }
        guard Set(chosen).count == chosen.count else { throw ComparisonError("--models names a model twice") }
        let multi = MultiComparison(table: table, models: chosen, resamples: bootstrap, seed: seed, reading: reading)
        CompareReport.many(multi)
        guard case .object(var fields) = multi.json else { return multi.json }
        fields.insert(("metric", .string(metric)), at: 0)
        return .object(fields)
    }

    /// "SDXL (prompts_monet_lora)": the model and the list's file name.
    static func listName(_ model: String, _ path: String) -> String {
        "\(model) (\(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent))"
    }
}
