import Foundation

/// The shape of a CLIP vision tower, read from a Hugging Face `config.json`: either a whole
/// `CLIPModel` config (with `vision_config` and a top-level `projection_dim`) or a vision-only
/// one (`CLIPVisionModelWithProjection`). Fields a config leaves out take transformers'
/// `CLIPVisionConfig` defaults, which are ViT-B/32's.
public struct CLIPVisionConfig: ImageTowerConfig {
    public var shape = TransformerShape(width: 768, mlpWidth: 3072, layers: 12, heads: 12, layerNormEps: 1e-5, activation: "quick_gelu")
    public var imageSize = 224
    public var patchSize = 32
    public var channels = 3
    public var projectionDim = 512

    public init() {}

    /// Patches plus the class token.
    public var tokens: Int { patchesPerSide * patchesPerSide + 1 }

    public init(from decoder: any Decoder) throws {
        self.init()
        let (root, vision) = try readImageTower(from: decoder)
        channels = try vision.integer("num_channels", default: channels)
        // A whole CLIPModel's projection is top-level; a vision-only config has its own.
        projectionDim = try root.integer("projection_dim", default: vision.integer("projection_dim", default: projectionDim))
        guard imageSize % patchSize == 0 else {
            throw vision.invalid("patch_size", "image_size \(imageSize) is not a multiple of patch_size \(patchSize)")
        }
        guard channels == 3 else { throw vision.invalid("num_channels", "must be 3 (RGB), found \(channels)") }
    }
}
