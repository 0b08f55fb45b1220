import ArgumentParser
import Foundation
import SCSHub
import SCSReport

/// `make demo`'s and `make reproduce`'s first step: a slice of the paper's data set, into the cache.
struct FetchStudy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch-study",
        abstract: "Fetch a slice of the paper's data set (runsdata/semantic-consistency-score) from the Hugging Face hub.",
        discussion: """
            Through the hub's file API under $HF_ENDPOINT, with $HF_TOKEN sent to the hub only (never to the file host \
            it redirects to); files already fetched are kept. With HF_HUB_OFFLINE=1, or when the hub does not answer, \
            a slice an earlier run fetched completely is used from the disk. Prints the folder.
            """
    )

    @Option(help: ArgumentHelp("Where to put <model>/<prompt>/<images> (default: the scs cache).", valueName: "folder"))
    var out: String?

    @Option(help: "Prompts to fetch: the first ones by name that every model has.")
    var prompts: Int = 3

    @Option(
        name: .customLong("prompts-file"),
        help: ArgumentHelp(
            "Fetch the prompt folders named in this file instead, one per line (' and other characters folder names "
                + "cannot hold may stand for _); repeatable.", valueName: "file"))
    var promptsFiles: [String] = []

    @Option(help: "Images per prompt and model (the first ones by name).")
    var images: Int = 20

    @Option(help: "Models (folders of the data set), comma-separated.")
    var models: String = "SDXL,pixart"

    @Option(help: "The data set's revision.")
    var revision: String = "main"

    @Option(help: "The data set's repo id.")
    var repo: String = DatasetSlice.paperRepo

    func validate() throws {
        if prompts < 1 { throw ValidationError("--prompts must be 1 or more") }
        if images < 1 { throw ValidationError("--images must be 1 or more") }
        if models.split(separator: ",").isEmpty { throw ValidationError("--models: give at least one model folder") }
    }

    func run() async throws {
        var slice = DatasetSlice()
        slice.repo = repo
        slice.images = images
        slice.models = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        slice.revision = revision
        if promptsFiles.isEmpty {
            slice.prompts = .first(prompts)
        } else {
            var names: [String] = []
            for file in promptsFiles {
                names += try CompareInput.lines(at: file).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            guard !names.isEmpty else { throw ValidationError("--prompts-file: no prompt in " + promptsFiles.joined(separator: ", ")) }
            slice.prompts = .named(names)
        }
        let folder = out ?? DatasetSlice.defaultFolder(repo: repo)
        let progress = ProgressBar(quiet: false)
        let outcome = try await slice.fetch(into: URL(fileURLWithPath: folder)) { done, total in
            progress.update(label: "fetching", done: done, total: total, unit: "files")
        }
        progress.finishLine()
        switch outcome.fromDisk {
        case .offlineSet?:
            progress.message("HF_HUB_OFFLINE is set: working offline, all \(outcome.present) files of the slice are in \(folder)")
        case let .unreachable(url, reason)?:
            progress.message(
                "no answer from \(url.host ?? slice.endpoint.absoluteString) (\(reason)): working offline, "
                    + "all \(outcome.present) files of the slice are in \(folder)")
        case nil:
            progress.message("\(outcome.fetched) files fetched, \(outcome.present) already there")
        }
        say(folder)
    }
}
