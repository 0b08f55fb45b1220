import Foundation

/// The shape of a DINOv2 backbone, from transformers' `Dinov2Config` / `Dinov2WithRegistersConfig`
/// (config.json, `model_type` dinov2 or dinov2_with_registers). Absent fields take transformers'
/// defaults (ViT-B/14 trained at 518 px).
public struct DINOv2Config: TransformerConfig {
    /// The MLP width is `mlpHidden`, derived from `mlp_ratio`: DINOv2 has no `intermediate_size`.
    public var shape = TransformerShape(width: 768, mlpWidth: 3072, layers: 12, heads: 12, layerNormEps: 1e-6, activation: "gelu")
    /// The resolution the position embeddings were trained at (`image_size`); inputs of another
    /// size get them interpolated.
    public var trainedImageSize = 518
    public var patchSize = 14
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
    public var mlpHidden: Int { shape.mlpWidth }

    static func mlpWidth(width: Int, ratio: Double, swiGLU: Bool) -> Int {
        let plain = Int(Double(width) * ratio)
        return swiGLU ? (Int(Double(plain) * 2 / 3) + 7) / 8 * 8 : plain
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        self.init()
        let root = try decoder.container(keyedBy: ConfigKey.self)
        let ratio = try root.positiveNumber("mlp_ratio", default: 4.0)
        let swiGLU = try root.flag("use_swiglu_ffn", default: swiGLU)
        shape = try TransformerShape(from: root, defaults: shape) { Self.mlpWidth(width: $0, ratio: ratio, swiGLU: swiGLU) }
        self.swiGLU = swiGLU
        trainedImageSize = try root.integer("image_size", default: trainedImageSize)
        patchSize = try root.integer("patch_size", default: patchSize)
        qkvBias = try root.flag("qkv_bias", default: qkvBias)
        if try root.text("model_type", default: "dinov2") == "dinov2_with_registers" {
            registers = try root.integer("num_register_tokens", default: 4)
        }
        guard mlpHidden > 0 else { throw root.invalid("mlp_ratio", "\(ratio) leaves no MLP for hidden_size \(hiddenSize)") }
        guard imageSize % patchSize == 0, trainedImageSize % patchSize == 0 else {
            throw root.invalid(
                "patch_size", "image_size \(trainedImageSize) and the \(imageSize) px input must be multiples of patch_size \(patchSize)")
        }
    }
}
