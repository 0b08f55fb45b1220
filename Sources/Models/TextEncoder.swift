import Foundation

/// A text tower: texts in, one embedding per text out (unnormalised). CLIP's (`CLIPTextModel`)
/// pairs with CLIP's image tower, SigLIP's with SigLIP's; each owns the tokenizer its files name.
public protocol TextEncoder: AnyObject, Sendable {
    /// Floats per embedding (the image tower's width, so the two can be compared).
    var embeddingWidth: Int { get }
    /// A one-line description of the shape and the tokenizer.
    var summary: String { get }
    /// The token ids the tower reads for `text`, padded to its context.
    func tokenize(_ text: String) -> [Int]
    /// `[texts.count, E]` embeddings, each computed on its own (the same bits however many are asked).
    func embed(texts: [String]) -> [Float]
}

/// Loading the text tower that goes with an image tower.
public enum TextEncoders {
    /// The text tower in `directory` (a model folder, or for CLIP a checkpoint file) for a model of
    /// `kind`; an error naming the files when the kind has none (DINOv2, DINO, DreamSim) or the
    /// files lack it (a vision-only folder or checkpoint).
    public static func load(_ directory: URL, kind: ModelKind) throws -> any TextEncoder {
        switch kind {
        case .clip: return try CLIPTextModel(directory: directory)
        case .siglip: return try SigLIPTextModel(directory: directory)
        default:
            throw WeightsError.badConfig(
                path: directory.path, reason: "a \(kind.rawValue) model has no text tower: alignment metrics need CLIP or SigLIP")
        }
    }
}
