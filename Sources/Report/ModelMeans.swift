import Foundation
import SCSScoring
import SCSStats

/// What `scs compare` adds when the scores carry each prompt's standard error (scs_se): per model,
/// the mean SCS over its prompts with the standard error from the prompts and the part of it the
/// seeds account for (`ModelMeanUncertainty`).
public enum ModelMeans {
    /// The models of `paths` named in `models`, over all their prompts in the files; nil when no
    /// file has an scs_se column (scored without it). A row whose scs_se cell is empty (a group of
    /// 2 images) leaves that model's seed part unknown.
    public static func read(scores paths: [String], models: [String]) throws -> [ModelMeanUncertainty]? {
        let files = try paths.map { try ScoresFile.read($0) }
        guard files.contains(where: { $0.metrics.contains(.scsSE) }) else { return nil }
        var rows: [String: [(scs: Double, se: Double?)]] = [:]
        for file in files {
            for (row, value) in try file.values(of: .scs) { rows[row.model, default: []].append((value, row.values[.scsSE])) }
        }
        return models.compactMap { m in
            rows[m].flatMap { ModelMeanUncertainty(model: m, scores: $0.map(\.scs), standardErrors: $0.map(\.se)) }
        }
    }

    /// The JSON of `means`, added to a comparison's document as "model_means".
    /// Nothing is added for no means (scores without scs_se).
    public static func adding(_ means: [ModelMeanUncertainty], to document: JSONValue) -> JSONValue {
        guard !means.isEmpty, case .object(var fields) = document else { return document }
        let list = means.map { m in
            JSONValue.object([
                ("model", .string(m.model)), ("prompts", .integer(m.prompts)), ("mean", .double(m.mean)),
                ("se_prompts", .double(m.sePrompts)), ("se_seeds", .double(m.seSeeds)),
                ("low", .double(m.low)), ("high", .double(m.high))
            ])
        }
        fields.append(("model_means", .array(list)))
        return .object(fields)
    }
}
