import Foundation
import SCSTensor

/// A ViT in the layout of DINO's `vision_transformer.py` (timm's): `patch_embed.proj` (Conv2d with
/// bias), `cls_token`, `pos_embed`, `blocks.N.{norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2}`,
/// `norm`. DINO v1 is stored this way, and so are DreamSim's CLIP and OpenCLIP branches (CLIP
/// rewritten "as DINO": `pos_drop` is then CLIP's ln_pre, a LayerNorm, and `proj` its projection).
/// The shape is read from the tensors. Used by `DINOModel` and `DreamSimModel`.
struct TimmViT: @unchecked Sendable {
    struct Config: Equatable {
        var width: Int, layers: Int, heads: Int, patchSize: Int, imageSize: Int, mlpHidden: Int
        var eps: Float
        var activation: Activation
        /// `pos_drop` is a LayerNorm (CLIP as DINO), not a dropout.
        var preNorm: Bool
        var tokens: Int { (imageSize / patchSize) * (imageSize / patchSize) + 1 }
        var layout: Workspace.Layout {
            Workspace.Layout(
                tokens: tokens, width: width, heads: heads, mlpWidth: mlpHidden,
                patches: tokens - 1, patchLength: 3 * patchSize * patchSize)
        }
    }

    let config: Config
    let patch: PackedMatrix  // [D, 3·P·P]
    let patchBias: UnsafePointer<Float>  // [D]
    let classToken: UnsafePointer<Float>  // [D]
    let positionEmbedding: UnsafePointer<Float>  // [T, D]
    let preNorm: LayerNormWeights?
    let layers: [EncoderLayer]
    let finalNorm: LayerNormWeights
    private let vectors: VectorArena

    /// Reads the tower whose names start with `prefix`. Heads are D/64 (every DINO and CLIP ViT-S/B/L);
    /// `eps` and `activation` are not in the tensors (DINO: 1e-6, GELU).
    init(
        _ file: any TensorSource & TensorShapes, prefix v: String, eps: Float, activation: Activation,
        precision: Precision, cache: PackedWeightCache? = nil
    ) throws {
        func shape(_ name: String) throws -> [Int] {
            guard let s = file.shape(of: v + name) else { throw WeightsError.missingTensor(path: file.path, name: v + name) }
            return s
        }
        let conv = try shape("patch_embed.proj.weight"), pos = try shape("pos_embed"), fc1 = try shape("blocks.0.mlp.fc1.weight")
        guard conv.count == 4, conv[1] == 3, pos.count == 3, fc1.count == 2 else {
            throw WeightsError.badConfig(path: file.path, reason: "\(v)patch_embed.proj.weight and pos_embed do not make a ViT")
        }
        let d = conv[0], p = conv[2], grid = Int(Double(pos[1] - 1).squareRoot().rounded())
        let layers = file.names.filter { $0.hasPrefix(v + "blocks.") && $0.hasSuffix(".attn.qkv.weight") }.count
        let c = Config(
            width: d, layers: layers, heads: max(1, d / 64), patchSize: p, imageSize: grid * p, mlpHidden: fc1[0],
            eps: eps, activation: activation, preNorm: file.shape(of: v + "pos_drop.weight") != nil)
        guard layers > 0, grid * grid == pos[1] - 1, d % c.heads == 0 else {
            throw WeightsError.badConfig(path: file.path, reason: "the tensors under \(v.isEmpty ? "the top" : v) do not make a ViT")
        }
        config = c
        let read = WeightReader(file, cache: cache)
        vectors = read.arena
        let i = c.mlpHidden
        patch = try read.packed(v + "patch_embed.proj.weight", d, 3 * p * p, shape: [d, 3, p, p], .fp32)
        patchBias = try read.vector(v + "patch_embed.proj.bias", [d])
        classToken = try read.vector(v + "cls_token", [1, 1, d])
        positionEmbedding = try read.vector(v + "pos_embed", [1, c.tokens, d])
        preNorm = c.preNorm ? try LayerNormWeights(read, v + "pos_drop", width: d, eps: eps) : nil
        self.layers = try (0..<layers).map { n in
            let l = v + "blocks.\(n)."
            return EncoderLayer(
                norm1: try LayerNormWeights(read, l + "norm1", width: d, eps: eps),
                qkv: try read.packed(l + "attn.qkv.weight", 3 * d, d, precision),  // q, k, v already stacked
                qkvBias: try read.vector(l + "attn.qkv.bias", [3 * d]),
                out: try read.packed(l + "attn.proj.weight", d, d, precision),
                outBias: try read.vector(l + "attn.proj.bias", [d]),
                scale1: nil,
                norm2: try LayerNormWeights(read, l + "norm2", width: d, eps: eps),
                feedForward: .mlp(
                    fc1: try read.packed(l + "mlp.fc1.weight", i, d, precision), fc1Bias: try read.vector(l + "mlp.fc1.bias", [i]),
                    fc2: try read.packed(l + "mlp.fc2.weight", d, i, precision), fc2Bias: try read.vector(l + "mlp.fc2.bias", [d]),
                    activation: activation),
                scale2: nil)
        }
        finalNorm = try LayerNormWeights(read, v + "norm", width: d, eps: eps)
    }

    /// `[B, 3, S, S]` → the tokens after the last block, in `w.x` (`[B·T, D]`, no final norm):
    /// x = [cls, patches] + pos; x = LN(x) when `pos_drop` is a LayerNorm; then the blocks.
    func forward(_ pixels: UnsafePointer<Float>, batch: Int, _ w: Workspace) {
        let c = config
        patchEmbedding(
            pixels, batch: batch, imageSize: c.imageSize, patchSize: c.patchSize,
            weight: patch, bias: patchBias, into: w.h, w)  // [B·N, D]
        assembleTokens(patches: w.h, batch: batch, classToken: classToken, positionEmbedding: positionEmbedding, w)
        preNorm?.apply(w.x, rows: batch * c.tokens, width: c.width, into: w.x)
        for layer in layers { layer.forward(batch: batch, w) }
    }

    /// The final norm of each image's class token: `[B, D]` into `out` (DINO's `forward`).
    func normalizedClassTokens(batch: Int, _ w: Workspace, into out: UnsafeMutablePointer<Float>) {
        finalNorm.apply(w.x, rows: batch, width: config.width, into: out, inStride: config.tokens * config.width)
    }
}
