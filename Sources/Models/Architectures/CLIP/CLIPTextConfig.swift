import Foundation

/// The shape of CLIP's text tower, from a Hugging Face `config.json` (`text_config` and the
/// top-level `projection_dim`). Defaults are transformers' `CLIPTextConfig`'s, ViT-B/32's tower.
public struct CLIPTextConfig: TextTowerConfig {
    public var shape = TransformerShape(width: 512, mlpWidth: 2048, layers: 12, heads: 8, layerNormEps: 1e-5, activation: "quick_gelu")
    public var vocabularySize = 49408
    public var contextLength = 77
    public var projectionDim = 512
    /// Which token is pooled: the first `<|endoftext|>`; 2 marks the configs of transformers
    /// before 4.31, whose towers pool the largest id instead (the same token for OpenAI's vocabulary).
    public var eosTokenID = 49407

    public init() {}

    public init(from decoder: any Decoder) throws {
        self.init()
        let (root, text) = try readTextTower(from: decoder)
        projectionDim = try root.integer("projection_dim", default: text.integer("projection_dim", default: projectionDim))
        eosTokenID = try text.integer("eos_token_id", default: eosTokenID, atLeast: 0)
    }
}
