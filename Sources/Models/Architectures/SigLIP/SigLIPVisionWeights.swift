import Foundation
import SCSTensor

/// SigLIP's image tower under transformers' names (`vision_model.` inside a SiglipModel, bare in a
/// SiglipVisionModel), ready for the forward pass. The pooling head's query is the same for every
/// image (the learned probe through in_proj's query rows), so it is computed here, once.
struct SigLIPVisionWeights: @unchecked Sendable {
    let patch: PackedMatrix  // [D, 3·P·P]
    let patchBias: UnsafePointer<Float>  // [D]
    let positionEmbedding: UnsafePointer<Float>  // [N, D]
    let layers: [EncoderLayer]
    let postNorm: LayerNormWeights
    let headQuery: UnsafePointer<Float>  // [D] probe · W_qᵀ + b_q
    let headKV: PackedMatrix  // [2D, D] in_proj's key and value rows
    let headKVBias: UnsafePointer<Float>  // [2D]
    let headOut: PackedMatrix, headOutBias: UnsafePointer<Float>  // [D, D], [D]
    let headNorm: LayerNormWeights
    let headFC1: PackedMatrix, headFC1Bias: UnsafePointer<Float>  // [I, D], [I]
    let headFC2: PackedMatrix, headFC2Bias: UnsafePointer<Float>  // [D, I], [D]
    let activation: Activation
    private let vectors: VectorArena

    init(file: any TensorSource & TensorShapes, config c: SigLIPVisionConfig, precision: Precision, cache: PackedWeightCache? = nil) throws {
        let read = WeightReader(file, cache: cache)
        vectors = read.arena
        let d = c.hiddenSize, i = c.intermediateSize, p = c.patchSize, eps = c.layerNormEps
        guard let activation = Activation(rawValue: c.activation) else {
            throw WeightsError.badConfig(path: file.path, reason: "field hidden_act: unsupported activation \(c.activation)")
        }
        self.activation = activation
        let v = file.prefix(before: "embeddings.patch_embedding.weight") ?? "vision_model."
        patch = try read.packed(v + "embeddings.patch_embedding.weight", d, 3 * p * p, shape: [d, 3, p, p], .fp32)
        patchBias = try read.vector(v + "embeddings.patch_embedding.bias", [d])
        positionEmbedding = try read.vector(v + "embeddings.position_embedding.weight", [c.tokens, d])
        layers = try (0..<c.layers).map { n in
            try EncoderLayer.clipNamed(
                read, v + "encoder.layers.\(n).", width: d, mlp: i, eps: eps, activation: activation,
                precision: precision)
        }
        postNorm = try LayerNormWeights(read, v + "post_layernorm", width: d, eps: eps)

        let h = v + "head."
        let probe = try read.raw(h + "probe", [1, 1, d])
        let query = read.arena.allocate(d)
        let inProj = try read.raw(h + "attention.in_proj_weight", [3 * d, d])
        let inBias = try read.raw(h + "attention.in_proj_bias", [3 * d])
        for r in 0..<d {
            var sum = Double(inBias[r])
            for k in 0..<d { sum += Double(inProj[r * d + k]) * Double(probe[k]) }
            query[r] = Float(sum)
        }
        headQuery = UnsafePointer(query)
        // The head stays in fp32 whatever the precision (like CLIP's projection): one query, a few
        // percent of the work, and in bf16 it moved embeddings ten times more than all the layers.
        headKV = try read.computed(h + "attention.in_proj_weight[d:]", 2 * d, d, .fp32) {
            try PackedMatrix(weight: inProj + d * d, outFeatures: 2 * d, inFeatures: d, precision: .fp32)
        }
        headKVBias = read.arena.copy(inBias + d, count: 2 * d)
        file.release(h + "attention.in_proj_weight")
        headOut = try read.packed(h + "attention.out_proj.weight", d, d, .fp32)
        headOutBias = try read.vector(h + "attention.out_proj.bias", [d])
        headNorm = try LayerNormWeights(read, h + "layernorm", width: d, eps: eps)
        headFC1 = try read.packed(h + "mlp.fc1.weight", i, d, .fp32)
        headFC1Bias = try read.vector(h + "mlp.fc1.bias", [i])
        headFC2 = try read.packed(h + "mlp.fc2.weight", d, i, .fp32)
        headFC2Bias = try read.vector(h + "mlp.fc2.bias", [d])
    }
}
