import Foundation

/// The shape of a SigLIP image tower, from transformers' config.json: a whole `SiglipModel`
/// config (`vision_config` inside) or a `SiglipVisionModel` one. Absent fields take
/// `SiglipVisionConfig`'s defaults (base, patch 16, 224 px). SigLIP 2's fixed-resolution
/// checkpoints are the same architecture.
public struct SigLIPVisionConfig: ImageTowerConfig {
    public var shape = TransformerShape(width: 768, mlpWidth: 3072, layers: 12, heads: 12, layerNormEps: 1e-6, activation: "gelu_pytorch_tanh")
    public var imageSize = 224
    public var patchSize = 16

    /// Patches only: SigLIP has no class token.
    public var tokens: Int { patchesPerSide * patchesPerSide }

    public init() {}

    public init(from decoder: any Decoder) throws {
        self.init()
        let vision = try readImageTower(from: decoder).tower
        guard try vision.flag("vision_use_head", default: true) else {
            throw vision.invalid("vision_use_head", "false: this tower has no pooling head, so no image embedding")
        }
        // image_size need not be a multiple of patch_size: so400m-patch14-384's convolution covers
        // 27 x 14 = 378 of its 384 pixels and leaves the last 6 rows and columns out, as PyTorch's does.
        guard imageSize >= patchSize else {
            throw vision.invalid("patch_size", "image_size \(imageSize) is smaller than patch_size \(patchSize)")
        }
    }
}
