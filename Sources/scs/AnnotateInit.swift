import ArgumentParser
import SCSAnnotate

struct AnnotateInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a study: the prompts both models drew and the images to show.",
        discussion: "Shows the first --images-per-side images of each model per prompt, sorted by file name, as the paper did."
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

    @Option(help: "A fixed left,right order per prompt for every annotator (e.g. the paper's annotations_model_order.txt) instead of the random, balanced one.")
    var sides: String?

    @Flag(help: "Offer a \"can't tell\" answer besides left and right.")
    var allowCantTell = false

    @Option(help: "The question asked.")
    var question = StudyConfig.paperQuestion

    @Option(help: "Where the server will be reached, for the printed admin link.")
    var baseURL = "http://127.0.0.1:8080"

    func validate() throws {
        let parts = models.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count != 2 || parts.contains(where: { $0.isEmpty }) { throw ValidationError("--models takes two names, A,B") }
        if imagesPerSide < 1 { throw ValidationError("--images-per-side must be at least 1") }
    }

    func run() async throws {
        let parts = models.split(separator: ",").map(String.init)
        let config = StudyConfig(modelA: parts[0], modelB: parts[1], imagesPerSide: imagesPerSide,
                                 allowCantTell: allowCantTell, question: question, dataset: dataset)
        let (_, summary) = try StudySetup.create(at: study, dataset: dataset, config: config, promptsFile: prompts, sidesFile: sides)
        let base = try AnnotateLinks.normalised(baseURL)
        print("created \(study): \(summary.prompts) prompts, \(summary.images) images (\(parts[0]) vs \(parts[1]))")
        if !summary.shortGroups.isEmpty {
            print("note: \(summary.shortGroups.count) model/prompt folders have fewer than \(imagesPerSide) images; all of theirs are shown"
                  + ": " + summary.shortGroups.prefix(5).joined(separator: ", ") + (summary.shortGroups.count > 5 ? ", ..." : ""))
        }
        print("admin page (keep it private): \(base)/admin/\(summary.adminToken)")
        print("next: scs annotate invite \(study) --name NAME")
    }
}
