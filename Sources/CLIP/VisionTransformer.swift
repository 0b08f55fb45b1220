import Foundation
import SCSTensor

/// CLIP's image tower: a pre-norm Vision Transformer and the visual projection, in float32.
/// The whole forward pass is in this file, one function per stage, top to bottom.
///
/// Notation: B images in a batch, S image side, P patch side, N = (S/P)² patches,
/// T = N + 1 tokens (a class token first), D hidden width, H heads of width D/H,
/// I MLP width, E embedding width. Activations are row-major `[B·T, D]`.
///
/// The output is the unnormalised image embedding, as transformers' `get_image_features`
/// and OpenAI's `encode_image` return it.
public final class CLIPVisionModel: @unchecked Sendable {
    public let config: VisionConfig
    /// Folder the model came from.
    public let directory: URL
    /// The format of the transformer layers' matrix products.
    public let precision: Precision
    private let weights: VisionWeights
    private let activation: Activation

    /// Loads a model and packs its weights for this CPU's kernels, in `precision` (an error naming
    /// the CPU where it lacks it). `directory` is a Hugging Face model folder (`config.json` and
    /// `model.safetensors`), or a checkpoint file in OpenAI's layout: a PyTorch file (`.pt`,
    /// `.pth`, `.bin`: torch.save or TorchScript, read without running its pickles) or an
    /// open_clip `.safetensors`.
    public init(directory: URL, precision: Precision = .fp32) throws {
        self.directory = directory
        self.precision = precision
        if let reason = precision.unsupportedReason { throw WeightsError.unsupportedPrecision(reason) }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), !isFolder.boolValue {
            let source: any TensorSource & TensorShapes = directory.pathExtension.lowercased() == "safetensors"
                ? try SafetensorsFile(path: directory.path) : try TorchCheckpoint(path: directory.path)
            let sidecar = directory.deletingLastPathComponent().appendingPathComponent("open_clip_config.json")
            let layout = try OpenAICLIPTensors(base: source, openCLIPConfig: FileManager.default.fileExists(atPath: sidecar.path) ? sidecar : nil)
            config = layout.config
            weights = try VisionWeights(file: layout, config: config, precision: precision)
        } else {
            config = try VisionConfig.load(from: directory.appendingPathComponent("config.json"))
            let file = try SafetensorsFile(path: directory.appendingPathComponent("model.safetensors").path)
            weights = try VisionWeights(file: file, config: config, precision: precision)
        }
        guard let activation = Activation(rawValue: config.activation) else {
            throw WeightsError.badConfig(path: directory.path, reason: "unknown activation \(config.activation)")
        }
        self.activation = activation
    }

    /// Embeds `batch` preprocessed images (`[B, 3, S, S]`, see CLIPPreprocessor) into
    /// `output` (`[B, E]`). Safe to call from several threads at once, each with its own workspace.
    public func embed(_ pixels: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>,
                      workspace: Workspace) {
        precondition(batch <= workspace.capacity, "batch \(batch) exceeds workspace capacity \(workspace.capacity)")
        let w = workspace
        patchEmbedding(pixels, batch: batch, w)                               // → w.x [B·T, D]
        layerNorm(w.x, rows: batch * config.tokens, dim: config.hiddenSize,   // pre_layrnorm
                  gamma: weights.preNormGamma, beta: weights.preNormBeta, eps: config.layerNormEps, into: w.x)
        for layer in weights.layers {
            attentionBlock(layer, batch: batch, w)                            // x += attn(LN1(x))
            mlpBlock(layer, batch: batch, w)                                  // x += mlp(LN2(x))
        }
        pooledProjection(batch: batch, w, into: output)                       // → [B, E]
    }

    /// Embeds `count` preprocessed images (`pixels`: `[count, 3, S, S]`) `batch` at a time, on the
    /// calling thread; returns `[count, E]`.
    public func embed(_ pixels: [Float], count: Int, batch: Int) -> [Float] {
        let e = config.projectionDim, per = 3 * config.imageSize * config.imageSize
        precondition(pixels.count >= count * per, "\(pixels.count) floats for \(count) images")
        var out = [Float](repeating: .nan, count: count * e)
        let workspace = borrowWorkspace(capacity: batch)
        defer { recycle(workspace) }
        pixels.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { o in
                var start = 0
                while start < count {
                    let n = min(batch, count - start)
                    embed(px.baseAddress! + start * per, batch: n, into: o.baseAddress! + start * e, workspace: workspace)
                    start += n
                }
            }
        }
        return out
    }

    /// Scratch memory for batches of up to `capacity` images; one per thread.
    public func makeWorkspace(capacity: Int) -> Workspace { Workspace(config: config, capacity: capacity) }

    private var pool: [Workspace] = []
    private let poolLock = NSLock()

    /// A workspace from the model's pool (or a new one): runs that follow one another reuse the
    /// same memory instead of faulting in fresh pages (hundreds of MB for L/14). Give it back with
    /// `recycle`.
    public func borrowWorkspace(capacity: Int) -> Workspace {
        poolLock.lock()
        defer { poolLock.unlock() }
        if let i = pool.firstIndex(where: { $0.capacity >= capacity }) { return pool.remove(at: i) }
        return makeWorkspace(capacity: capacity)
    }

    /// Returns a borrowed workspace to the pool (which keeps at most one per core).
    public func recycle(_ workspace: Workspace) {
        poolLock.lock()
        defer { poolLock.unlock() }
        if pool.count < ProcessInfo.processInfo.activeProcessorCount { pool.append(workspace) }
    }

    // MARK: - Stages

    /// Conv2d(3, D, kernel P, stride P, no bias) as im2col + one GEMM, then the class token and
    /// position embeddings: x[b, 0] = cls + pos[0], x[b, 1 + n] = patch[b, n] + pos[1 + n].
    private func patchEmbedding(_ pixels: UnsafePointer<Float>, batch: Int, _ w: Workspace) {
        let c = config, p = c.patchSize, side = c.patchesPerSide, s = c.imageSize
        let patchLength = 3 * p * p, n = side * side, d = c.hiddenSize
        // im2col: patches [B·N, 3·P·P], each row ordered (channel, ky, kx) like the conv weight.
        for b in 0..<batch {
            let image = pixels + b * 3 * s * s
            for py in 0..<side {
                for px in 0..<side {
                    var dst = w.patches + ((b * n) + py * side + px) * patchLength
                    for ch in 0..<3 {
                        for ky in 0..<p {
                            (dst).update(from: image + ch * s * s + (py * p + ky) * s + px * p, count: p)
                            dst += p
                        }
                    }
                }
            }
        }
        // [B·N, 3·P·P] · [D, 3·P·P]ᵀ → [B·N, D], into the scratch buffer h.
        linear(w.patches, rows: batch * n, weight: weights.patch, bias: nil, into: w.h, scratch: w.gemm)
        for b in 0..<batch {
            let tokens = w.x + b * c.tokens * d
            for i in 0..<d { tokens[i] = weights.classEmbedding[i] + weights.positionEmbedding[i] }
            for t in 1..<c.tokens {
                let patch = w.h + (b * n + t - 1) * d, pos = weights.positionEmbedding + t * d, out = tokens + t * d
                for i in 0..<d { out[i] = patch[i] + pos[i] }
            }
        }
    }

    /// x += out_proj(softmax(Q Kᵀ / √(D/H)) V), heads concatenated; Q, K, V = projections of LN1(x).
    private func attentionBlock(_ l: VisionWeights.Layer, batch: Int, _ w: Workspace) {
        let c = config, d = c.hiddenSize, t = c.tokens, rows = batch * t, hd = c.headDim
        layerNorm(w.x, rows: rows, dim: d, gamma: l.norm1Gamma, beta: l.norm1Beta, eps: c.layerNormEps, into: w.h)
        // qkv [B·T, 3D]: Q in columns 0..<D, K in D..<2D, V in 2D..<3D.
        linear(w.h, rows: rows, weight: l.qkv, bias: l.qkvBias, into: w.qkv, scratch: w.gemm)
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<batch {
            let base = w.qkv + b * t * 3 * d
            for head in 0..<c.heads {
                let q = base + head * hd, k = base + d + head * hd, v = base + 2 * d + head * hd
                // scores [T, T] = scale · Q_h K_hᵀ
                matmul(q, lda: 3 * d, k, ldb: 3 * d, transposeB: true, into: w.scores, ldc: t, m: t, n: t, k: hd,
                       alpha: scale, packBuffer: w.pack, scratch: w.gemm)
                softmaxRows(w.scores, rows: t, cols: t)
                // context[b, :, head] [T, D/H] = scores · V_h
                matmul(w.scores, lda: t, v, ldb: 3 * d, transposeB: false,
                       into: w.context + b * t * d + head * hd, ldc: d, m: t, n: hd, k: t, packBuffer: w.pack, scratch: w.gemm)
            }
        }
        linear(w.context, rows: rows, weight: l.out, bias: l.outBias, into: w.h, scratch: w.gemm)
        addInPlace(w.x, w.h, count: rows * d)
    }

    /// x += fc2(act(fc1(LN2(x)))); the activation runs inside fc1's GEMM where it can (quick GELU).
    private func mlpBlock(_ l: VisionWeights.Layer, batch: Int, _ w: Workspace) {
        let c = config, d = c.hiddenSize, rows = batch * c.tokens
        layerNorm(w.x, rows: rows, dim: d, gamma: l.norm2Gamma, beta: l.norm2Beta, eps: c.layerNormEps, into: w.h)
        linear(w.h, rows: rows, weight: l.fc1, bias: l.fc1Bias, into: w.mlp, scratch: w.gemm,
               then: activation)                                                                  // [B·T, I]
        linear(w.mlp, rows: rows, weight: l.fc2, bias: l.fc2Bias, into: w.h, scratch: w.gemm)    // [B·T, D]
        addInPlace(w.x, w.h, count: rows * d)
    }

    /// post_layernorm of each class token, then the projection without bias: [B, D] → [B, E].
    private func pooledProjection(batch: Int, _ w: Workspace, into output: UnsafeMutablePointer<Float>) {
        let c = config, d = c.hiddenSize
        layerNorm(w.x, rows: batch, dim: d, gamma: weights.postNormGamma, beta: weights.postNormBeta,
                  eps: c.layerNormEps, into: w.h, inStride: c.tokens * d)
        linear(w.h, rows: batch, weight: weights.projection, bias: nil, into: output, scratch: w.gemm)
    }

    // MARK: - Workspace

    /// Per-thread scratch buffers, sized once for `capacity` images.
    public final class Workspace: @unchecked Sendable {
        public let capacity: Int
        let patches: UnsafeMutablePointer<Float>  // [B·N, 3·P·P]
        let x: UnsafeMutablePointer<Float>        // [B·T, D] the residual stream
        let h: UnsafeMutablePointer<Float>        // [B·T, max(D, …)] normalised input / block output
        let qkv: UnsafeMutablePointer<Float>      // [B·T, 3D]
        let scores: UnsafeMutablePointer<Float>   // [T, T] one head at a time
        let context: UnsafeMutablePointer<Float>  // [B·T, D]
        let mlp: UnsafeMutablePointer<Float>      // [B·T, I]
        let gemm: GEMMScratch                     // the GEMM's packed left operand
        let pack: UnsafeMutableRawPointer         // one head's K or V, packed
        private let all: [UnsafeMutablePointer<Float>]

        init(config c: VisionConfig, capacity: Int) {
            self.capacity = capacity
            let rows = capacity * c.tokens, n = c.patchesPerSide * c.patchesPerSide
            func alloc(_ count: Int) -> UnsafeMutablePointer<Float> {
                let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
                p.initialize(repeating: 0, count: count)
                return p
            }
            patches = alloc(capacity * n * 3 * c.patchSize * c.patchSize)
            x = alloc(rows * c.hiddenSize)
            h = alloc(rows * c.hiddenSize)
            qkv = alloc(rows * 3 * c.hiddenSize)
            scores = alloc(c.tokens * c.tokens)
            context = alloc(rows * c.hiddenSize)
            mlp = alloc(rows * c.intermediateSize)
            all = [patches, x, h, qkv, scores, context, mlp]
            gemm = GEMMScratch(rows: rows)
            let packBytes = max(packedBytes(n: c.tokens, k: c.headDim), packedBytes(n: c.headDim, k: c.tokens))
            pack = UnsafeMutableRawPointer.allocate(byteCount: packBytes, alignment: 64)
        }

        deinit {
            for p in all { p.deallocate() }
            pack.deallocate()
        }
    }
}
