import ArgumentParser
import SCSAnnotate

struct AnnotateExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every answer as CSV.",
        discussion: "Columns: annotator, prompt, chosen_model (the original tool's), then choice, left_model, right_model, prompt_position, shown_at, answered_at, seconds."
    )

    @Argument(help: "The study database.")
    var study: String

    @Option(help: "The CSV file to write.")
    var out: String

    func run() async throws {
        let count = try Export.write(study: Study.open(at: study), to: out)
        print("wrote \(count) answers to \(out)")
    }
}
