import Foundation
import SCSImaging
import SCSTensor

/// SigLIP's image tower (transformers' `SiglipVisionModel`, the image half of `SiglipModel`; also
/// SigLIP 2 at fixed resolution): patches with position embeddings and no class token, a
/// pre-norm ViT with tanh-GELU, a final layer norm, and a multi-head attention-pooling head whose
/// output is the embedding (`pooler_output`, what `get_image_features` returns). The forward
/// pass, top to bottom; the encoder layer is the shared one.
///
/// Notation: B images, S side, P patch, T = N = (S/P)² tokens, D width, H heads, I MLP width.
public final class SigLIPVisionModel: ImageEncoder, @unchecked Sendable {
    public let config: SigLIPVisionConfig
    public let directory: URL
    public let precision: Precision
    private let weights: SigLIPVisionWeights
    private let pool: WorkspacePool

    /// Loads a transformers folder (config.json + model.safetensors).
    /// `packedCache`, when given, maps the matrices an earlier load packed, and records the rest.
    public init(directory: URL, precision: Precision = .fp32, packedCache: PackedWeightCache? = nil) throws {
        self.directory = directory
        self.precision = precision
        config = try SigLIPVisionConfig.load(from: directory.appendingPathComponent("config.json"))
        let file = try FolderWeights.open(directory)
        weights = try SigLIPVisionWeights(file: file, config: config, precision: precision, cache: packedCache)
        let c = config
        pool = WorkspacePool(
            Workspace.Layout(
                tokens: c.tokens, width: c.hiddenSize, heads: c.heads, mlpWidth: c.intermediateSize,
                patches: c.tokens, patchLength: 3 * c.patchSize * c.patchSize))
    }

    public var kind: ModelKind { .siglip }
    public var embeddingWidth: Int { config.hiddenSize }
    public var summary: String {
        "SigLIP ViT, patch \(config.patchSize), \(config.imageSize) px, \(config.layers) layers, width \(config.hiddenSize)"
    }

    /// SiglipImageProcessor's: both sides to the input size (no crop), mean and std 0.5.
    public func preprocessor(_ pipeline: ImagePreprocessor.Pipeline) -> ImagePreprocessor {
        ImagePreprocessor(size: config.imageSize, resize: .exact, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], pipeline: pipeline)
    }

    /// `[B, 3, S, S]` → `[B, D]`.
    public func embed(
        _ pixels: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>,
        workspace: Workspace
    ) {
        precondition(batch <= workspace.capacity, "batch \(batch) exceeds workspace capacity \(workspace.capacity)")
        let w = workspace, c = config
        embeddings(pixels, batch: batch, w)  // → w.x [B·T, D]
        for layer in weights.layers {
            layer.forward(batch: batch, w)  // x += attn(LN1(x)); x += mlp(LN2(x))
        }
        weights.postNorm.apply(w.x, rows: batch * c.tokens, width: c.hiddenSize, into: w.x)  // post_layernorm
        attentionPooling(batch: batch, w, into: output)  // head → [B, D]
    }

    public func makeWorkspace(capacity: Int) -> Workspace { pool.make(capacity: capacity) }
    public func borrowWorkspace(capacity: Int) -> Workspace { pool.borrow(capacity: capacity) }
    public func recycle(_ workspace: Workspace) { pool.recycle(workspace) }

    // MARK: - Stages

    /// x[b, t] = patch[b, t] + pos[t] (Conv2d with bias; no class token).
    private func embeddings(_ pixels: UnsafePointer<Float>, batch: Int, _ w: Workspace) {
        let c = config, d = c.hiddenSize
        patchEmbedding(
            pixels, batch: batch, imageSize: c.imageSize, patchSize: c.patchSize,
            weight: weights.patch, bias: weights.patchBias, into: w.x, w)  // [B·T, D]
        for b in 0..<batch {
            for t in 0..<c.tokens {
                let row = w.x + (b * c.tokens + t) * d, pos = weights.positionEmbedding + t * d
                for i in 0..<d { row[i] += pos[i] }
            }
        }
    }

    /// The head: one learned query attends over the tokens (nn.MultiheadAttention), then
    /// a = out_proj(context); embedding = a + mlp(LN(a)).
    private func attentionPooling(batch: Int, _ w: Workspace, into output: UnsafeMutablePointer<Float>) {
        let c = config, d = c.hiddenSize, t = c.tokens, hd = c.headDim
        // K and V of every token: [B·T, 2D], K in columns 0..<D, V in D..<2D.
        linear(w.x, rows: batch * t, weight: weights.headKV, bias: weights.headKVBias, into: w.qkv, scratch: w.gemm)
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<batch {
            let base = w.qkv + b * t * 2 * d
            for head in 0..<c.heads {
                // scores [1, T] = scale · q_h K_hᵀ; context[b, head] [1, D/H] = softmax(scores) · V_h
                matmul(
                    weights.headQuery + head * hd, lda: d, base + head * hd, ldb: 2 * d, transposeB: true,
                    into: w.scores, ldc: t, m: 1, n: t, k: hd, alpha: scale, packBuffer: w.pack, scratch: w.gemm)
                softmaxRows(w.scores, rows: 1, cols: t)
                matmul(
                    w.scores, lda: t, base + d + head * hd, ldb: 2 * d, transposeB: false,
                    into: w.context + b * d + head * hd, ldc: d, m: 1, n: hd, k: t, packBuffer: w.pack, scratch: w.gemm)
            }
        }
        linear(w.context, rows: batch, weight: weights.headOut, bias: weights.headOutBias, into: w.h, scratch: w.gemm)  // a [B, D]
        weights.headNorm.apply(w.h, rows: batch, width: d, into: w.x)
        linear(
            w.x, rows: batch, weight: weights.headFC1, bias: weights.headFC1Bias, into: w.mlp, scratch: w.gemm,
            then: weights.activation)  // [B, I]
        linear(w.mlp, rows: batch, weight: weights.headFC2, bias: weights.headFC2Bias, into: output, scratch: w.gemm)  // [B, D]
        addInPlace(output, w.h, count: batch * d)
    }
}
