import Foundation
import SCSTensor

/// CLIP's image tower tensors, ready for the forward pass: matrices packed for the GEMM kernels
/// (in the chosen precision), vectors copied out. The weights file is needed only while this is
/// built. Names follow transformers' CLIPModel (`OpenAICLIPTensors` shows OpenAI's files under
/// these names); shapes are checked against the config, and a missing or mis-shaped tensor is an
/// error that names it.
struct CLIPVisionWeights: @unchecked Sendable {
    let patch: PackedMatrix  // [D, 3·P·P] (the conv weight [D, 3, P, P] flattened)
    let classEmbedding: UnsafePointer<Float>  // [D]
    let positionEmbedding: UnsafePointer<Float>  // [T, D]
    let preNorm: LayerNormWeights
    let layers: [EncoderLayer]
    let postNorm: LayerNormWeights
    let projection: PackedMatrix  // [E, D]
    private let vectors: VectorArena

    /// `precision` applies to the transformer layers' products; the patch embedding and the final
    /// projection (about 5% of the work) stay in fp32.
    init(file: any TensorSource, config c: CLIPVisionConfig, precision: Precision, cache: PackedWeightCache? = nil) throws {
        let read = WeightReader(file, cache: cache)
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
            try EncoderLayer.clipNamed(
                read, v + "encoder.layers.\(n).", width: d, mlp: i, eps: eps, activation: activation,
                precision: precision)
        }
        postNorm = try LayerNormWeights(read, v + "post_layernorm", width: d, eps: eps)
        projection = try read.packed("visual_projection.weight", c.projectionDim, d, .fp32)
    }
}
