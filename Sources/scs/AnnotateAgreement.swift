import ArgumentParser
import Foundation
import SCSAnnotate
import SCSScoring

struct AnnotateAgreement: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Does the human majority pick the model with the higher score? And do annotators agree?",
        discussion: """
        Per prompt: the human majority and the model with the higher SCS. Prints the agreement rate \
        (the paper's 94%) with its Wilson 95% CI and an exact binomial p-value against chance, \
        Fleiss' kappa, Cohen's kappa per annotator pair and each annotator's agreement with the \
        majority. Ties and prompts with too few answers are listed, not hidden.
        """
    )

    @Argument(help: "The study database.")
    var study: String

    @Option(help: "scores.csv from `scs score` (columns model, prompt, scs).")
    var scores: String

    @Option(help: "Also write the full report, per prompt, as JSON.")
    var json: String?

    @Option(help: "Decisive answers a prompt needs before its majority counts.")
    var minAnswers = 1

    func validate() throws {
        if minAnswers < 1 { throw ValidationError("--min-answers must be at least 1") }
    }

    func run() async throws {
        let report = try Agreement.analyse(study: Study.open(at: study), scores: Agreement.readScores(scores), minAnswers: minAnswers)
        print(Agreement.text(report), terminator: "")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            try OutputFiles.atomicWrite(encoder.encode(report), to: json)
        }
    }
}
