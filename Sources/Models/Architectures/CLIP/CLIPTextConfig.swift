import Foundation
import SCSTensor

/// The shape of CLIP's text tower, from a Hugging Face `config.json` (`text_config` and the
/// top-level `projection_dim`). Defaults are transformers' `CLIPTextConfig`'s, ViT-B/32's tower.
public struct CLIPTextConfig: Sendable, Equatable {
    public var vocabularySize = 49408
    public var hiddenSize = 512
    public var intermediateSize = 2048
    public var layers = 12
    public var heads = 8
    public var contextLength = 77
    public var projectionDim = 512
    public var layerNormEps: Float = 1e-5
    public var activation = "quick_gelu"
    /// Which token is pooled: the first `<|endoftext|>`; 2 marks the configs of transformers
    /// before 4.31, whose towers pool the largest id instead (the same token for OpenAI's vocabulary).
    public var eosTokenID = 49407

    public init() {}

    /// Reads `config.json`; errors name the file and field.
    public static func load(from url: URL) throws -> CLIPTextConfig {
        let path = url.path
        let root = try ConfigJSON.read(url)
        guard let text = root["text_config"] as? [String: Any] else {
            throw WeightsError.badConfig(path: path, reason: "no text_config: the folder holds no text tower")
        }
        var c = CLIPTextConfig()
        c.vocabularySize = try ConfigJSON.int(text, "vocab_size", c.vocabularySize, path: path)
        c.hiddenSize = try ConfigJSON.int(text, "hidden_size", c.hiddenSize, path: path)
        c.intermediateSize = try ConfigJSON.int(text, "intermediate_size", c.intermediateSize, path: path)
        c.layers = try ConfigJSON.int(text, "num_hidden_layers", c.layers, path: path)
        c.heads = try ConfigJSON.int(text, "num_attention_heads", c.heads, path: path)
        c.contextLength = try ConfigJSON.int(text, "max_position_embeddings", c.contextLength, path: path)
        c.projectionDim = try ConfigJSON.int(root, "projection_dim", try ConfigJSON.int(text, "projection_dim", c.projectionDim, path: path), path: path)
        if let eos = text["eos_token_id"] as? Int { c.eosTokenID = eos }
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
