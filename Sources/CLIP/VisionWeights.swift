import Foundation
import SCSTensor

/// The vision tower's tensors, ready for the forward pass: matrices packed for the GEMM kernels
/// (in the chosen precision), vectors copied out. The safetensors file is needed only while this
/// is built. Names follow transformers' CLIPModel; shapes are checked against config.json, and a
/// missing or mis-shaped tensor is an error that names it.
struct VisionWeights: @unchecked Sendable {
    struct Layer {
        let norm1Gamma, norm1Beta: UnsafePointer<Float>           // [D]
        let qkv: PackedMatrix                                      // [3D, D]: q, k, v projections stacked
        let qkvBias: UnsafePointer<Float>                          // [3D]
        let out: PackedMatrix, outBias: UnsafePointer<Float>       // [D, D], [D]
        let norm2Gamma, norm2Beta: UnsafePointer<Float>           // [D]
        let fc1: PackedMatrix, fc1Bias: UnsafePointer<Float>       // [I, D], [I]
        let fc2: PackedMatrix, fc2Bias: UnsafePointer<Float>       // [D, I], [D]
    }

    let patch: PackedMatrix                      // [D, 3·P·P] (the conv weight [D, 3, P, P] flattened)
    let classEmbedding: UnsafePointer<Float>     // [D]
    let positionEmbedding: UnsafePointer<Float>  // [T, D]
    let preNormGamma, preNormBeta: UnsafePointer<Float>    // [D]
    let layers: [Layer]
    let postNormGamma, postNormBeta: UnsafePointer<Float>  // [D]
    let projection: PackedMatrix                 // [E, D]
    private let vectors: VectorArena

    /// `precision` applies to the transformer layers' products; the patch embedding and the final
    /// projection (about 5% of the work) stay in fp32.
    init(file: any TensorSource, config c: VisionConfig, precision: Precision) throws {
        let d = c.hiddenSize, i = c.intermediateSize, p = c.patchSize
        let arena = VectorArena()
        vectors = arena
        // CLIPModel and CLIPVisionModel(WithProjection) both prefix the tower with "vision_model.".
        let v = "vision_model."
        func t(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> { try file.floats(name, shape: shape) }
        func vec(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
            arena.copy(try t(name, shape), count: shape.reduce(1, *))
        }
        func packed(_ name: String, _ n: Int, _ k: Int, _ shape: [Int]? = nil, _ precision: Precision) throws -> PackedMatrix {
            let matrix = try PackedMatrix(weight: try t(name, shape ?? [n, k]), outFeatures: n, inFeatures: k, precision: precision)
            file.release(name)
            return matrix
        }
        func stacked(_ names: [String]) throws -> PackedMatrix {
            let matrix = try PackedMatrix(stacking: try names.map { try t($0, [d, d]) }, outFeatures: d, inFeatures: d,
                                          precision: precision)
            names.forEach(file.release)
            return matrix
        }
        patch = try packed(v + "embeddings.patch_embedding.weight", d, c.channels * p * p, [d, c.channels, p, p], .fp32)
        classEmbedding = try vec(v + "embeddings.class_embedding", [d])
        positionEmbedding = try vec(v + "embeddings.position_embedding.weight", [c.tokens, d])
        preNormGamma = try vec(v + "pre_layrnorm.weight", [d])
        preNormBeta = try vec(v + "pre_layrnorm.bias", [d])
        layers = try (0..<c.layers).map { n in
            let l = v + "encoder.layers.\(n)."
            let qkvBias = arena.allocate(3 * d)
            for (j, name) in ["q_proj", "k_proj", "v_proj"].enumerated() {
                (qkvBias + j * d).update(from: try t(l + "self_attn.\(name).bias", [d]), count: d)
            }
            return Layer(
                norm1Gamma: try vec(l + "layer_norm1.weight", [d]), norm1Beta: try vec(l + "layer_norm1.bias", [d]),
                qkv: try stacked(["q_proj", "k_proj", "v_proj"].map { l + "self_attn.\($0).weight" }),
                qkvBias: UnsafePointer(qkvBias),
                out: try packed(l + "self_attn.out_proj.weight", d, d, nil, precision),
                outBias: try vec(l + "self_attn.out_proj.bias", [d]),
                norm2Gamma: try vec(l + "layer_norm2.weight", [d]), norm2Beta: try vec(l + "layer_norm2.bias", [d]),
                fc1: try packed(l + "mlp.fc1.weight", i, d, nil, precision), fc1Bias: try vec(l + "mlp.fc1.bias", [i]),
                fc2: try packed(l + "mlp.fc2.weight", d, i, nil, precision), fc2Bias: try vec(l + "mlp.fc2.bias", [d])
            )
        }
        postNormGamma = try vec(v + "post_layernorm.weight", [d])
        postNormBeta = try vec(v + "post_layernorm.bias", [d])
        projection = try packed("visual_projection.weight", c.projectionDim, d, nil, .fp32)
    }
}

/// Owns the float vectors (biases, norms, embeddings) copied out of the weights file.
final class VectorArena: @unchecked Sendable {
    private var buffers: [UnsafeMutablePointer<Float>] = []

    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        buffers.append(p)
        return p
    }

    func copy(_ source: UnsafePointer<Float>, count: Int) -> UnsafePointer<Float> {
        let p = allocate(count)
        p.update(from: source, count: count)
        return UnsafePointer(p)
    }

    deinit { for p in buffers { p.deallocate() } }
}
