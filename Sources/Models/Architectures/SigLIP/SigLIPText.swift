import Foundation
import SCSTensor

/// The shape of SigLIP's text tower, from a `SiglipModel` `config.json` (`text_config`); absent
/// fields take transformers' `SiglipTextConfig` defaults (base patch16 224's tower).
public struct SigLIPTextConfig: Sendable, Equatable {
    public var vocabularySize = 32000
    public var hiddenSize = 768
    public var intermediateSize = 3072
    public var layers = 12
    public var heads = 12
    public var contextLength = 64
    public var projectionSize = 768
    public var layerNormEps: Float = 1e-6
    public var activation = "gelu_pytorch_tanh"

    /// Reads `config.json`; errors name the file and field.
    public static func load(from url: URL) throws -> SigLIPTextConfig {
        let path = url.path
        guard let text = try ConfigJSON.read(url)["text_config"] as? [String: Any] else {
            throw WeightsError.badConfig(path: path, reason: "no text_config: the folder holds no text tower")
        }
        var c = SigLIPTextConfig()
        c.vocabularySize = try ConfigJSON.int(text, "vocab_size", c.vocabularySize, path: path)
        c.hiddenSize = try ConfigJSON.int(text, "hidden_size", c.hiddenSize, path: path)
        c.intermediateSize = try ConfigJSON.int(text, "intermediate_size", c.intermediateSize, path: path)
        c.layers = try ConfigJSON.int(text, "num_hidden_layers", c.layers, path: path)
        c.heads = try ConfigJSON.int(text, "num_attention_heads", c.heads, path: path)
        c.contextLength = try ConfigJSON.int(text, "max_position_embeddings", c.contextLength, path: path)
        c.projectionSize = try ConfigJSON.int(text, "projection_size", c.hiddenSize, path: path)
        if let eps = text["layer_norm_eps"] as? Double { c.layerNormEps = Float(eps) }
        if let act = text["hidden_act"] as? String { c.activation = act }
        guard Activation(rawValue: c.activation) != nil else {
            throw WeightsError.badConfig(path: path, reason: "field text_config.hidden_act: unsupported activation \(c.activation)")
        }
        guard c.hiddenSize % c.heads == 0 else {
            throw WeightsError.badConfig(path: path, reason: "text_config: hidden_size \(c.hiddenSize) is not divisible by num_attention_heads \(c.heads)")
        }
        return c
    }
}

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
            throw WeightsError.badConfig(path: directory.path, reason: "spiece.model has \(tokenizer.model.count) pieces, the tower's vocab_size is \(config.vocabularySize)")
        }
        weights = try SigLIPTextWeights(file: try FolderWeights.open(directory), config: config)
        let c = config
        pool = WorkspacePool(Workspace.Layout(tokens: c.contextLength, width: c.hiddenSize, heads: c.heads,
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
        weights.embedding.apply(ids, into: w.x)                        // x [T, D] = token + position
        // With the mask, the keys are the tokens up to and including </s>; the rest is padding.
        let keys = maskPadding ? min(t, (ids.firstIndex(of: tokenizer.endOfSentence) ?? t - 1) + 1) : nil
        for layer in weights.layers { layer.forward(batch: 1, w, visibleKeys: keys) }
        weights.finalNorm.apply(w.x + (t - 1) * d, rows: 1, width: d, into: w.h)                    // LN(x[T−1])
        linear(w.h, rows: 1, weight: weights.head, bias: weights.headBias, into: output, scratch: w.gemm)  // → [P]
    }
}

/// The text tower's tensors under transformers' `SiglipModel` names.
struct SigLIPTextWeights: @unchecked Sendable {
    let embedding: TokenEmbedding                // [V, D] tokens, [T, D] positions
    let layers: [EncoderLayer]
    let finalNorm: LayerNormWeights
    let head: PackedMatrix                       // [P, D]
    let headBias: UnsafePointer<Float>           // [P]
    private let vectors: VectorArena

    init(file: any TensorSource, config c: SigLIPTextConfig) throws {
        let read = WeightReader(file)
        vectors = read.arena
        let d = c.hiddenSize, t = "text_model."
        let activation = Activation(rawValue: c.activation)!
        embedding = try TokenEmbedding(read, t + "embeddings.", vocabulary: c.vocabularySize, positions: c.contextLength, width: d)
        layers = try (0..<c.layers).map { n in
            try EncoderLayer.clipNamed(read, t + "encoder.layers.\(n).", width: d, mlp: c.intermediateSize, eps: c.layerNormEps,
                                       activation: activation, precision: .fp32)
        }
        finalNorm = try LayerNormWeights(read, t + "final_layer_norm", width: d, eps: c.layerNormEps)
        head = try read.packed(t + "head.weight", c.projectionSize, d, .fp32)
        headBias = try read.vector(t + "head.bias", [c.projectionSize])
    }
}
