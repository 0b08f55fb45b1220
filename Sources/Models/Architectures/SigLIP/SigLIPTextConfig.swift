import Foundation

/// The shape of SigLIP's text tower, from a `SiglipModel` `config.json` (`text_config`); absent
/// fields take transformers' `SiglipTextConfig` defaults (base patch16 224's tower).
public struct SigLIPTextConfig: TextTowerConfig {
    public var shape = TransformerShape(width: 768, mlpWidth: 3072, layers: 12, heads: 12, layerNormEps: 1e-6, activation: "gelu_pytorch_tanh")
    public var vocabularySize = 32000
    public var contextLength = 64
    public var projectionSize = 768

    public init() {}

    public init(from decoder: any Decoder) throws {
        self.init()
        let text = try readTextTower(from: decoder).tower
        // transformers' default head is as wide as the tower.
        projectionSize = try text.integer("projection_size", default: hiddenSize)
    }
}
