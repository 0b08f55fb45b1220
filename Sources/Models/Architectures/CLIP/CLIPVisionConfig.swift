import Foundation
import SCSTensor

/// The shape of a CLIP vision tower, read from a Hugging Face `config.json`: either a whole
/// `CLIPModel` config (with `vision_config` and a top-level `projection_dim`) or a vision-only
/// one (`CLIPVisionModelWithProjection`). Fields a config leaves out take transformers'
/// `CLIPVisionConfig` defaults, which are ViT-B/32's.
public struct CLIPVisionConfig: Sendable, Equatable, Codable {
    public var hiddenSize = 768
    public var intermediateSize = 3072
    public var layers = 12
    public var heads = 12
    public var imageSize = 224
    public var patchSize = 32
    public var channels = 3
    public var projectionDim = 512
    public var layerNormEps: Float = 1e-5
    public var activation = "quick_gelu"

    public init() {}

    public var patchesPerSide: Int { imageSize / patchSize }
    /// Patches plus the class token.
    public var tokens: Int { patchesPerSide * patchesPerSide + 1 }
    public var headDim: Int { hiddenSize / heads }

    /// Reads `config.json`; errors name the file and field.
    public static func load(from url: URL) throws -> CLIPVisionConfig {
        let path = url.path
        let root = try ConfigJSON.read(url)
        let vision = root["vision_config"] as? [String: Any] ?? root
        var config = CLIPVisionConfig()
        func int(_ key: String, _ into: inout Int, in dict: [String: Any]) throws {
            into = try ConfigJSON.int(dict, key, into, path: path)
        }
        try int("hidden_size", &config.hiddenSize, in: vision)
        try int("intermediate_size", &config.intermediateSize, in: vision)
        try int("num_hidden_layers", &config.layers, in: vision)
        try int("num_attention_heads", &config.heads, in: vision)
        try int("image_size", &config.imageSize, in: vision)
        try int("patch_size", &config.patchSize, in: vision)
        try int("num_channels", &config.channels, in: vision)
        try int("projection_dim", &config.projectionDim, in: vision)
        try int("projection_dim", &config.projectionDim, in: root)
        if let eps = vision["layer_norm_eps"] as? Double { config.layerNormEps = Float(eps) }
        if let act = vision["hidden_act"] as? String { config.activation = act }
        guard Activation(rawValue: config.activation) != nil else {
            throw WeightsError.badConfig(path: path, reason: "field hidden_act: unsupported activation \(config.activation)")
        }
        guard config.hiddenSize % config.heads == 0 else {
            throw WeightsError.badConfig(path: path, reason: "hidden_size \(config.hiddenSize) is not divisible by num_attention_heads \(config.heads)")
        }
        guard config.imageSize % config.patchSize == 0, config.channels == 3 else {
            throw WeightsError.badConfig(path: path, reason: "image_size must be a multiple of patch_size, with 3 channels")
        }
        return config
    }
}
