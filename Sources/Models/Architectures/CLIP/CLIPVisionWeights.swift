import Foundation
import SCSTensor

/// CLIP's image tower tensors, ready for the forward pass: matrices packed for the GEMM kernels
/// (in the chosen precision), vectors copied out. The weights file is needed only while this is
/// built. Names follow transformers' CLIPModel (`OpenAICLIPTensors` shows OpenAI's files under
/// these names); shapes are checked against the config, and a missing or mis-shaped tensor is an
/// error that names it.
struct CLIPVisionWeights: @unchecked Sendable {
    let patch: PackedMatrix                      // [D, 3·P·P] (the conv weight [D, 3, P, P] flattened)
    let classEmbedding: UnsafePointer<Float>     // [D]
    let positionEmbedding: UnsafePointer<Float>  // [T, D]
    let preNorm: LayerNormWeights
    let layers: [EncoderLayer]
    let postNorm: LayerNormWeights
    let projection: PackedMatrix                 // [E, D]
    private let vectors: VectorArena

    /// `precision` applies to the transformer layers' products; the patch embedding and the final
    /// projection (about 5% of the work) stay in fp32.
    init(file: any TensorSource, config c: CLIPVisionConfig, precision: Precision) throws {
        let read = WeightReader(file)
        vectors = read.arena
        let d = c.hiddenSize, i = c.intermediateSize, p = c.patchSize, eps = c.layerNormEps
        guard let activation = Activation(rawValue: c.activation) else {
            throw WeightsError.badConfig(path: file.path, reason: "unknown activation \(c.activation)")
        }
        // CLIPModel and CLIPVisionModel(WithProjection) both prefix the tower with "vision_model.".
        let v = "vision_model."
        patch = try read.packed(v + "embeddings.patch_embedding.weight", d, c.channels * p * p, shape: [d, c.channels, p, p], .fp32)
        classEmbedding = try read.vector(v + "embeddings.class_embedding", [d])
        positionEmbedding = try read.vector(v + "embeddings.position_embedding.weight", [c.tokens, d])
        preNorm = try LayerNormWeights(read, v + "pre_layrnorm", width: d, eps: eps)
        layers = try (0..<c.layers).map { n in
            let l = v + "encoder.layers.\(n)."
            let qkv = ["q_proj", "k_proj", "v_proj"].map { l + "self_attn.\($0)" }
            return EncoderLayer(
                norm1: try LayerNormWeights(read, l + "layer_norm1", width: d, eps: eps),
                qkv: try read.stacked(qkv.map { $0 + ".weight" }, d, d, precision),
                qkvBias: try read.concatenated(qkv.map { $0 + ".bias" }, d),
                out: try read.packed(l + "self_attn.out_proj.weight", d, d, precision),
                outBias: try read.vector(l + "self_attn.out_proj.bias", [d]),
                scale1: nil,
                norm2: try LayerNormWeights(read, l + "layer_norm2", width: d, eps: eps),
                feedForward: .mlp(fc1: try read.packed(l + "mlp.fc1.weight", i, d, precision),
                                  fc1Bias: try read.vector(l + "mlp.fc1.bias", [i]),
                                  fc2: try read.packed(l + "mlp.fc2.weight", d, i, precision),
                                  fc2Bias: try read.vector(l + "mlp.fc2.bias", [d]), activation: activation),
                scale2: nil)
        }
        postNorm = try LayerNormWeights(read, v + "post_layernorm", width: d, eps: eps)
        projection = try read.packed("visual_projection.weight", c.projectionDim, d, .fp32)
    }
}
