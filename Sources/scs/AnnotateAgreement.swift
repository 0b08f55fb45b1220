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

            Several measures (--scores a.csv --scores b.csv …; PATH:COLUMN takes another column, e.g. \
            scores.csv:vendi): ranks them by agreement with the human majority, each with its Wilson \
            interval, and tests each pair on the prompts both decide with an exact McNemar test and a \
            paired bootstrap interval of the difference. The Vendi Score and the DreamSim distance count \
            lower as more consistent; the others higher.
            """
    )

    @Argument(help: "The study database.")
    var study: String

    @Option(
        help: ArgumentHelp(
            "scores.csv from `scs score` (columns model, prompt, scs), or PATH:COLUMN for another metric's column; repeat to rank several measures.",
            valueName: "path[:column]"))
    var scores: [String]

    @Option(help: "Bootstrap resamples for the paired intervals (several measures).")
    var bootstrap: Int = 9999

    @Option(help: "Seed of the bootstrap's random numbers (xoshiro256**).")
    var seed: UInt64 = 0

    @Option(help: "Also write the full report, per prompt, as JSON.")
    var json: String?

    @Option(help: "Decisive answers a prompt needs before its majority counts.")
    var minAnswers = 1

    func validate() throws {
        if minAnswers < 1 { throw ValidationError("--min-answers must be at least 1") }
        if scores.isEmpty { throw ValidationError("give --scores scores.csv") }
        if bootstrap < 0 { throw ValidationError("--bootstrap must be 0 or more") }
    }

    func run() async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let opened = try Study.open(at: study)
        if scores.count == 1 {
            let measure = try Measure.read(scores[0])
            let report = try Agreement.analyse(
                study: opened, scores: measure.scores, minAnswers: minAnswers,
                higherIsConsistent: measure.higherIsConsistent)
            if !measure.higherIsConsistent {
                print("\(measure.column): lower means more consistent; \"higher score\" below is the model it calls more consistent")
            }
            print(Agreement.text(report), terminator: "")
            if let json { try OutputFiles.atomicWrite(encoder.encode(report), to: json) }
            return
        }
        let ranking = try MeasureRanking.analyse(
            study: opened, measures: scores.map(Measure.read), minAnswers: minAnswers,
            resamples: bootstrap, seed: seed)
        print(ranking.text, terminator: "")
        if let json { try OutputFiles.atomicWrite(encoder.encode(ranking), to: json) }
    }
}
