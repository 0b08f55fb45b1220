import ArgumentParser
import Foundation
import SCSAnnotate
import SCSScoring

struct AnnotateInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a study: the prompts both models drew and the images to show.",
        discussion: "Shows the first --images-per-side images of each model per prompt, sorted by file name, as the paper did. "
            + "Every image is read and decoded first, as scs score does; one that cannot be is left out (and named) and the next one taken."
    )

    @Argument(help: "The study database to create (SQLite; never overwritten).")
    var study: String

    @Option(help: "The dataset folder, <root>/<model>/<prompt>/<images>.")
    var dataset: String

    @Option(help: "The two models to compare, as A,B (their folder names).")
    var models: String

    @Option(help: "Images shown per model and prompt.")
    var imagesPerSide = 20

    @Option(help: "Only these prompts, one per line, in this order.")
    var prompts: String?

    @Option(
        help:
            "A fixed left,right order per prompt for every annotator (e.g. the paper's annotations_model_order.txt) instead of the random, balanced one."
    )
    var sides: String?

    @Flag(help: "Offer a \"can't tell\" answer besides left and right.")
    var allowCantTell = false

    @Option(help: "The question asked.")
    var question = StudyConfig.paperQuestion

    @Option(help: "Where the server will be reached, for the printed admin link.")
    var baseURL = "http://127.0.0.1:8080"

    /// Up to this many left-out entries are printed one per line; more go to a file.
    static let listedInFull = 20

    func validate() throws {
        let parts = models.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count != 2 || parts.contains(where: { $0.isEmpty }) { throw ValidationError("--models takes two names, A,B") }
        if imagesPerSide < 1 { throw ValidationError("--images-per-side must be at least 1") }
    }

    func run() async throws {
        let parts = models.split(separator: ",").map(String.init)
        let config = StudyConfig(
            modelA: parts[0], modelB: parts[1], imagesPerSide: imagesPerSide,
            allowCantTell: allowCantTell, question: question, dataset: dataset)
        let (_, summary) = try StudySetup.create(at: study, dataset: dataset, config: config, promptsFile: prompts, sidesFile: sides)
        let base = try AnnotateLinks.normalised(baseURL)
        print("created \(study): \(summary.prompts) prompts, \(summary.images) images (\(parts[0]) vs \(parts[1]))")
        // Everything passed over is named: one line each, or, when there are many, a count, the
        // first few and the whole list in a file beside the study.
        let passedOver = summary.listingExclusions + summary.unreadableImages
        if !passedOver.isEmpty {
            print("left out \(passedOver.count) folders, files or images that cannot be used (the next readable images were taken):")
            if passedOver.count <= Self.listedInFull {
                for line in passedOver { print("  \(line)") }
            } else {
                let list = study + ".excluded.txt"
                for line in passedOver.prefix(5) { print("  \(line)") }
                do {
                    try OutputFiles.atomicWrite(Data(passedOver.map { $0 + "\n" }.joined().utf8), to: list)
                    print("  ... and \(passedOver.count - 5) more: all \(passedOver.count) are listed in \(list)")
                } catch {
                    for line in passedOver.dropFirst(5) { print("  \(line)") }
                }
            }
        }
        if !summary.promptsWithoutImages.isEmpty {
            print(
                "left out \(summary.promptsWithoutImages.count) prompts where a model has no readable image: "
                    + summary.promptsWithoutImages.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        if !summary.shortGroups.isEmpty {
            print(
                "note: \(summary.shortGroups.count) model/prompt folders have fewer than \(imagesPerSide) readable images; all of theirs are shown"
                    + ": " + summary.shortGroups.prefix(5).joined(separator: ", ") + (summary.shortGroups.count > 5 ? ", ..." : ""))
        }
        print("admin page (keep it private): \(base)/admin/\(summary.adminToken)")
        print("next: scs annotate invite \(study) --name NAME")
    }
}
