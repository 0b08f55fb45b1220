import Foundation
import SCSTensor

/// DINOv2's tensors under the names transformers saves (the hub's: `attention.attention.query`,
/// `mlp.weights_in` for SwiGLU), with or without a `dinov2.` prefix, ready for the forward pass.
/// The position embeddings are interpolated to the input's grid here, once.
struct DINOv2Weights: @unchecked Sendable {
    let patch: PackedMatrix  // [D, 3·P·P]
    let patchBias: UnsafePointer<Float>  // [D]
    let classToken: UnsafePointer<Float>  // [D]
    let registerTokens: UnsafePointer<Float>?  // [R, D], nil without registers
    let positionEmbedding: UnsafePointer<Float>  // [1 + N, D] for the input's grid
    let layers: [EncoderLayer]
    let finalNorm: LayerNormWeights
    private let vectors: VectorArena

    init(file: any TensorSource & TensorShapes, config c: DINOv2Config, precision: Precision, cache: PackedWeightCache? = nil) throws {
        let read = WeightReader(file, cache: cache)
        vectors = read.arena
        let d = c.hiddenSize, p = c.patchSize, eps = c.layerNormEps, hidden = c.mlpHidden
        guard let activation = Activation(rawValue: c.activation) else {
            throw WeightsError.badConfig(path: file.path, reason: "field hidden_act: unsupported activation \(c.activation)")
        }
        let v = file.prefix(before: "embeddings.cls_token") ?? ""
        patch = try read.packed(v + "embeddings.patch_embeddings.projection.weight", d, 3 * p * p, shape: [d, 3, p, p], .fp32)
        patchBias = try read.vector(v + "embeddings.patch_embeddings.projection.bias", [d])
        classToken = try read.vector(v + "embeddings.cls_token", [1, 1, d])
        registerTokens = c.registers > 0 ? try read.vector(v + "embeddings.register_tokens", [1, c.registers, d]) : nil
        let trained = c.trainedPatchesPerSide, side = c.patchesPerSide
        let stored = try read.raw(v + "embeddings.position_embeddings", [1, 1 + trained * trained, d])
        let positions = read.arena.allocate((1 + side * side) * d)
        positions.update(from: stored, count: d)  // the class token's, as it is
        if trained == side {
            (positions + d).update(from: stored + d, count: side * side * d)  // transformers skips interpolation
        } else {
            // Plain DINOv2 interpolates without antialiasing, the registers variant with it.
            let grid = PositionInterpolation.bicubic(stored + d, side: trained, width: d, to: side, antialias: c.registers > 0)
            (positions + d).update(from: grid, count: grid.count)
        }
        positionEmbedding = UnsafePointer(positions)
        layers = try (0..<c.layers).map { n in
            let l = v + "encoder.layer.\(n)."
            let qkv = ["query", "key", "value"].map { l + "attention.attention.\($0)" }
            let feedForward: FeedForward
            if c.swiGLU {
                feedForward = .swiGLU(
                    gateUp: try read.packed(l + "mlp.weights_in.weight", 2 * hidden, d, precision),
                    gateUpBias: try read.vector(l + "mlp.weights_in.bias", [2 * hidden]),
                    down: try read.packed(l + "mlp.weights_out.weight", d, hidden, precision),
                    downBias: try read.vector(l + "mlp.weights_out.bias", [d]))
            } else {
                feedForward = .mlp(
                    fc1: try read.packed(l + "mlp.fc1.weight", hidden, d, precision),
                    fc1Bias: try read.vector(l + "mlp.fc1.bias", [hidden]),
                    fc2: try read.packed(l + "mlp.fc2.weight", d, hidden, precision),
                    fc2Bias: try read.vector(l + "mlp.fc2.bias", [d]), activation: activation)
            }
            return EncoderLayer(
                norm1: try LayerNormWeights(read, l + "norm1", width: d, eps: eps),
                qkv: try read.stacked(qkv.map { $0 + ".weight" }, d, d, precision),
                qkvBias: c.qkvBias ? try read.concatenated(qkv.map { $0 + ".bias" }, d) : UnsafePointer(read.zeros(3 * d)),
                out: try read.packed(l + "attention.output.dense.weight", d, d, precision),
                outBias: try read.vector(l + "attention.output.dense.bias", [d]),
                scale1: try read.vector(l + "layer_scale1.lambda1", [d]),
                norm2: try LayerNormWeights(read, l + "norm2", width: d, eps: eps),
                feedForward: feedForward,
                scale2: try read.vector(l + "layer_scale2.lambda1", [d]))
        }
        finalNorm = try LayerNormWeights(read, v + "layernorm", width: d, eps: eps)
    }
}
