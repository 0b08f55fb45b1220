import Foundation
import SCSImaging
import SCSTensor

/// An image tower: preprocessed images in, one embedding per image out. Each architecture is one
/// type over the shared layers (`Layers/`): `CLIPVisionModel`, `DINOv2Model`, `SigLIPVisionModel`.
/// Load one with `ImageEncoders.load`, which reads the kind from the files.
public protocol ImageEncoder: AnyObject, Sendable {
    /// What the files hold.
    var kind: ModelKind { get }
    /// A one-line description of the shape, e.g. "ViT-B/32, 12 layers, width 768 → 512".
    var summary: String { get }
    /// The format of the transformer layers' products.
    var precision: Precision { get }
    /// Floats per embedding.
    var embeddingWidth: Int { get }
    /// The model's own preprocessing for `pipeline` (the input side, resize rule, mean, std).
    func preprocessor(_ pipeline: ImagePreprocessor.Pipeline) -> ImagePreprocessor
    /// Embeds `batch` preprocessed images (`[B, 3, S, S]`) into `output` (`[B, E]`). Safe to call
    /// from several threads at once, each with its own workspace.
    func embed(_ pixels: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>, workspace: Workspace)
    /// Scratch memory for batches of up to `capacity` images; one per thread.
    func makeWorkspace(capacity: Int) -> Workspace
    /// A workspace from the model's pool (or a new one); give it back with `recycle`.
    func borrowWorkspace(capacity: Int) -> Workspace
    func recycle(_ workspace: Workspace)
}

extension ImageEncoder {
    /// The side of the square input.
    public var inputSize: Int { preprocessor(kind.defaultPipeline).size }

    /// Embeds `count` preprocessed images (`pixels`: `[count, 3, S, S]`) `batch` at a time, on the
    /// calling thread; returns `[count, E]`.
    public func embed(_ pixels: [Float], count: Int, batch: Int) -> [Float] {
        let e = embeddingWidth, per = 3 * inputSize * inputSize
        precondition(pixels.count >= count * per, "\(pixels.count) floats for \(count) images")
        var out = [Float](repeating: .nan, count: count * e)
        let workspace = borrowWorkspace(capacity: batch)
        defer { recycle(workspace) }
        pixels.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { o in
                var start = 0
                while start < count {
                    let n = min(batch, count - start)
                    embed(px.baseAddress! + start * per, batch: n, into: o.baseAddress! + start * e, workspace: workspace)
                    start += n
                }
            }
        }
        return out
    }
}
