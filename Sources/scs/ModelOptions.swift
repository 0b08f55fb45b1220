import ArgumentParser
import Foundation
import SCSHub
import SCSImaging
import SCSScoring
import SCSTensor

/// Which network, and how to run it.
struct ModelOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A model folder (config.json + model.safetensors; DreamSim's cache folder), a checkpoint file (.pt, .pth, .bin, .safetensors), "
                + "a Hugging Face repo id, or dreamsim:VARIANT / dino:NAME (default: \(ModelLocator.defaultModel)). The kind is read from the files; see scs models.",
            valueName: "model"))
    var model: String?

    /// The model asked for, or the default one.
    var name: String { model ?? ModelLocator.defaultModel }

    @Option(help: "The Hugging Face revision (branch, tag or commit) of a repo id.")
    var revision: String = "main"

    @Option(help: "Images per forward pass, per thread.")
    var batchSize: Int = 8

    @Option(help: "Threads running the network (default: one per core).")
    var threads: Int?

    @Option(
        help: ArgumentHelp(
            "The network's arithmetic: fp32 (default, the reference) or bf16 (needs AVX512-BF16; about twice as fast, scores within ~0.05).",
            valueName: "fp32|bf16"))
    var precision: Precision = .fp32

    @Option(
        help: ArgumentHelp(
            "Whose image preprocessing: clip (the paper's clip.load, exactly, for every image mode; CLIP's default), transformers (the model's image processor in transformers 5, exactly; DINOv2's and SigLIP's default) or pil (RGB first, then Pillow's resize and crop: DINO's and DreamSim's default).",
            valueName: "clip|transformers|pil"))
    var preprocess: ImagePreprocessor.Pipeline?

    func validate() throws {
        guard batchSize >= 1 && batchSize <= 256 else { throw ValidationError("--batch-size must be between 1 and 256") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        // Whether this CPU computes in `precision` is checked where the model is loaded (a
        // `WeightsError.unsupportedPrecision`, worded by ErrorWording): only then is it needed.
    }

    /// The batch size, threads, precision and preprocessing, for an embedder with a model.
    var setup: EmbeddingSetup {
        EmbeddingSetup(precision: precision, pipeline: preprocess, workers: threads, batchSize: batchSize)
    }

    /// The model folder: local, from the Hugging Face cache, or downloaded into it; DreamSim and
    /// DINO (`dreamsim:VARIANT`, `dino:NAME`) from scs's cache or their authors' releases.
    func resolve(progress: ProgressBar) async throws -> URL {
        let locator = ModelLocator()
        return try await locator.resolve(name, revision: revision) { done, total, file in
            progress.update(label: "downloading \(file)", done: Int(done >> 20), total: Int((total ?? done) >> 20), unit: "MiB")
        }
    }
}

extension Precision: ExpressibleByArgument {}
extension ImagePreprocessor.Pipeline: ExpressibleByArgument {}
