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

    public static func write(study: Study, to path: String) throws -> Int {
        let answers = try study.answers()
        try OutputFiles.atomicWrite(Data(csv(answers).utf8), to: path)
        return answers.count
    }
}
