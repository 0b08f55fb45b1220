import ArgumentParser
import SCSAnnotate

struct AnnotateInvite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Add an annotator and print their personal link.",
        discussion: "Inviting a name again prints the same link."
    )

    @Argument(help: "The study database.")
    var study: String

    @Option(help: "The annotator's name (as it appears in the export).")
    var name: String

    @Option(help: "Where the server will be reached.")
    var baseURL = "http://127.0.0.1:8080"

    func run() async throws {
        let base = try AnnotateLinks.normalised(baseURL)
        let annotator = try Study.open(at: study).invite(name: name)
        print("\(base)/a/\(annotator.token)")
    }
}
