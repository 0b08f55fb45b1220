import Foundation

/// The vision tower's tensors, as pointers into the memory-mapped safetensors file (float32 in
/// place; float16/bfloat16 widened once). Names follow transformers' CLIPModel; shapes are
/// checked against config.json, and a missing or mis-shaped tensor is an error that names it.
struct VisionWeights: @unchecked Sendable {
    struct Layer {
        let norm1Gamma, norm1Beta: UnsafePointer<Float>          // [D]
        let qWeight, kWeight, vWeight: UnsafePointer<Float>       // [D, D]
        let qBias, kBias, vBias: UnsafePointer<Float>             // [D]
        let outWeight, outBias: UnsafePointer<Float>              // [D, D], [D]
        let norm2Gamma, norm2Beta: UnsafePointer<Float>           // [D]
        let fc1Weight, fc1Bias: UnsafePointer<Float>              // [I, D], [I]
        let fc2Weight, fc2Bias: UnsafePointer<Float>              // [D, I], [D]
    }

    let patchWeight: UnsafePointer<Float>        // [D, 3, P, P], used as [D, 3·P·P]
    let classEmbedding: UnsafePointer<Float>     // [D]
    let positionEmbedding: UnsafePointer<Float>  // [T, D]
    let preNormGamma, preNormBeta: UnsafePointer<Float>    // [D]
    let layers: [Layer]
    let postNormGamma, postNormBeta: UnsafePointer<Float>  // [D]
    let projection: UnsafePointer<Float>         // [E, D]

    init(file: SafetensorsFile, config c: VisionConfig) throws {
        let d = c.hiddenSize, i = c.intermediateSize, p = c.patchSize
        // CLIPModel and CLIPVisionModel(WithProjection) both prefix the tower with "vision_model.".
        let v = "vision_model."
        func t(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> { try file.floats(name, shape: shape) }
        patchWeight = try t(v + "embeddings.patch_embedding.weight", [d, c.channels, p, p])
        classEmbedding = try t(v + "embeddings.class_embedding", [d])
        positionEmbedding = try t(v + "embeddings.position_embedding.weight", [c.tokens, d])
        preNormGamma = try t(v + "pre_layrnorm.weight", [d])
        preNormBeta = try t(v + "pre_layrnorm.bias", [d])
        layers = try (0..<c.layers).map { n in
            let l = v + "encoder.layers.\(n)."
            return Layer(
                norm1Gamma: try t(l + "layer_norm1.weight", [d]), norm1Beta: try t(l + "layer_norm1.bias", [d]),
                qWeight: try t(l + "self_attn.q_proj.weight", [d, d]),
                kWeight: try t(l + "self_attn.k_proj.weight", [d, d]),
                vWeight: try t(l + "self_attn.v_proj.weight", [d, d]),
                qBias: try t(l + "self_attn.q_proj.bias", [d]),
                kBias: try t(l + "self_attn.k_proj.bias", [d]),
                vBias: try t(l + "self_attn.v_proj.bias", [d]),
                outWeight: try t(l + "self_attn.out_proj.weight", [d, d]),
                outBias: try t(l + "self_attn.out_proj.bias", [d]),
                norm2Gamma: try t(l + "layer_norm2.weight", [d]), norm2Beta: try t(l + "layer_norm2.bias", [d]),
                fc1Weight: try t(l + "mlp.fc1.weight", [i, d]), fc1Bias: try t(l + "mlp.fc1.bias", [i]),
                fc2Weight: try t(l + "mlp.fc2.weight", [d, i]), fc2Bias: try t(l + "mlp.fc2.bias", [d])
            )
        }
        postNormGamma = try t(v + "post_layernorm.weight", [d])
        postNormBeta = try t(v + "post_layernorm.bias", [d])
        projection = try t("visual_projection.weight", [c.projectionDim, d])
    }
}
