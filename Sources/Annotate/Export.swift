import Foundation
import SCSScoring

/// `scs annotate export`: every answer as CSV.
public enum Export {
    /// The original tool's three columns first (annotator, prompt, chosen model), then the rest.
    /// `chosen_model` is empty for "can't tell".
    public static let header = "annotator,prompt,chosen_model,choice,left_model,right_model,prompt_position,shown_at,answered_at,seconds"

    public static func csv(_ answers: [AnswerRecord]) -> String {
        var lines = [header]
        for a in answers {
            lines.append([a.annotator, a.prompt, a.chosenModel ?? "", a.choice.rawValue, a.leftModel, a.rightModel,
                          String(a.promptPosition), a.shownAt, a.answeredAt, seconds(from: a.shownAt, to: a.answeredAt)]
                .map(CSV.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Time taken to answer, from the stored stamps ("" if they cannot be read).
    static func seconds(from shown: String, to answered: String) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let a = formatter.date(from: shown), let b = formatter.date(from: answered) else { return "" }
        return String(format: "%.3f", b.timeIntervalSince(a))
    }

    /// What `scs annotate export` writes.
    public enum Format: String, Sendable, CaseIterable {
        /// Every answer, one CSV row each, under `Export.header`.
        case csv
        /// Two-alternative forced choice records, JSON Lines: one judgement per line.
        case twoAFC = "2afc"
    }

    /// Writes every answer of `study` to `path` in `format`; returns how many.
    public static func write(study: Study, to path: String, format: Format = .csv) throws -> Int {
        let answers = try study.answers()
        let text = format == .csv ? csv(answers) : try twoAFC(answers, study: study)
        try OutputFiles.atomicWrite(Data(text.utf8), to: path)
        return answers.count
    }

    /// One JSON object per judgement, a two-alternative forced choice between two image sets (where
    /// BAPPS and NIGHTS hold a reference and two distortions, here the two sets are the
    /// alternatives and the prompt the reference), so a study can train or check a metric: `prompt`, `annotator`,
    /// `model_a`/`model_b` and the files of each set (`files_a`, `files_b`, as registered),
    /// `choice` ("a", "b" or "cant_tell"), `chosen_model` (null for can't tell), which model was
    /// shown on the left, and when.
    public static func twoAFC(_ answers: [AnswerRecord], study: Study) throws -> String {
        let config = try study.config()
        var files: [String: [String: [String]]] = [:]
        for prompt in try study.prompts() {
            for image in try study.images(promptID: prompt.id) { files[prompt.text, default: [:]][image.model, default: []].append(image.path) }
        }
        var lines: [String] = []
        for a in answers {
            let record: [String: Any] = [
                "prompt": a.prompt, "annotator": a.annotator, "model_a": config.modelA, "model_b": config.modelB,
                "files_a": files[a.prompt]?[config.modelA] ?? [], "files_b": files[a.prompt]?[config.modelB] ?? [],
                "choice": a.chosenModel == nil ? "cant_tell" : a.chosenModel == config.modelA ? "a" : "b",
                "chosen_model": a.chosenModel ?? NSNull(), "left_model": a.leftModel, "answered_at": a.answeredAt,
            ]
            let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        return lines.map { $0 + "\n" }.joined()
    }
}
