import ArgumentParser
import Foundation
import SCSReport

/// `make demo`'s first step: a slice of the paper's data set, into the cache.
struct FetchStudy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch-study",
        abstract: "Fetch a slice of the paper's data set (runsdata/semantic-consistency-score) from the Hugging Face hub.",
        discussion: "Through the hub's file API under $HF_ENDPOINT; files already fetched are kept. Prints the folder."
    )

    @Option(help: "Where to put <model>/<prompt>/<images> (default: the scs cache).")
    var out: String?

    @Option(help: "Prompts to fetch (the first ones by name that every model has).")
    var prompts: Int = 3

    @Option(help: "Images per prompt and model.")
    var images: Int = 20

    @Option(help: "Models (folders of the data set), comma-separated.")
    var models: String = "SDXL,pixart"

    @Option(help: "The data set's revision.")
    var revision: String = "main"

    func run() async throws {
        var slice = DatasetSlice(endpoint: DatasetSlice.defaultEndpoint())
        slice.prompts = prompts
        slice.images = images
        slice.models = models.split(separator: ",").map(String.init)
        slice.revision = revision
        let folder = out ?? DatasetSlice.defaultFolder()
        let progress = ProgressBar(quiet: false)
        let result = try slice.fetch(into: URL(fileURLWithPath: folder)) { progress.update(label: "fetching", done: $0, total: $1, unit: "files") }
        progress.finishLine()
        FileHandle.standardError.write(Data("\(result.fetched) files fetched, \(result.present) already there\n".utf8))
        say(folder)
    }
}
