import Foundation

/// A tower's config: its `TransformerShape` plus the fields of its own architecture. The shape's
/// fields read under the names the models use.
public protocol TransformerConfig: Decodable, Sendable, Equatable {
    var shape: TransformerShape { get set }
}

extension TransformerConfig {
    // Read-only: a config changes through `shape` (OpenAI's checkpoints build theirs that way).
    public var hiddenSize: Int { shape.width }
    public var intermediateSize: Int { shape.mlpWidth }
    public var layers: Int { shape.layers }
    public var heads: Int { shape.heads }
    public var layerNormEps: Float { shape.layerNormEps }
    public var activation: String { shape.activation }
    public var headDim: Int { shape.width / shape.heads }

    /// Reads `config.json`; errors name the file and field.
    public static func load(from url: URL) throws -> Self {
        try ConfigJSON.decode(Self.self, from: url)
    }
}

/// The image tower of a transformers ViT config (CLIP's, SigLIP's): square inputs cut into square
/// patches, read from `vision_config` in a whole model's config or from the root in a tower's own.
public protocol ImageTowerConfig: TransformerConfig {
    var imageSize: Int { get set }
    var patchSize: Int { get set }
}

extension ImageTowerConfig {
    /// Whole patches per side (a remainder of the image is left out, as a strided convolution does).
    public var patchesPerSide: Int { imageSize / patchSize }

    /// Reads the shape, `image_size` and `patch_size` over the defaults already in `self`; returns
    /// the root and the tower's object for the architecture's own fields.
    mutating func readImageTower(from decoder: any Decoder) throws -> (root: ConfigFields, tower: ConfigFields) {
        let root = try decoder.container(keyedBy: ConfigKey.self)
        let vision = try root.object("vision_config") ?? root
        shape = try TransformerShape(from: vision, defaults: shape)
        imageSize = try vision.integer("image_size", default: imageSize)
        patchSize = try vision.integer("patch_size", default: patchSize)
        return (root, vision)
    }
}

/// The text tower of a transformers config (CLIP's, SigLIP's), read from its `text_config`.
public protocol TextTowerConfig: TransformerConfig {
    var vocabularySize: Int { get set }
    /// `max_position_embeddings`: the tokens a text is padded or cut to.
    var contextLength: Int { get set }
}

extension TextTowerConfig {
    /// Reads the shape, `vocab_size` and `max_position_embeddings` over the defaults already in
    /// `self`; returns the root and `text_config` for the architecture's own fields.
    mutating func readTextTower(from decoder: any Decoder) throws -> (root: ConfigFields, tower: ConfigFields) {
        let root = try decoder.container(keyedBy: ConfigKey.self)
        guard let text = try root.object("text_config") else {
            throw root.invalid("text_config", "missing: the folder holds no text tower")
        }
        shape = try TransformerShape(from: text, defaults: shape)
        vocabularySize = try text.integer("vocab_size", default: vocabularySize)
        contextLength = try text.integer("max_position_embeddings", default: contextLength)
        return (root, text)
    }
}
