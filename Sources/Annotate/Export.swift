import Foundation
import SCSScoring

/// `scs annotate export`: every answer as CSV.
public enum Export {
    /// The original tool's three columns first (annotator, prompt, chosen model), then the rest.
    /// `chosen_model` is empty for "can't tell".
    public static let header = "annotator,prompt,chosen_model,choice,left_model,right_model,prompt_position,shown_at,answered_at,seconds"

    /// The answers as CSV, each cell made safe for a spreadsheet (`spreadsheetSafe`), then quoted
    /// as RFC 4180 wants. `scs annotate export` and the admin page's download both write this.
    public static func csv(_ answers: [AnswerRecord]) -> String {
        var lines = [header]
        for a in answers {
            lines.append(
                [
                    a.annotator, a.prompt, a.chosenModel ?? "", a.choice.rawValue, a.leftModel, a.rightModel,
                    String(a.promptPosition), a.shownAt, a.answeredAt, seconds(from: a.shownAt, to: a.answeredAt)
                ]
                .map { CSV.escape(spreadsheetSafe($0)) }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as
    /// a formula, or hide the one that does.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// OWASP's advice against CSV injection: a cell that starts with `=`, `+`, `-`, `@`, a tab
    /// or a carriage return gets a leading `'`, so a spreadsheet shows it as text instead of
    /// running it. Applied to every cell, numbers included (OWASP prefixes them too; the numbers
    /// here, positions and seconds, are never negative, so they are in practice unchanged).
    /// Annotator names, prompts and model names come from people and folders: `=HYPERLINK(…)`
    /// as a name must not run on the admin's machine. Only these CSVs are changed: scores.csv
    /// and the JSON exports stay the exact data.
    public static func spreadsheetSafe(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
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
                "chosen_model": a.chosenModel ?? NSNull(), "left_model": a.leftModel, "answered_at": a.answeredAt
            ]
            let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        return lines.map { $0 + "\n" }.joined()
    }
}
