import ArgumentParser
import Foundation
import SCSHub
import SCSModels
import SCSScoring

/// `scs models`: the architectures scs runs, and the models already on this machine.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the model kinds scs runs and the models in the local Hugging Face cache.",
        discussion: """
            The kind of a model is read from its files (config.json's model_type, a checkpoint's tensor \
            names), never from its name. Pass any folder, file or repo id listed here as --model.
            """
    )

    @Option(help: ArgumentHelp("Also write the listing as JSON here.", valueName: "file"))
    var json: String?

    func run() throws {
        say("Kinds (--model takes a folder, a Hugging Face repo id, or a checkpoint file; the kind is read from the files):")
        for kind in ModelKind.allCases {
            say("  \(kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) preprocessing \(kind.defaultPipeline.rawValue); \(kind.about)")
        }
        let locator = ModelLocator()
        let cached = locator.cachedModels()
        say("")
        say("In \(locator.cacheDirectory.path): \(cached.isEmpty ? "no models" : "\(cached.count) snapshot(s)")")
        var rows: [[String: String]] = []
        for model in cached {
            let kind: String
            do { kind = try ModelKind.detect(at: model.folder).rawValue } catch { kind = "not runnable: \(error)" }
            let revisions = model.revisions.isEmpty ? "" : " (\(model.revisions.joined(separator: ", ")))"
            say("  \(model.repo)@\(model.commit.prefix(12))\(revisions): \(kind)")
            rows.append([
                "repo": model.repo, "commit": model.commit, "revisions": model.revisions.joined(separator: ","),
                "kind": kind, "folder": model.folder.path
            ])
        }
        let published = PublishedModels.root()
        var local: [String] = []
        for variant in DreamSimVariant.allCases
        where variant.requiredFiles.allSatisfy({
            FileManager.default.fileExists(atPath: published.appendingPathComponent("dreamsim/" + $0).path)
        }) {
            local.append("dreamsim:\(variant.rawValue)")
        }
        for (name, stem) in PublishedModels.dino.sorted(by: { $0.key < $1.key })
        where FileManager.default.fileExists(atPath: published.appendingPathComponent("dino/\(stem).pth").path) {
            local.append("dino:\(name)")
        }
        say("")
        say(
            "In \(published.path) (by name, downloaded from their authors' releases when missing: "
                + "dreamsim:" + DreamSimVariant.allCases.map(\.rawValue).joined(separator: ", dreamsim:") + ", dino:"
                + PublishedModels.dino.keys.sorted().joined(separator: ", dino:") + "): " + (local.isEmpty ? "none" : local.joined(separator: ", ")))
        if let json {
            let kinds = ModelKind.allCases.map { ["kind": $0.rawValue, "preprocessing": $0.defaultPipeline.rawValue, "about": $0.about] }
            try OutputFiles.writeJSON(["kinds": kinds, "cached": rows, "published": local.map { ["name": $0] }], to: json)
        }
    }
}
