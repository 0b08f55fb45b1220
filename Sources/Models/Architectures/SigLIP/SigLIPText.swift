import Foundation
import SCSTensor

/// SigLIP's text tower in float32: token and position embeddings, the pre-norm transformer
/// (bidirectional), the final layer norm, and the head (a linear layer with bias) on the LAST
/// position, whatever token is there, as the model was trained on texts padded to 64.
///
/// `maskPadding`: transformers 5's processor returns an attention mask and its zero-shot
/// pipeline passes it, so the padding keys are hidden from every query; `get_text_features(input_ids)`
/// (and big_vision, where SigLIP was trained) attend to all 64 positions. Off by default.
///
/// Notation: T = 64 positions, D width, P projection. Output: transformers' `get_text_features`.
public final class SigLIPTextModel: TextEncoder, @unchecked Sendable {
    public let config: SigLIPTextConfig
    public let tokenizer: SigLIPTokenizer
    public var maskPadding = false
    private let weights: SigLIPTextWeights
    private let pool: WorkspacePool

    /// Loads the text tower of a `SiglipModel` folder (`config.json` with a `text_config`, the
    /// weights) and its tokenizer (`spiece.model`, else `tokenizer.json`).
    public init(directory: URL) throws {
        config = try SigLIPTextConfig.load(from: directory.appendingPathComponent("config.json"))
        tokenizer = try SigLIPTokenizer.load(folder: directory, contextLength: config.contextLength)
        guard tokenizer.model.count <= config.vocabularySize else {
            throw WeightsError.badConfig(
                path: directory.path, reason: "spiece.model has \(tokenizer.model.count) pieces, the tower's vocab_size is \(config.vocabularySize)")
        }
        weights = try SigLIPTextWeights(file: try FolderWeights.open(directory), config: config)
        let c = config
        pool = WorkspacePool(
            Workspace.Layout(
                tokens: c.contextLength, width: c.hiddenSize, heads: c.heads,
                mlpWidth: c.intermediateSize, patches: 0, patchLength: 0))
    }

    public var embeddingWidth: Int { config.projectionSize }
    public var summary: String {
        "SigLIP text, \(config.layers) layers, width \(config.hiddenSize) → \(config.projectionSize), SentencePiece (\(tokenizer.model.count) pieces)"
    }

    public func tokenize(_ text: String) -> [Int] { tokenizer.tokenize(text) }

    public func embed(texts: [String]) -> [Float] {
        embedEach(texts, width: config.projectionSize, pool: pool) { embed(ids: tokenize($0), into: $1, $2) }
    }

    /// One sequence of T ids → `[P]`.
    func embed(ids: [Int], into output: UnsafeMutablePointer<Float>, _ w: Workspace) {
        let d = config.hiddenSize, t = config.contextLength
        precondition(ids.count == t, "\(ids.count) ids for a context of \(t)")
        weights.embedding.apply(ids, into: w.x)  // x [T, D] = token + position
        // With the mask, the keys are the tokens up to and including </s>; the rest is padding.
        let keys = maskPadding ? min(t, (ids.firstIndex(of: tokenizer.endOfSentence) ?? t - 1) + 1) : nil
        for layer in weights.layers { layer.forward(batch: 1, w, visibleKeys: keys) }
        weights.finalNorm.apply(w.x + (t - 1) * d, rows: 1, width: d, into: w.h)  // LN(x[T−1])
        linear(w.h, rows: 1, weight: weights.head, bias: weights.headBias, into: output, scratch: w.gemm)  // → [P]
    }
}

/// The text tower's tensors under transformers' `SiglipModel` names.
struct SigLIPTextWeights: @unchecked Sendable {
    let embedding: TokenEmbedding  // [V, D] tokens, [T, D] positions
    let layers: [EncoderLayer]
    let finalNorm: LayerNormWeights
    let head: PackedMatrix  // [P, D]
    let headBias: UnsafePointer<Float>  // [P]
    private let vectors: VectorArena

    init(file: any TensorSource, config c: SigLIPTextConfig) throws {
        let read = WeightReader(file)
        vectors = read.arena
        let d = c.hiddenSize, t = "text_model."
        let activation = Activation(rawValue: c.activation)!
        embedding = try TokenEmbedding(read, t + "embeddings.", vocabulary: c.vocabularySize, positions: c.contextLength, width: d)
        layers = try (0..<c.layers).map { n in
            try EncoderLayer.clipNamed(
                read, t + "encoder.layers.\(n).", width: d, mlp: c.intermediateSize, eps: c.layerNormEps,
                activation: activation, precision: .fp32)
        }
        finalNorm = try LayerNormWeights(read, t + "final_layer_norm", width: d, eps: c.layerNormEps)
        head = try read.packed(t + "head.weight", c.projectionSize, d, .fp32)
        headBias = try read.vector(t + "head.bias", [c.projectionSize])
    }
}
