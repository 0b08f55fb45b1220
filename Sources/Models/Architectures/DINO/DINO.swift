import Foundation
import SCSImaging
import SCSTensor

/// DINO v1 (facebookresearch/dino: `dino_vitb16` and its siblings), from the checkpoint DINO
/// publishes (`dino_vitbase16_pretrain.pth`: the teacher backbone's state dict, which
/// `torch.hub.load("facebookresearch/dino:main", "dino_vitb16")` loads). The embedding is DINO's
/// `forward`: the class token after the final layer norm. Tower: `TimmViT`.
public final class DINOModel: ImageEncoder, @unchecked Sendable {
    public let file: URL
    public let precision: Precision
    private let tower: TimmViT
    private let pool: WorkspacePool

    /// `packedCache`, when given, maps the matrices an earlier load packed, and records the rest.
    public init(file: URL, precision: Precision = .fp32, packedCache: PackedWeightCache? = nil) throws {
        self.file = file
        self.precision = precision
        let source = try TorchCheckpoint(path: file.path)
        let prefix = source.prefix(before: "patch_embed.proj.weight") ?? ""
        tower = try TimmViT(source, prefix: prefix, eps: 1e-6, activation: .gelu, precision: precision, cache: packedCache)
        pool = WorkspacePool(tower.config.layout)
    }

    public var kind: ModelKind { .dino }
    public var embeddingWidth: Int { tower.config.width }
    public var summary: String {
        let c = tower.config
        return "DINO ViT, patch \(c.patchSize), \(c.imageSize) px, \(c.layers) layers, width \(c.width)"
    }

    /// DINO's evaluation transform: the short side to 256 (Pillow bicubic), centre crop 224,
    /// ImageNet's mean and std, on the image converted to RGB first (torchvision's ImageFolder).
    public func preprocessor(_ pipeline: ImagePreprocessor.Pipeline) -> ImagePreprocessor {
        ImagePreprocessor(
            size: tower.config.imageSize, resize: .shortestEdge(tower.config.imageSize * 256 / 224),
            mean: ImagePreprocessor.imageNetMean, std: ImagePreprocessor.imageNetStd, pipeline: pipeline)
    }

    public func embed(_ pixels: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>, workspace: Workspace) {
        precondition(batch <= workspace.capacity, "batch \(batch) exceeds workspace capacity \(workspace.capacity)")
        tower.forward(pixels, batch: batch, workspace)  // blocks → w.x [B·T, D]
        tower.normalizedClassTokens(batch: batch, workspace, into: output)  // norm(x)[:, 0] → [B, D]
    }

    public func makeWorkspace(capacity: Int) -> Workspace { pool.make(capacity: capacity) }
    public func borrowWorkspace(capacity: Int) -> Workspace { pool.borrow(capacity: capacity) }
    public func recycle(_ workspace: Workspace) { pool.recycle(workspace) }
}
