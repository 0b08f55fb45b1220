import Foundation

/// The shape of a DINOv2 backbone, from transformers' `Dinov2Config` / `Dinov2WithRegistersConfig`
/// (config.json, `model_type` dinov2 or dinov2_with_registers). Absent fields take transformers'
/// defaults (ViT-B/14 trained at 518 px).
public struct DINOv2Config: Sendable, Equatable {
    public var hiddenSize = 768
    public var layers = 12
    public var heads = 12
    public var mlpRatio = 4.0
    /// The resolution the position embeddings were trained at (`image_size`); inputs of another
    /// size get them interpolated.
    public var trainedImageSize = 518
    public var patchSize = 14
    public var layerNormEps: Float = 1e-6
    public var activation = "gelu"
    public var swiGLU = false
    public var qkvBias = true
    /// Register tokens (0 for plain DINOv2).
    public var registers = 0
    /// The input side: the image processor's centre crop (224 on every published checkpoint).
    public var imageSize = 224
    /// The image processor's resize of the short side, before the crop (256 on every published checkpoint).
    public var resizeEdge = 256

    public var patchesPerSide: Int { imageSize / patchSize }
    /// The class token, the registers, the patches.
    public var tokens: Int { 1 + registers + patchesPerSide * patchesPerSide }
    public var trainedPatchesPerSide: Int { trainedImageSize / patchSize }
    /// The MLP width: `int(D · mlp_ratio)`; for SwiGLU two thirds of it, rounded up to a multiple of 8.
    public var mlpHidden: Int {
        let plain = Int(Double(hiddenSize) * mlpRatio)
        return swiGLU ? (Int(Double(plain) * 2 / 3) + 7) / 8 * 8 : plain
    }

    public init() {}

    public static func load(from url: URL) throws -> DINOv2Config {
        let root = try ConfigJSON.read(url), path = url.path
        var c = DINOv2Config()
        c.hiddenSize = try ConfigJSON.int(root, "hidden_size", c.hiddenSize, path: path)
        c.layers = try ConfigJSON.int(root, "num_hidden_layers", c.layers, path: path)
        c.heads = try ConfigJSON.int(root, "num_attention_heads", c.heads, path: path)
        c.mlpRatio = try ConfigJSON.double(root, "mlp_ratio", c.mlpRatio, path: path)
        c.trainedImageSize = try ConfigJSON.int(root, "image_size", c.trainedImageSize, path: path)
        c.patchSize = try ConfigJSON.int(root, "patch_size", c.patchSize, path: path)
        c.layerNormEps = Float(try ConfigJSON.double(root, "layer_norm_eps", Double(c.layerNormEps), path: path))
        c.activation = root["hidden_act"] as? String ?? c.activation
        c.swiGLU = root["use_swiglu_ffn"] as? Bool ?? false
        c.qkvBias = root["qkv_bias"] as? Bool ?? true
        c.registers = root["model_type"] as? String == "dinov2_with_registers"
            ? try ConfigJSON.int(root, "num_register_tokens", 4, path: path) : 0
        guard c.hiddenSize % c.heads == 0 else {
            throw WeightsError.badConfig(path: path, reason: "hidden_size \(c.hiddenSize) is not divisible by num_attention_heads \(c.heads)")
        }
        guard c.mlpRatio > 0, c.imageSize % c.patchSize == 0, c.trainedImageSize % c.patchSize == 0 else {
            throw WeightsError.badConfig(path: path, reason: "mlp_ratio must be positive and image_size a multiple of patch_size")
        }
        return c
    }
}
