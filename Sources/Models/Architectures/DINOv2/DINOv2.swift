import Foundation
import SCSImaging
import SCSTensor

/// DINOv2 (transformers' `Dinov2Model` and `Dinov2WithRegistersModel`): a pre-norm ViT with
/// LayerScale, GELU or (giant) SwiGLU feed-forward, and optional register tokens. The embedding
/// is `pooler_output`: the class token after the final layer norm. The forward pass, top to
/// bottom; the encoder layer is the shared one (`Layers/EncoderLayer.swift`).
///
/// Notation: B images, S = 224 input side, P = 14 patch side, N = (S/P)² patches, R registers,
/// T = 1 + R + N tokens, D width. Activations are row-major `[B·T, D]`.
public final class DINOv2Model: ImageEncoder, @unchecked Sendable {
    public let config: DINOv2Config
    public let directory: URL
    public let precision: Precision
    private let weights: DINOv2Weights
    private let pool: WorkspacePool

    /// Loads a transformers folder (config.json + model.safetensors).
    /// `packedCache`, when given, maps the matrices an earlier load packed, and records the rest.
    public init(directory: URL, precision: Precision = .fp32, packedCache: PackedWeightCache? = nil) throws {
        self.directory = directory
        self.precision = precision
        config = try DINOv2Config.load(from: directory.appendingPathComponent("config.json"))
        let file = try FolderWeights.open(directory)
        weights = try DINOv2Weights(file: file, config: config, precision: precision, cache: packedCache)
        let c = config
        pool = WorkspacePool(
            Workspace.Layout(
                tokens: c.tokens, width: c.hiddenSize, heads: c.heads,
                mlpWidth: c.swiGLU ? 2 * c.mlpHidden : c.mlpHidden,
                patches: c.patchesPerSide * c.patchesPerSide, patchLength: 3 * c.patchSize * c.patchSize))
    }

    public var kind: ModelKind { .dinov2 }
    public var embeddingWidth: Int { config.hiddenSize }
    public var summary: String {
        "DINOv2 ViT, patch \(config.patchSize), \(config.layers) layers, width \(config.hiddenSize)"
            + (config.swiGLU ? ", SwiGLU" : "") + (config.registers > 0 ? ", \(config.registers) registers" : "")
    }

    /// BitImageProcessor's: the short side to 256, centre crop 224, ImageNet's mean and std.
    public func preprocessor(_ pipeline: ImagePreprocessor.Pipeline) -> ImagePreprocessor {
        ImagePreprocessor(
            size: config.imageSize, resize: .shortestEdge(config.resizeEdge),
            mean: ImagePreprocessor.imageNetMean, std: ImagePreprocessor.imageNetStd, pipeline: pipeline)
    }

    /// `[B, 3, S, S]` → `[B, D]`.
    public func embed(
        _ pixels: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>,
        workspace: Workspace
    ) {
        precondition(batch <= workspace.capacity, "batch \(batch) exceeds workspace capacity \(workspace.capacity)")
        let w = workspace
        embeddings(pixels, batch: batch, w)  // → w.x [B·T, D]
        for layer in weights.layers {
            layer.forward(batch: batch, w)  // x += γ₁ attn(LN1(x)); x += γ₂ ffn(LN2(x))
        }
        // layernorm, of the class tokens only (the norm is per token): [B, D].
        weights.finalNorm.apply(w.x, rows: batch, width: config.hiddenSize, into: output, inStride: config.tokens * config.hiddenSize)
    }

    public func makeWorkspace(capacity: Int) -> Workspace { pool.make(capacity: capacity) }
    public func borrowWorkspace(capacity: Int) -> Workspace { pool.borrow(capacity: capacity) }
    public func recycle(_ workspace: Workspace) { pool.recycle(workspace) }

    /// Patches (Conv2d with bias) plus their interpolated position embeddings, the class token plus
    /// its own, and the registers (no position) between them:
    /// x[b] = [cls + pos[0], reg[0..<R], patch[b, n] + pos[1 + n]].
    private func embeddings(_ pixels: UnsafePointer<Float>, batch: Int, _ w: Workspace) {
        let c = config
        patchEmbedding(
            pixels, batch: batch, imageSize: c.imageSize, patchSize: c.patchSize,
            weight: weights.patch, bias: weights.patchBias, into: w.h, w)  // [B·N, D]
        assembleTokens(
            patches: w.h, batch: batch, classToken: weights.classToken, positionEmbedding: weights.positionEmbedding,
            registers: weights.registerTokens.map { ($0, c.registers) }, w)
    }
}
