import Foundation
import SCSTensor

/// The shape of SigLIP's text tower, from a `SiglipModel` `config.json` (`text_config`); absent
/// fields take transformers' `SiglipTextConfig` defaults (base patch16 224's tower).
public struct SigLIPTextConfig: Sendable, Equatable {
    public var vocabularySize = 32000
    public var hiddenSize = 768
    public var intermediateSize = 3072
    public var layers = 12
    public var heads = 12
    public var contextLength = 64
    public var projectionSize = 768
    public var layerNormEps: Float = 1e-6
    public var activation = "gelu_pytorch_tanh"

    /// Reads `config.json`; errors name the file and field.
    public static func load(from url: URL) throws -> SigLIPTextConfig {
        let path = url.path
        guard let text = try ConfigJSON.read(url)["text_config"] as? [String: Any] else {
            throw WeightsError.badConfig(path: path, reason: "no text_config: the folder holds no text tower")
        }
        var c = SigLIPTextConfig()
        c.vocabularySize = try ConfigJSON.int(text, "vocab_size", c.vocabularySize, path: path)
        c.hiddenSize = try ConfigJSON.int(text, "hidden_size", c.hiddenSize, path: path)
        c.intermediateSize = try ConfigJSON.int(text, "intermediate_size", c.intermediateSize, path: path)
        c.layers = try ConfigJSON.int(text, "num_hidden_layers", c.layers, path: path)
        c.heads = try ConfigJSON.int(text, "num_attention_heads", c.heads, path: path)
        c.contextLength = try ConfigJSON.int(text, "max_position_embeddings", c.contextLength, path: path)
        c.projectionSize = try ConfigJSON.int(text, "projection_size", c.hiddenSize, path: path)
        if let eps = text["layer_norm_eps"] as? Double { c.layerNormEps = Float(eps) }
        if let act = text["hidden_act"] as? String { c.activation = act }
        guard Activation(rawValue: c.activation) != nil else {
            throw WeightsError.badConfig(path: path, reason: "field text_config.hidden_act: unsupported activation \(c.activation)")
        }
        guard c.hiddenSize % c.heads == 0 else {
            throw WeightsError.badConfig(path: path, reason: "text_config: hidden_size \(c.hiddenSize) is not divisible by num_attention_heads \(c.heads)")
        }
        return c
    }
}
