import Foundation
import SCSTensor

/// Layer normalisation's parameters.
struct LayerNormWeights {
    let gamma, beta: UnsafePointer<Float>  // [D]
    let eps: Float

    init(_ read: WeightReader, _ prefix: String, width d: Int, eps: Float) throws {
        gamma = try read.vector(prefix + ".weight", [d])
        beta = try read.vector(prefix + ".bias", [d])
        self.eps = eps
    }

    /// Normalises `rows` rows of `x` (rows `inStride` apart) into `out` (rows packed).
    func apply(_ x: UnsafePointer<Float>, rows: Int, width: Int, into out: UnsafeMutablePointer<Float>, inStride: Int? = nil) {
        layerNorm(x, rows: rows, dim: width, gamma: gamma, beta: beta, eps: eps, into: out, inStride: inStride)
    }
}

/// The feed-forward half of an encoder layer.
enum FeedForward {
    /// fc2(act(fc1(x))): CLIP, SigLIP, DINO, DINOv2 up to large.
    case mlp(fc1: PackedMatrix, fc1Bias: UnsafePointer<Float>, fc2: PackedMatrix, fc2Bias: UnsafePointer<Float>, activation: Activation)
    /// down(silu(gate(x)) ⊙ up(x)), gate and up stacked as one `[2H, D]` product: DINOv2 giant.
    case swiGLU(gateUp: PackedMatrix, gateUpBias: UnsafePointer<Float>, down: PackedMatrix, downBias: UnsafePointer<Float>)
}

/// One pre-norm transformer encoder layer, the block every ViT here is made of:
///
///     x += γ₁ ⊙ out_proj(attention(LN₁(x)))
///     x += γ₂ ⊙ feed_forward(LN₂(x))
///
/// γ is DINOv2's LayerScale (absent elsewhere: no multiply at all, so CLIP's bits are unchanged).
/// Attention runs image by image and head by head, so an image's result never depends on the
/// batch it came in.
struct EncoderLayer {
    let norm1: LayerNormWeights
    let qkv: PackedMatrix  // [3D, D]: q, k, v projections stacked
    let qkvBias: UnsafePointer<Float>  // [3D]
    let out: PackedMatrix  // [D, D]
    let outBias: UnsafePointer<Float>  // [D]
    let scale1: UnsafePointer<Float>?  // [D]
    let norm2: LayerNormWeights
    let feedForward: FeedForward
    let scale2: UnsafePointer<Float>?  // [D]

    /// Both halves on `batch` sequences of `layout.tokens` tokens in `w.x`; `causal`: each token
    /// attends only to itself and those before it (CLIP's text tower).
    /// `visibleKeys`: every token attends only to the first that many (the rest is padding).
    func forward(batch: Int, _ w: Workspace, causal: Bool = false, visibleKeys: Int? = nil) {
        attention(batch: batch, w, causal: causal, visibleKeys: visibleKeys)
        feedForwardBlock(batch: batch, w)
    }

    /// x += γ₁ ⊙ out_proj(softmax(Q Kᵀ / √(D/H) + mask) V), heads concatenated; Q, K, V = projections
    /// of LN₁(x). The causal mask (−∞ above the diagonal) is applied by taking each row's softmax over
    /// its first i + 1 scores and zeroing the rest: the same weights, without infinities.
    func attention(batch: Int, _ w: Workspace, causal: Bool = false, visibleKeys: Int? = nil) {
        let d = w.layout.width, t = w.layout.tokens, rows = batch * t, hd = w.layout.headDim
        norm1.apply(w.x, rows: rows, width: d, into: w.h)
        // qkv [B·T, 3D]: Q in columns 0..<D, K in D..<2D, V in 2D..<3D.
        linear(w.h, rows: rows, weight: qkv, bias: qkvBias, into: w.qkv, scratch: w.gemm)
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<batch {
            let base = w.qkv + b * t * 3 * d
            for head in 0..<w.layout.heads {
                let q = base + head * hd, k = base + d + head * hd, v = base + 2 * d + head * hd
                // scores [T, T] = scale · Q_h K_hᵀ
                matmul(
                    q, lda: 3 * d, k, ldb: 3 * d, transposeB: true, into: w.scores, ldc: t, m: t, n: t, k: hd,
                    alpha: scale, packBuffer: w.pack, scratch: w.gemm)
                if causal || visibleKeys != nil {
                    for i in 0..<t {
                        let row = w.scores + i * t, keys = min(causal ? i + 1 : t, visibleKeys ?? t)
                        softmaxRows(row, rows: 1, cols: keys)
                        (row + keys).update(repeating: 0, count: t - keys)
                    }
                } else {
                    softmaxRows(w.scores, rows: t, cols: t)
                }
                // context[b, :, head] [T, D/H] = scores · V_h
                matmul(
                    w.scores, lda: t, v, ldb: 3 * d, transposeB: false,
                    into: w.context + b * t * d + head * hd, ldc: d, m: t, n: hd, k: t, packBuffer: w.pack, scratch: w.gemm)
            }
        }
        linear(w.context, rows: rows, weight: out, bias: outBias, into: w.h, scratch: w.gemm)
        addScaled(w.x, w.h, scale1, rows: rows, width: d)
    }

    /// x += γ₂ ⊙ feed_forward(LN₂(x)).
    func feedForwardBlock(batch: Int, _ w: Workspace) {
        let d = w.layout.width, rows = batch * w.layout.tokens
        norm2.apply(w.x, rows: rows, width: d, into: w.h)
        switch feedForward {
        case let .mlp(fc1, fc1Bias, fc2, fc2Bias, activation):
            // The activation runs inside fc1's GEMM where it can (quick GELU).
            linear(w.h, rows: rows, weight: fc1, bias: fc1Bias, into: w.mlp, scratch: w.gemm, then: activation)  // [B·T, I]
            linear(w.mlp, rows: rows, weight: fc2, bias: fc2Bias, into: w.h, scratch: w.gemm)  // [B·T, D]
        case let .swiGLU(gateUp, gateUpBias, down, downBias):
            let hidden = gateUp.outFeatures / 2
            linear(w.h, rows: rows, weight: gateUp, bias: gateUpBias, into: w.mlp, scratch: w.gemm)  // [B·T, 2H]
            // silu(gate) ⊙ up, written over the gate half; the down projection reads rows 2H apart.
            for r in 0..<rows {
                let gate = w.mlp + r * 2 * hidden
                siluMultiply(gate, gate + hidden, count: hidden)
            }
            linear(w.mlp, rows: rows, weight: down, bias: downBias, into: w.h, inStride: 2 * hidden, scratch: w.gemm)
        }
        addScaled(w.x, w.h, scale2, rows: rows, width: d)
    }

    /// x += γ ⊙ h per row, or x += h without γ.
    private func addScaled(
        _ x: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _ gamma: UnsafePointer<Float>?,
        rows: Int, width: Int
    ) {
        guard let gamma else { return addInPlace(x, h, count: rows * width) }
        for r in 0..<rows {
            let xr = x + r * width, hr = h + r * width
            for i in 0..<width { xr[i] += gamma[i] * hr[i] }
        }
    }
}

/// Conv2d(3, D, kernel P, stride P) as im2col + one GEMM: `[B, 3, S, S]` images → `[B·N, D]`
/// patch rows in `out`, patches in row-major order, each im2col row ordered (channel, ky, kx)
/// like the conv weight.
func patchEmbedding(
    _ pixels: UnsafePointer<Float>, batch: Int, imageSize s: Int, patchSize p: Int,
    weight: PackedMatrix, bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>, _ w: Workspace
) {
    let side = s / p, patchLength = 3 * p * p, n = side * side
    for b in 0..<batch {
        let image = pixels + b * 3 * s * s
        for py in 0..<side {
            for px in 0..<side {
                var dst = w.patches + ((b * n) + py * side + px) * patchLength
                for ch in 0..<3 {
                    for ky in 0..<p {
                        dst.update(from: image + ch * s * s + (py * p + ky) * s + px * p, count: p)
                        dst += p
                    }
                }
            }
        }
    }
    linear(w.patches, rows: batch * n, weight: weight, bias: bias, into: out, scratch: w.gemm)
}

/// The token sequence of a ViT with a class token: for each image, x[0] = cls + pos[0], then the
/// registers as they are (DINOv2's, no position), then x[1 + R + n] = patch[n] + pos[1 + n].
/// `patches` is `[B·N, D]` (patchEmbedding's output), the result goes to `w.x` (`[B·T, D]`).
func assembleTokens(
    patches: UnsafePointer<Float>, batch: Int, classToken: UnsafePointer<Float>,
    positionEmbedding pos: UnsafePointer<Float>, registers: (tokens: UnsafePointer<Float>, count: Int)? = nil,
    _ w: Workspace
) {
    let d = w.layout.width, t = w.layout.tokens, r = registers?.count ?? 0, n = t - 1 - r
    for b in 0..<batch {
        let tokens = w.x + b * t * d
        for i in 0..<d { tokens[i] = classToken[i] + pos[i] }
        if let registers { (tokens + d).update(from: registers.tokens, count: r * d) }
        for k in 0..<n {
            let patch = patches + (b * n + k) * d, p = pos + (1 + k) * d, out = tokens + (1 + r + k) * d
            for i in 0..<d { out[i] = patch[i] + p[i] }
        }
    }
}

extension EncoderLayer {
    /// A layer under transformers' CLIP names, which SigLIP shares: `layer_norm1`,
    /// `self_attn.{q,k,v,out}_proj`, `layer_norm2`, `mlp.fc1`, `mlp.fc2`, all with biases.
    static func clipNamed(
        _ read: WeightReader, _ l: String, width d: Int, mlp i: Int, eps: Float, activation: Activation,
        precision: Precision
    ) throws -> EncoderLayer {
        let qkv = ["q_proj", "k_proj", "v_proj"].map { l + "self_attn.\($0)" }
        return EncoderLayer(
            norm1: try LayerNormWeights(read, l + "layer_norm1", width: d, eps: eps),
            qkv: try read.stacked(qkv.map { $0 + ".weight" }, d, d, precision),
            qkvBias: try read.concatenated(qkv.map { $0 + ".bias" }, d),
            out: try read.packed(l + "self_attn.out_proj.weight", d, d, precision),
            outBias: try read.vector(l + "self_attn.out_proj.bias", [d]),
            scale1: nil,
            norm2: try LayerNormWeights(read, l + "layer_norm2", width: d, eps: eps),
            feedForward: .mlp(
                fc1: try read.packed(l + "mlp.fc1.weight", i, d, precision), fc1Bias: try read.vector(l + "mlp.fc1.bias", [i]),
                fc2: try read.packed(l + "mlp.fc2.weight", d, i, precision), fc2Bias: try read.vector(l + "mlp.fc2.bias", [d]),
                activation: activation),
            scale2: nil)
    }
}
