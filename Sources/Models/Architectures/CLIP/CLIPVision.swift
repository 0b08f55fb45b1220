import Foundation
import SCSImaging
import SCSTensor

/// CLIP's image tower: a pre-norm Vision Transformer and the visual projection, in float32.
/// The whole forward pass is in this file, one function per stage, top to bottom; the encoder
/// layer itself is the shared one (`Layers/EncoderLayer.swift`).
///
/// Notation: B images in a batch, S image side, P patch side, N = (S/P)² patches,
/// T = N + 1 tokens (a class token first), D hidden width, H heads of width D/H,
/// I MLP width, E embedding width. Activations are row-major `[B·T, D]`.
///
/// The output is the unnormalised image embedding, as transformers' `get_image_features`
/// and OpenAI's `encode_image` return it.
public final class CLIPVisionModel: ImageEncoder, @unchecked Sendable {
    public let config: CLIPVisionConfig
    /// Folder (or checkpoint file) the model came from.
    public let directory: URL
    public let precision: Precision
    private let weights: CLIPVisionWeights
    private let pool: WorkspacePool

    /// Loads a model and packs its weights for this CPU's kernels, in `precision` (an error naming
    /// the CPU where it lacks it). `directory` is a Hugging Face model folder (`config.json` and
    /// `model.safetensors`), or a checkpoint file in OpenAI's layout: a PyTorch file (`.pt`,
    /// `.pth`, `.bin`: torch.save or TorchScript, read without running its pickles) or an
    /// open_clip `.safetensors`.
    /// `packedCache`, when given, maps the matrices an earlier load packed, and records the rest.
    public init(directory: URL, precision: Precision = .fp32, packedCache: PackedWeightCache? = nil) throws {
        self.directory = directory
        self.precision = precision
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), !isFolder.boolValue {
            let source: any TensorSource & TensorShapes =
                directory.pathExtension.lowercased() == "safetensors"
                ? try SafetensorsFile(path: directory.path) : try TorchCheckpoint(path: directory.path)
            let sidecar = directory.deletingLastPathComponent().appendingPathComponent("open_clip_config.json")
            let layout = try OpenAICLIPTensors(base: source, openCLIPConfig: FileManager.default.fileExists(atPath: sidecar.path) ? sidecar : nil)
            config = layout.config
            weights = try CLIPVisionWeights(file: layout, config: config, precision: precision, cache: packedCache)
        } else {
            config = try CLIPVisionConfig.load(from: directory.appendingPathComponent("config.json"))
            let file = try FolderWeights.open(directory)
            weights = try CLIPVisionWeights(file: file, config: config, precision: precision, cache: packedCache)
        }
        let c = config
        pool = WorkspacePool(
            Workspace.Layout(
                tokens: c.tokens, width: c.hiddenSize, heads: c.heads, mlpWidth: c.intermediateSize,
                patches: c.patchesPerSide * c.patchesPerSide, patchLength: 3 * c.patchSize * c.patchSize))
    }

    public var kind: ModelKind { .clip }
    public var embeddingWidth: Int { config.projectionDim }
    public var summary: String {
        "CLIP ViT, patch \(config.patchSize), \(config.imageSize) px, \(config.layers) layers, width \(config.hiddenSize) → \(config.projectionDim)"
    }

    /// Resize the short side to the input size, crop, OpenAI's mean and std.
    public func preprocessor(_ pipeline: ImagePreprocessor.Pipeline) -> ImagePreprocessor {
        ImagePreprocessor(size: config.imageSize, pipeline: pipeline)
    }

    /// Embeds `batch` preprocessed images (`[B, 3, S, S]`, see ImagePreprocessor) into
    /// `output` (`[B, E]`).
    public func embed(
        _ pixels: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>,
        workspace: Workspace
    ) {
        precondition(batch <= workspace.capacity, "batch \(batch) exceeds workspace capacity \(workspace.capacity)")
        let w = workspace
        embeddings(pixels, batch: batch, w)  // → w.x [B·T, D]
        weights.preNorm.apply(w.x, rows: batch * config.tokens, width: config.hiddenSize, into: w.x)  // pre_layrnorm
        for layer in weights.layers {
            layer.forward(batch: batch, w)  // x += attn(LN1(x)); x += mlp(LN2(x))
        }
        pooledProjection(batch: batch, w, into: output)  // → [B, E]
    }

    public func makeWorkspace(capacity: Int) -> Workspace { pool.make(capacity: capacity) }
    public func borrowWorkspace(capacity: Int) -> Workspace { pool.borrow(capacity: capacity) }
    public func recycle(_ workspace: Workspace) { pool.recycle(workspace) }

    // MARK: - Stages

    /// The patches (Conv2d without bias), then the class token and position embeddings:
    /// x[b, 0] = cls + pos[0], x[b, 1 + n] = patch[b, n] + pos[1 + n].
    private func embeddings(_ pixels: UnsafePointer<Float>, batch: Int, _ w: Workspace) {
        patchEmbedding(
            pixels, batch: batch, imageSize: config.imageSize, patchSize: config.patchSize,
            weight: weights.patch, bias: nil, into: w.h, w)  // [B·N, D] into the scratch buffer h
        assembleTokens(patches: w.h, batch: batch, classToken: weights.classEmbedding, positionEmbedding: weights.positionEmbedding, w)
    }

    /// post_layernorm of each class token, then the projection without bias: [B, D] → [B, E].
    private func pooledProjection(batch: Int, _ w: Workspace, into output: UnsafeMutablePointer<Float>) {
        let c = config, d = c.hiddenSize
        weights.postNorm.apply(w.x, rows: batch, width: d, into: w.h, inStride: c.tokens * d)
        linear(w.h, rows: batch, weight: weights.projection, bias: nil, into: output, scratch: w.gemm)
    }
}
