import Foundation
import SCSScoring
import SCSStats

/// Which prompts of side A pair with which of side B.
public enum PromptPairing: Sendable {
    /// The same prompt on both sides.
    case byPrompt
    /// Line i of one prompt list with line i of the other (files of one prompt per line).
    case lists(a: String, b: String)
    /// A CSV with a header and A's and B's prompt in two columns.
    case pairsFile(String)
}

/// A comparison that cannot be set up, as data: the command words it in its own terms.
public enum ComparisonSetupError: Error, Equatable, CustomStringConvertible {
    /// Both sides are one model and nothing says which prompts pair.
    case sameModelUnpaired(String)
    case tooFewModels([String])
    case modelNamedTwice(String)
    /// Two score files from different backbones (`ScoreProvenance.difference`).
    case differentBackbones(String, String, difference: String)

    public var description: String {
        switch self {
        case .sameModelUnpaired(let model): return "both sides are \(model): say which prompts pair (prompt lists or a pairs file)"
        case .tooFewModels(let models):
            return "need at least 2 models to compare, found \(models.count) (\(models.joined(separator: ", ")))"
        case .modelNamedTwice(let model): return "\(model) is named twice"
        case let .differentBackbones(path, other, difference):
            return "\(path) and \(other) were scored by different backbones (\(difference)): compare scores of one backbone"
        }
    }
}

/// Comparing scores: two models paired prompt by prompt, or several with a Friedman test over
/// all. What `scs compare` computes, without its printing, and the JSON it writes.
public enum ScoreComparison {
    /// Two sides once their prompts are paired, before any statistic.
    public struct PairedSides: Sendable {
        public let modelA: String
        public let modelB: String
        /// The sides' names in the report: the labels given, else the model (and, for one model
        /// against itself, the prompt list's name).
        public let nameA: String
        public let nameB: String
        public let pairing: Pairing
    }

    /// How `metric` reads: lower Vendi and DreamSim values are the more consistent ones;
    /// CLIPScore measures alignment, not consistency.
    public static func reading(of metric: Metric) -> ScoreReading {
        guard metric != .scs else { return .scs }
        return metric.needsText
            ? ScoreReading(unit: metric.rawValue, quality: "aligned with its prompts", noun: "alignment", higherIsBetter: true)
            : ScoreReading(unit: metric.rawValue, quality: "consistent", noun: "consistency", higherIsBetter: metric.higherIsConsistent)
    }

    /// Pairs the prompts of `a` with those of `b`.
    public static func pair(
        _ table: ScoreTable, a: String, b: String, by pairing: PromptPairing = .byPrompt,
        labelA: String? = nil, labelB: String? = nil, keepMismatched: Bool = false
    ) throws -> PairedSides {
        try table.require(a)
        try table.require(b)
        var nameA = labelA ?? a, nameB = labelB ?? b
        let unlabelled = a == b && labelA == nil && labelB == nil
        let result: Pairing
        switch pairing {
        case let .lists(pathA, pathB):
            result = Pairing.byLines(
                table, a: a, b: b, listA: try CompareInput.lines(at: pathA),
                listB: try CompareInput.lines(at: pathB), keepMismatched: keepMismatched)
            if unlabelled { (nameA, nameB) = (listName(a, pathA), listName(b, pathB)) }
        case .pairsFile(let path):
            let file = try CompareInput.pairs(at: path)
            // Row 1 is the header: row i of the pairs is row i + 2 of the file.
            result = Pairing.byLines(
                table, a: a, b: b, listA: file.a, listB: file.b, keepMismatched: keepMismatched,
                lineNumber: { $0 + 2 })
            if unlabelled { (nameA, nameB) = ("\(a) (\(file.names.0))", "\(b) (\(file.names.1))") }
        case .byPrompt:
            guard a != b else { throw ComparisonSetupError.sameModelUnpaired(a) }
            result = Pairing.byPrompt(table, a: a, b: b)
        }
        return PairedSides(modelA: a, modelB: b, nameA: nameA, nameB: nameB, pairing: result)
    }

    /// The paired comparison of `sides` and its JSON; no pair is an error.
    public static func compare(
        _ sides: PairedSides, metric: Metric = .scs, resamples: Int = 9999,
        seed: UInt64 = 0
    ) throws -> (comparison: PairedComparison, json: JSONValue) {
        let pairs = sides.pairing.pairs
        guard !pairs.isEmpty else { throw ComparisonError("no prompt pairs \(sides.nameA) with \(sides.nameB): nothing to compare") }
        var comparison = PairedComparison(
            a: sides.nameA, b: sides.nameB, x: pairs.map(\.scoreA), y: pairs.map(\.scoreB),
            resamples: resamples, seed: seed)
        comparison.reading = reading(of: metric)
        var document = comparison.json(pairing: sides.pairing.json)
        if case .object(var fields) = document {
            fields.insert(("model_a", .string(sides.modelA)), at: 2)
            fields.insert(("model_b", .string(sides.modelB)), at: 3)
            fields.insert(("metric", .string(metric.rawValue)), at: 4)
            document = .object(fields)
        }
        return (comparison, document)
    }

    /// Every pair of `models` and a Friedman test over all, with the JSON.
    public static func compare(
        _ table: ScoreTable, models: [String], metric: Metric = .scs, resamples: Int = 9999,
        seed: UInt64 = 0
    ) throws -> (comparison: MultiComparison, json: JSONValue) {
        guard models.count >= 2 else { throw ComparisonSetupError.tooFewModels(models) }
        for m in models { try table.require(m) }
        if let twice = models.enumerated().first(where: { models[..<$0.offset].contains($0.element) }) {
            throw ComparisonSetupError.modelNamedTwice(twice.element)
        }
        let multi = MultiComparison(table: table, models: models, resamples: resamples, seed: seed, reading: reading(of: metric))
        guard case .object(var fields) = multi.json else { return (multi, multi.json) }
        fields.insert(("metric", .string(metric.rawValue)), at: 0)
        return (multi, .object(fields))
    }

    /// "SDXL (prompts_monet_lora)": the model and the list's file name.
    static func listName(_ model: String, _ path: String) -> String {
        "\(model) (\(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent))"
    }
}
