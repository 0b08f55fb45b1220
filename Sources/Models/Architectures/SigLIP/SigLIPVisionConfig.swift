import Foundation

/// The shape of a SigLIP image tower, from transformers' config.json: a whole `SiglipModel`
/// config (`vision_config` inside) or a `SiglipVisionModel` one. Absent fields take
/// `SiglipVisionConfig`'s defaults (base, patch 16, 224 px). SigLIP 2's fixed-resolution
/// checkpoints are the same architecture.
public struct SigLIPVisionConfig: Sendable, Equatable {
    public var hiddenSize = 768
    public var intermediateSize = 3072
    public var layers = 12
    public var heads = 12
    public var imageSize = 224
    public var patchSize = 16
    public var layerNormEps: Float = 1e-6
    public var activation = "gelu_pytorch_tanh"

    /// Whole patches per side (a remainder of the image is left out, as a strided convolution does).
    public var patchesPerSide: Int { imageSize / patchSize }
    /// Patches only: SigLIP has no class token.
    public var tokens: Int { patchesPerSide * patchesPerSide }
    public var headDim: Int { hiddenSize / heads }

    public init() {}

    public static func load(from url: URL) throws -> SigLIPVisionConfig {
        let root = try ConfigJSON.read(url), path = url.path
        let v = root["vision_config"] as? [String: Any] ?? root
        var c = SigLIPVisionConfig()
        c.hiddenSize = try ConfigJSON.int(v, "hidden_size", c.hiddenSize, path: path)
        c.intermediateSize = try ConfigJSON.int(v, "intermediate_size", c.intermediateSize, path: path)
        c.layers = try ConfigJSON.int(v, "num_hidden_layers", c.layers, path: path)
        c.heads = try ConfigJSON.int(v, "num_attention_heads", c.heads, path: path)
        c.imageSize = try ConfigJSON.int(v, "image_size", c.imageSize, path: path)
        c.patchSize = try ConfigJSON.int(v, "patch_size", c.patchSize, path: path)
        c.layerNormEps = Float(try ConfigJSON.double(v, "layer_norm_eps", Double(c.layerNormEps), path: path))
        c.activation = v["hidden_act"] as? String ?? c.activation
        if v["vision_use_head"] as? Bool == false {
            throw WeightsError.badConfig(path: path, reason: "vision_use_head is false: this tower has no pooling head, so no image embedding")
        }
        // image_size need not be a multiple of patch_size: so400m-patch14-384's convolution covers
        // 27 x 14 = 378 of its 384 pixels and leaves the last 6 rows and columns out, as PyTorch's does.
        guard c.hiddenSize % c.heads == 0, c.imageSize >= c.patchSize else {
            throw WeightsError.badConfig(path: path, reason: "hidden_size must divide by num_attention_heads, and image_size be at least patch_size")
        }
        return c
    }
}
