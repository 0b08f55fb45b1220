import ArgumentParser
import SCSAnnotate

extension Export.Format: ExpressibleByArgument {}

struct AnnotateExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every answer as CSV, or as two-alternative forced-choice records.",
        discussion: """
            --format csv (default): annotator, prompt, chosen_model (the original tool's), then choice, left_model, \
            right_model, prompt_position, shown_at, answered_at, seconds. --format 2afc: JSON Lines, one judgement \
            per line: prompt, annotator, model_a, model_b, files_a, files_b (each side's image files), choice \
            (a, b or cant_tell), chosen_model, left_model, answered_at — to train or check a metric on the study.
            """
    )

    @Argument(help: "The study database.")
    var study: String

    @Option(help: "The file to write.")
    var out: String

    @Option(help: ArgumentHelp("csv or 2afc (JSON Lines).", valueName: "format"))
    var format: Export.Format = .csv

    func run() async throws {
        let count = try Export.write(study: Study.open(at: study), to: out, format: format)
        print("wrote \(count) answers to \(out)")
    }
}
