import ArgumentParser
import Foundation
import SCSScoring

struct Embed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed images with the model's image tower (CLIP, DINOv2, SigLIP, DINO, DreamSim) into a .npy array.",
        discussion:
            "Writes float32 (N, D), one row per image in argument order: each model's own embedding (CLIP: get_image_features, unnormalised; DINOv2 and SigLIP: pooler_output; DINO: forward; DreamSim: embed, centred and unit length)."
    )

    @Argument(help: "Image files (JPEG, PNG, WebP).")
    var images: [String]

    @Option(help: "The .npy file to write.")
    var out: String

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var imageOptions: ImageOptions

    func validate() throws {
        if images.isEmpty { throw ValidationError("give at least one image") }
    }

    func run() async throws {
        let progress = ProgressBar(quiet: quiet)
        imageOptions.apply()
        do {
            let embedder = try Embedder(
                modelDirectory: try await modelOptions.resolve(progress: progress), cache: try cacheOptions.open(),
                setup: modelOptions.setup)
            let outcome = try embedder.embed(paths: images, skipUnreadable: false) { p in
                progress.update(label: p.phase.rawValue, done: p.done, total: p.total, unit: p.phase == .hashing ? "files" : "images")
            }
            progress.finishLine()
            let (rows, dim) = try OutputFiles.writeEmbeddingsNpy(outcome.embeddings.compactMap { $0 }, to: out)
            progress.message("wrote \(rows) x \(dim) embeddings to \(out)")
        } catch {
            progress.finishLine()
            throw error
        }
    }
}
